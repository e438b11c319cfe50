import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { SEARCH_LIMIT_MAX, type SearchHit } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { IconClose, IconDown, IconUp } from '../Icons';
import './search.css';

/**
 * Search inside the open chat (issue #16): hits newest first, "3 of 17", Up/Enter to the older
 * hit and Down/Shift+Enter to the newer one. Each step scrolls the history to the hit through the
 * list's jump (`focusSeq`), which loads older pages until the hit is there.
 */
export function ChatSearchBar({
  store,
  conversationId,
}: {
  store: AppStore;
  conversationId: string;
}) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [index, setIndex] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), []);

  useEffect(() => {
    if (query.trim() === '') {
      setHits(null);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      store.chat.searchMessages(query, { conversationId, limit: SEARCH_LIMIT_MAX }).then(
        (found) => {
          if (cancelled) return;
          setHits(found);
          setIndex(0);
          const first = found[0];
          if (first !== undefined) store.set({ focusSeq: { conversationId, seq: first.seq } });
        },
        () => undefined,
      );
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [store, conversationId, query]);

  const step = (by: 1 | -1) => {
    if (hits === null || hits.length === 0) return;
    const next = Math.max(0, Math.min(hits.length - 1, index + by));
    setIndex(next);
    const hit = hits[next];
    if (hit !== undefined) store.set({ focusSeq: { conversationId, seq: hit.seq } });
  };
  const close = () => {
    store.set({ chatSearch: null });
    document.querySelector<HTMLElement>('.composer textarea')?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === 'Enter' || event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      step(event.key === 'ArrowDown' || (event.key === 'Enter' && event.shiftKey) ? -1 : 1);
    }
  };

  const count =
    hits === null
      ? ''
      : hits.length === 0
        ? 'No results'
        : `${index + 1} of ${hits.length}${hits.length === SEARCH_LIMIT_MAX ? '+' : ''}`;
  return (
    <div className="chat-search" role="search" aria-label="Search in this chat">
      <input
        ref={input}
        type="search"
        placeholder="Search in this chat"
        aria-label="Search in this chat"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <span className="chat-search-count" role="status" aria-live="polite">
        {count}
      </span>
      <button
        type="button"
        className="icon-button small"
        aria-label="Older match"
        title="Older match (Enter)"
        disabled={hits === null || index >= hits.length - 1}
        onClick={() => step(1)}
      >
        <IconUp />
      </button>
      <button
        type="button"
        className="icon-button small"
        aria-label="Newer match"
        title="Newer match (Shift+Enter)"
        disabled={hits === null || index <= 0}
        onClick={() => step(-1)}
      >
        <IconDown />
      </button>
      <button
        type="button"
        className="icon-button small"
        aria-label="Close search"
        title="Close (Escape)"
        onClick={close}
      >
        <IconClose />
      </button>
    </div>
  );
}
