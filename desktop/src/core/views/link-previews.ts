import type { LinkPreview } from '@chitchat/shared';
import type { LinkPreviewView } from '../../common/contract';
import type { OutboxLinkPreview } from '../local-store/index';

/** The host a preview card shows under its title ("example.com"). */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return '';
  }
}

/** A stored message's link preview as a bubble shows it; anything malformed shows none. */
export function linkPreviewOf(value: unknown): LinkPreviewView | null {
  if (typeof value !== 'object' || value === null) return null;
  const preview = value as Partial<LinkPreview>;
  if (typeof preview.url !== 'string' || typeof preview.title !== 'string') return null;
  const image = preview.image;
  return {
    url: preview.url,
    host: hostOf(preview.url),
    title: preview.title,
    description: typeof preview.description === 'string' ? preview.description : null,
    image:
      image != null && typeof image.id === 'string'
        ? { ...image, thumbnail: image.thumbnail === true }
        : null,
  };
}

/** The preview of a message still in the outbox: its image from beside the outbox until uploaded. */
export function pendingLinkPreviewOf(
  key: string,
  preview: OutboxLinkPreview | undefined,
): LinkPreviewView | null {
  if (preview === undefined) return null;
  const image = preview.image;
  return {
    url: preview.url,
    host: hostOf(preview.url),
    title: preview.title,
    description: preview.description,
    image:
      image === undefined
        ? null
        : {
            id: image.mediaId ?? `local:${key}:preview`,
            name: image.name,
            mime: image.mime,
            size: image.size,
            thumbnail: image.mediaId !== undefined && image.thumbnail === true,
          },
  };
}
