import { useEffect, useRef } from 'react';
import { ErrorNote } from '../ErrorNote';
import type { AppStore } from '../../state/store';
import type { ChatMediaState } from './useChatMedia';

/**
 * The foot of a gallery tab: reaching it (scrolled into view) asks for older items; a spinner
 * while they come, "No more" at the start of the chat, or what went wrong with a retry.
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
  const { loading, more, error, loadMore, messages } = state;
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
          Loading older messages…
        </span>
      ) : more ? null : (
        <span className="muted" role="status">
          {messages.length === 0 ? empty : 'No more'}
        </span>
      )}
    </div>
  );
}
