import { useState } from 'react';
import { useAppState, type AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { IconFilter, IconGroup, IconNewChat, IconSettings } from '../Icons';
import { Invitations } from '../requests/Invitations';
import { ChatList } from './ChatList';
import { ConnectionBanner } from './ConnectionBanner';
import { IndexingNote } from '../search/IndexingNote';
import { SearchFilters } from '../search/SearchFilters';
import { hasFilters, NO_FILTERS, type MessageFilters } from '../search/messageFilters';
import { StarIcon } from '../chat/StarIcon';

export function Sidebar({ store }: { store: AppStore }) {
  const session = useAppState(store, (s) => s.session);
  const [query, setQuery] = useState('');
  const [filters, setFilters] = useState<MessageFilters>(NO_FILTERS);
  const [showFilters, setShowFilters] = useState(false);
  const me = session?.status === 'signed_in' ? session.user : null;

  return (
    <aside className="sidebar" aria-label="Chats">
      <header className="sidebar-header">
        {me && <Avatar id={me.id} name={me.displayName} size={36} photo={me.photo ?? null} />}
        <span className="sidebar-title">Chats</span>
        <div className="toolbar">
          <button
            className="icon-button"
            aria-label="New chat"
            title="New chat (Ctrl+N)"
            onClick={() => store.set({ panel: { kind: 'new-chat' } })}
          >
            <IconNewChat />
          </button>
          <button
            className="icon-button"
            aria-label="New group"
            title="New group"
            onClick={() => store.set({ panel: { kind: 'new-group' } })}
          >
            <IconGroup />
          </button>
          <button
            className="icon-button"
            aria-label="Starred messages"
            title="Starred messages"
            onClick={() => store.set({ panel: { kind: 'starred' } })}
          >
            <StarIcon size={20} />
          </button>
          <button
            className="icon-button"
            aria-label="Settings"
            title="Settings"
            onClick={() => store.set({ panel: { kind: 'settings' } })}
          >
            <IconSettings />
          </button>
        </div>
      </header>
      <div className="search-box">
        <input
          id="sidebar-search"
          type="search"
          placeholder="Search chats and messages"
          aria-label="Search chats and messages"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              setQuery('');
              setFilters(NO_FILTERS);
              setShowFilters(false);
            }
            // Enter opens the search's only result (a chat or a message), as in WhatsApp.
            if (e.key === 'Enter' && query.trim() !== '') {
              const results = document.querySelectorAll<HTMLElement>(
                '.conversation-list .conversation-row, .conversation-list .hit-row',
              );
              if (results.length === 1) {
                e.preventDefault();
                results[0]?.click();
              }
            }
          }}
        />
        <button
          type="button"
          className={`icon-button small${showFilters || hasFilters(filters) ? ' chip-on' : ''}`}
          aria-label="Search filters"
          aria-expanded={showFilters || hasFilters(filters)}
          title="Filters: from a person, in a chat, photos, documents, links, voice notes, dates"
          onClick={() => setShowFilters((shown) => !shown)}
        >
          <IconFilter />
        </button>
      </div>
      {(showFilters || hasFilters(filters)) && (
        <SearchFilters store={store} filters={filters} onChange={setFilters} />
      )}
      <IndexingNote store={store} />
      <ConnectionBanner store={store} />
      <Invitations store={store} />
      <ChatList store={store} query={query} filters={filters} />
    </aside>
  );
}
