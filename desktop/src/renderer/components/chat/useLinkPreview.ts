import { useEffect, useState } from 'react';
import { firstLinkIn } from '../../../common/links';
import type { LinkPreviewDraft } from '../../../common/contract';
import type { AppStore } from '../../state/store';

/** How long the composer waits after typing stops before it asks for a preview. */
const PREVIEW_DELAY_MS = 400;

/**
 * The preview of the first link in the composer's text, made by the engine on this device;
 * `remove` drops it for that link (until the text names another one), as WhatsApp's ✕ does.
 */
export function useLinkPreview(store: AppStore, text: string, enabled: boolean) {
  const url = enabled ? firstLinkIn(text) : null;
  const [preview, setPreview] = useState<LinkPreviewDraft | null>(null);
  const [removed, setRemoved] = useState<string | null>(null);
  useEffect(() => {
    setPreview((current) => (current !== null && current.url === url ? current : null));
    if (url === null || url === removed) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      store.chat.previewLink(url).then(
        (made) => !cancelled && setPreview(made),
        () => !cancelled && setPreview(null),
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [store, url, removed]);
  const shown = preview !== null && preview.url === url && url !== removed ? preview : null;
  return {
    preview: shown,
    remove: () => {
      if (url !== null) setRemoved(url);
    },
    /** After a send: the next message starts without a preview or a removal. */
    reset: () => {
      setPreview(null);
      setRemoved(null);
    },
  };
}
