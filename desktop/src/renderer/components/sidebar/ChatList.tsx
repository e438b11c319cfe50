import { forwardRef, useState, type KeyboardEvent } from 'react';
import { Virtuoso, type Components } from 'react-virtuoso';
import type { ConversationView } from '../../../common/contract';
import { useAppState, type AppStore } from '../../state/store';
import { MessageRequests, splitRequests } from '../requests/MessageRequests';
import { ArchivedRow } from './ArchivedRow';
import { ChatFilters } from './ChatFilters';
import { ChatRow } from './ChatRow';
import { arrangeChats, emptyListNote, type ChatFilter } from './chatListOrder';
import './chat-list.css';
import { MessageHits } from './MessageHits';
import {
  hasFilters,
  NO_FILTERS,
  searchable,
  searchOptionsOf,
  type MessageFilters,
} from '../search/messageFilters';
import '../search/search.css';

interface ListContext {
  store: AppStore;
  query: string;
  /** How many chats match (the heading shows only over some). */
  count: number;
}

/** The heading of the chats that match a search (the "Chats" group; "Messages" follows). */
const ChatsHeading = ({ context }: { context?: ListContext }) =>
  context !== undefined && context.query.trim() !== '' && context.count > 0 ? (
    <h2 className="search-group-title">Chats</h2>
  ) : null;

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
  Header: ChatsHeading,
  Footer: ({ context }) =>
    context !== undefined && searchable(context.query) ? (
      <MessageHits store={context.store} query={context.query} />
    ) : null,
};

/**
 * The conversations matching the search field and the filter chip, pinned ones on top, with an
 * "Archived" row leading to the archived chats; then the messages that match the search. Only the
 * rows in view (and a screen around them) are drawn: an account of a thousand chats costs what ten
 * do.
 */
export function ChatList({
  store,
  query,
  filters = NO_FILTERS,
}: {
  store: AppStore;
  query: string;
  /** Message filters: while any is set, the list shows only the messages they find. */
  filters?: MessageFilters;
}) {
  const all = useAppState(store, (s) => s.conversations);
  const { requests, chats: conversations } = splitRequests(all);
  const loading = useAppState(store, (s) => s.loadingList);
  const activeId = useAppState(store, (s) => s.activeId);
  const [focusId, setFocusId] = useState<string | null>(null);
  const [filter, setFilter] = useState<ChatFilter>('all');
  const [showArchived, setShowArchived] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { rows: filtered, archivedCount } = arrangeChats(conversations, {
    filter,
    archived: showArchived,
    query,
  });
  // Requests follow the search and the chips too (they sit above the chats, outside Archived).
  const shownRequests = showArchived
    ? []
    : arrangeChats(requests, { filter, archived: false, query }).rows;
  const note =
    filtered.length === 0
      ? emptyListNote({ filter, archived: showArchived, query, others: shownRequests.length })
      : null;
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
      {hasFilters(filters) ? (
        <div className="search-results">
          <MessageHits store={store} query={query} options={searchOptionsOf(filters, new Date())} />
        </div>
      ) : loading && all.length === 0 ? (
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
          <ChatFilters filter={filter} onChange={setFilter} />
          <MessageRequests store={store} requests={shownRequests} />
          <ArchivedRow
            count={archivedCount}
            open={showArchived}
            onToggle={() => setShowArchived((open) => !open)}
          />
          {error !== null && (
            <p className="form-error chat-list-error" role="alert">
              {error}{' '}
              <button type="button" className="link" onClick={() => setError(null)}>
                Dismiss
              </button>
            </p>
          )}
          {note !== null && <p className="list-note">{note}</p>}
          <Virtuoso
            className="chat-scroller"
            data={filtered}
            context={{ store, query, count: filtered.length }}
            computeItemKey={(_, c) => c.id}
            increaseViewportBy={{ top: 300, bottom: 300 }}
            components={COMPONENTS}
            itemContent={(_, c) => (
              <ChatRow
                store={store}
                conversation={c}
                tabStop={c.id === tabStopId}
                onError={setError}
              />
            )}
          />
        </>
      )}
    </nav>
  );
}
