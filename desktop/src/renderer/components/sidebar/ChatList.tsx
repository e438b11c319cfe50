import { useAppState, type AppStore } from '../../state/store';
import { ChatRow } from './ChatRow';
import { MessageHits } from './MessageHits';

/** The conversations matching the search field, then the messages that match it. */
export function ChatList({ store, query }: { store: AppStore; query: string }) {
  const conversations = useAppState(store, (s) => s.conversations);
  const loading = useAppState(store, (s) => s.loadingList);
  const filtered = query.trim()
    ? conversations.filter((c) => c.title.toLowerCase().includes(query.trim().toLowerCase()))
    : conversations;
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
        <ul role="list">
          {filtered.map((c) => (
            <ChatRow key={c.id} store={store} conversation={c} />
          ))}
        </ul>
      )}
      {query.trim().length >= 2 && <MessageHits store={store} query={query} />}
    </nav>
  );
}
