import { forwardRef, useState, type KeyboardEvent } from 'react';
import { Virtuoso, type Components } from 'react-virtuoso';
import type { ConversationView } from '../../../common/contract';
import { useAppState, type AppStore } from '../../state/store';
import { MessageRequests, splitRequests } from '../requests/MessageRequests';
import { ChatRow } from './ChatRow';
import { MessageHits } from './MessageHits';

interface ListContext {
  store: AppStore;
  query: string;
}

// Defined once, outside the render: Virtuoso remounts components whose identity changes.
const List: Components<ConversationView, ListContext>['List'] = forwardRef(function ChatListItems(
  { context: _context, ...props },
  ref,
) {
  return <div {...props} ref={ref} role="list" />;
});

const COMPONENTS: Components<ConversationView, ListContext> = {
  List,
  Item: ({ item: _item, context: _context, ...props }) => <div {...props} role="listitem" />,
  Footer: ({ context }) =>
    context !== undefined && context.query.trim().length >= 2 ? (
      <MessageHits store={context.store} query={context.query} />
    ) : null,
};

/**
 * The conversations matching the search field, then the messages that match it. Only the rows in
 * view (and a screen around them) are drawn: an account of a thousand chats costs what ten do.
 */
export function ChatList({ store, query }: { store: AppStore; query: string }) {
  const all = useAppState(store, (s) => s.conversations);
  const { requests, chats: conversations } = splitRequests(all);
  const loading = useAppState(store, (s) => s.loadingList);
  const activeId = useAppState(store, (s) => s.activeId);
  const [focusId, setFocusId] = useState<string | null>(null);
  const needle = query.trim().toLowerCase();
  const filtered = needle
    ? conversations.filter((c) => c.title.toLowerCase().includes(needle))
    : conversations;
  // One Tab stop for the whole list: the row last focused, else the open chat, else the first.
  const tabStopId =
    [focusId, activeId].find((id) => filtered.some((c) => c.id === id)) ?? filtered[0]?.id;

  /**
   * Arrow keys, Home and End move between rows (WAI-ARIA roving tabindex). Only the rows near the
   * view exist; moving onto the last of them scrolls the list, which draws the next ones.
   */
  function moveFocus(event: KeyboardEvent<HTMLElement>) {
    const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End'];
    if (!keys.includes(event.key) || event.altKey || event.ctrlKey || event.metaKey) return;
    const rows = [...event.currentTarget.querySelectorAll<HTMLElement>('[data-row-id]')];
    const index = rows.findIndex((row) => row === document.activeElement);
    if (index < 0) return;
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
    <nav
      className="conversation-list"
      aria-label="Conversations"
      onKeyDown={moveFocus}
      onFocus={(e) => {
        const id = e.target.dataset.rowId;
        if (id !== undefined) setFocusId(id);
      }}
    >
      {loading && all.length === 0 ? (
        <p className="list-note" aria-busy="true">
          Syncing your chats…
        </p>
      ) : all.length === 0 ? (
        <div className="list-empty">
          <p>No chats yet.</p>
          <button className="primary" onClick={() => store.set({ panel: { kind: 'new-chat' } })}>
            Start a chat
          </button>
        </div>
      ) : (
        <>
          <MessageRequests store={store} requests={requests} />
          <Virtuoso
            className="chat-scroller"
            data={filtered}
            context={{ store, query }}
            computeItemKey={(_, c) => c.id}
            increaseViewportBy={{ top: 300, bottom: 300 }}
            components={COMPONENTS}
            itemContent={(_, c) => (
              <ChatRow store={store} conversation={c} tabStop={c.id === tabStopId} />
            )}
          />
        </>
      )}
    </nav>
  );
}
