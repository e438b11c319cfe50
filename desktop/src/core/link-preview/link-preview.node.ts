import {
  LINK_PREVIEW_IMAGE_MAX_BYTES,
  LINK_PREVIEW_MAX_REDIRECTS,
  LINK_PREVIEW_PAGE_MAX_BYTES,
  LINK_PREVIEW_TIMEOUT_MS,
} from '@chitchat/shared';
import type { LinkPreviewDraft } from '../../common/contract';
import { PUBLIC_ADDRESSES_ONLY, type AddressPolicy } from './address-policy';
import { fetchBounded, type BoundedFetchOptions } from './fetch-bounded.node.ts';
import { parsePage } from './parse-page';

import type { LinkPreviewMaker } from './link-preview-maker';

export type { LinkPreviewMaker } from './link-preview-maker';

export interface LinkPreviewOptions {
  /** Which addresses may be reached (default: public addresses only). */
  policy?: AddressPolicy;
  timeoutMs?: number;
  pageMaxBytes?: number;
  imageMaxBytes?: number;
  maxRedirects?: number;
}

const HTML_TYPES = /^\s*(text\/html|application\/xhtml\+xml)\s*(;|$)/i;
const IMAGE_TYPES = /^\s*image\/(png|jpeg|gif|webp|avif)\s*(;|$)/i;

/** The page's text in the charset its Content-Type names (UTF-8 when none, or unknown). */
function decodePage(body: Buffer, contentType: string): string {
  const charset = /charset\s*=\s*"?([\w-]+)/i.exec(contentType)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

/**
 * Link previews fetched from this device within strict bounds: http(s) only, public addresses
 * only (checked on the resolved and the connected address), a time limit per fetch, a size limit,
 * a few redirects. The image is fetched the same way and left out when it fails; the page failing
 * means no preview. Errors never escape: a preview is a nicety.
 */
export function nodeLinkPreviews(options: LinkPreviewOptions = {}): LinkPreviewMaker {
  const bounds = {
    policy: options.policy ?? PUBLIC_ADDRESSES_ONLY,
    timeoutMs: options.timeoutMs ?? LINK_PREVIEW_TIMEOUT_MS,
    maxRedirects: options.maxRedirects ?? LINK_PREVIEW_MAX_REDIRECTS,
  };
  const page: BoundedFetchOptions = {
    ...bounds,
    maxBytes: options.pageMaxBytes ?? LINK_PREVIEW_PAGE_MAX_BYTES,
    overflow: 'truncate',
    accept: 'text/html,application/xhtml+xml;q=0.9',
  };
  const image: BoundedFetchOptions = {
    ...bounds,
    maxBytes: options.imageMaxBytes ?? LINK_PREVIEW_IMAGE_MAX_BYTES,
    overflow: 'refuse',
    accept: 'image/webp,image/png,image/jpeg,image/gif;q=0.9',
  };
  return {
    async preview(url) {
      let facts;
      try {
        const fetched = await fetchBounded(url, page);
        if (!HTML_TYPES.test(fetched.contentType)) return null;
        facts = parsePage(decodePage(fetched.body, fetched.contentType), fetched.url);
      } catch {
        return null;
      }
      if (facts === null) return null;
      let picture: LinkPreviewDraft['image'] = null;
      if (facts.imageUrl !== null) {
        try {
          const fetched = await fetchBounded(facts.imageUrl, image);
          const mime = IMAGE_TYPES.exec(fetched.contentType)?.[0]?.split(';')[0]?.trim();
          if (mime !== undefined && fetched.body.length > 0) {
            picture = { mime: mime.toLowerCase(), bytes: new Uint8Array(fetched.body) };
          }
        } catch {
          // No picture, still a preview.
        }
      }
      return { url, title: facts.title, description: facts.description, image: picture };
    },
  };
}
