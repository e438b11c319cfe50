import { useState } from 'react';
import { inviteCodeFrom } from '@chitchat/shared';
import type { AppStore } from '../../state/store';
import { ErrorNote } from '../ErrorNote';
import { PersonLabel } from './PersonLabel';
import { useUserSearch } from './useUserSearch';

export function NewChat({ store }: { store: AppStore }) {
  const [query, setQuery] = useState('');
  // A pasted group invite link (or its code) opens the group's preview instead of a people search.
  const invite = inviteCodeFrom(query) !== null;
  const { users, error } = useUserSearch(store, invite ? '' : query);
  const [busy, setBusy] = useState<string | null>(null);
  return (
    <>
      <input
        type="search"
        placeholder="Search people by username, or paste an invite link"
        aria-label="Search people by username"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {error && <ErrorNote store={store}>{error}</ErrorNote>}
      {invite && (
        <button
          type="button"
          className="person-row"
          onClick={() => store.set({ panel: { kind: 'join', link: query.trim() } })}
        >
          <span className="row-title">Open group invite link</span>
        </button>
      )}
      <ul className="people" role="list">
        {users.map((u) => (
          <li key={u.id}>
            <button
              className="person-row"
              disabled={busy !== null}
              onClick={() => {
                setBusy(u.id);
                store.chat.startDirectChat(u.id).then(
                  (c) => {
                    store.set({ panel: null });
                    store.open(c.id);
                  },
                  () => setBusy(null),
                );
              }}
            >
              <PersonLabel user={u} />
            </button>
          </li>
        ))}
      </ul>
      {query.trim() !== '' && !invite && users.length === 0 && !error && (
        <p className="muted">Nobody found with that username.</p>
      )}
    </>
  );
}
