import { useEffect, useRef } from 'react';
import type { ChatMediaTab } from '../../../common/contract';
import { dateFormatter } from '../../format';
import { ErrorNote } from '../ErrorNote';
import type { AppStore } from '../../state/store';
import type { ChatMediaState } from './useChatMedia';

const NOUNS: Record<ChatMediaTab, string> = {
  media: 'media',
  link: 'links',
  document: 'documents',
};

/**
 * The foot of a gallery tab: reaching it (scrolled into view) asks for older items; "Loading older
 * media…" while they come, with how far back this device now holds the chat (the engine may page
 * through much history without a match), "No more" at the start of the chat, or what went wrong
 * with a retry.
 */
export function EndOfList({
  store,
  state,
  empty,
}: {
  store: AppStore;
  state: ChatMediaState;
  /** Said when the chat holds none at all. */
  empty: string;
}) {
  const foot = useRef<HTMLDivElement>(null);
  const { loading, more, error, loadMore, messages, complete, cachedFrom, tab } = state;
  useEffect(() => {
    const node = foot.current;
    if (node === null || loading || !more || error !== null) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) loadMore();
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [loading, more, error, loadMore]);
  return (
    <div className="gallery-end" ref={foot}>
      {error !== null ? (
        <ErrorNote store={store} onRetry={loadMore}>
          {error}
        </ErrorNote>
      ) : loading ? (
        <span className="gallery-loading" role="status">
          <span className="spinner" aria-hidden="true" />
          Loading older {NOUNS[tab]}…
          {!complete && cachedFrom !== null && (
            <span className="gallery-reach">
              Looked back to {dateFormatter({ dateStyle: 'medium' }).format(cachedFrom)}
            </span>
          )}
        </span>
      ) : more ? null : (
        <span className="muted" role="status">
          {messages.length === 0 ? empty : `No more ${NOUNS[tab]}: this is the start of the chat.`}
        </span>
      )}
    </div>
  );
}
