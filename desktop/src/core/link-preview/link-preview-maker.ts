import type { LinkPreviewDraft } from '../../common/contract';

/** Makes link previews on this device (DESIGN §10); the engine asks it for the composer's link. */
export interface LinkPreviewMaker {
  /** The preview of an http(s) page, or null when it has none (or may not be fetched). */
  preview(url: string): Promise<LinkPreviewDraft | null>;
}
