import { useState, type KeyboardEvent } from 'react';
import { useAppState, type AppStore } from '../../state/store';
import { ChatRow } from './ChatRow';
import { MessageHits } from './MessageHits';

/** The conversations matching the search field, then the messages that match it. */
export function ChatList({ store, query }: { store: AppStore; query: string }) {
  const conversations = useAppState(store, (s) => s.conversations);
  const activeId = useAppState(store, (s) => s.activeId);
  const [focusId, setFocusId] = useState<string | null>(null);
  const loading = useAppState(store, (s) => s.loadingList);
  const filtered = query.trim()
    ? conversations.filter((c) => c.title.toLowerCase().includes(query.trim().toLowerCase()))
    : conversations;
  // One Tab stop for the whole list: the row last focused, else the open chat, else the first.
  const tabStopId =
    [focusId, activeId].find((id) => filtered.some((c) => c.id === id)) ?? filtered[0]?.id;

  /** Arrow keys, Home and End move between rows (WAI-ARIA roving tabindex). */
  function moveFocus(event: KeyboardEvent<HTMLUListElement>) {
    const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End'];
    if (!keys.includes(event.key) || event.altKey || event.ctrlKey || event.metaKey) return;
    const rows = [...event.currentTarget.querySelectorAll<HTMLElement>('[data-row-id]')];
    const index = rows.findIndex((row) => row === document.activeElement);
    const next =
      event.key === 'Home'
        ? 0
        : event.key === 'End'
          ? rows.length - 1
          : Math.max(0, Math.min(rows.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)));
    const row = rows[next];
    if (row === undefined) return;
    event.preventDefault();
    row.focus();
    row.scrollIntoView({ block: 'nearest' });
  }

  return (
    <nav className="conversation-list" aria-label="Conversations">
      {loading && conversations.length === 0 ? (
        <p className="list-note" aria-busy="true">
          Syncing your chats…
        </p>
      ) : conversations.length === 0 ? (
        <div className="list-empty">
          <p>No chats yet.</p>
          <button className="primary" onClick={() => store.set({ panel: { kind: 'new-chat' } })}>
            Start a chat
          </button>
        </div>
      ) : (
        <ul
          role="list"
          onKeyDown={(e) => moveFocus(e)}
          onFocus={(e) => {
            const id = (e.target as HTMLElement).dataset.rowId;
            if (id !== undefined) setFocusId(id);
          }}
        >
          {filtered.map((c) => (
            <ChatRow key={c.id} store={store} conversation={c} tabStop={c.id === tabStopId} />
          ))}
        </ul>
      )}
      {query.trim().length >= 2 && <MessageHits store={store} query={query} />}
    </nav>
  );
}
