import { useEffect, useState } from 'react';
import type { ChatMediaCount } from '../../../common/contract';
import { useAppState, type AppStore } from '../../state/store';
import './gallery.css';

/**
 * The info panel's line "Media, links and docs  N ›": N is what this device holds (the engine's
 * countChatMedia, the gallery's own query), said as "N on this device" until the chat's whole
 * history is here (then it is exact); opens the gallery.
 */
export function MediaGalleryEntry({
  store,
  conversationId,
}: {
  store: AppStore;
  conversationId: string;
}) {
  const [count, setCount] = useState<ChatMediaCount | null>(null);
  // New or older messages of the chat (a page fetched by the gallery, say) change the count.
  const version = useAppState(store, (s) => s.messageVersions[conversationId] ?? 0);
  useEffect(() => {
    let cancelled = false;
    store.chat.countChatMedia(conversationId).then(
      (n) => !cancelled && setCount(n),
      () => !cancelled && setCount(null),
    );
    return () => {
      cancelled = true;
    };
  }, [store, conversationId, version]);
  return (
    <button
      type="button"
      className="gallery-entry"
      onClick={() => store.set({ panel: { kind: 'gallery', conversationId } })}
    >
      <span>Media, links and docs</span>
      <span className="gallery-entry-count muted">
        {count === null ? '' : count.complete ? count.count : `${count.count} on this device`}{' '}
        <span aria-hidden="true">›</span>
      </span>
    </button>
  );
}
