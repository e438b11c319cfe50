import { useState } from 'react';
import type { AppStore } from '../../state/store';
import { ErrorNote } from '../ErrorNote';
import { PersonLabel } from './PersonLabel';
import { useUserSearch } from './useUserSearch';

export function NewChat({ store }: { store: AppStore }) {
  const [query, setQuery] = useState('');
  const { users, error } = useUserSearch(store, query);
  const [busy, setBusy] = useState<string | null>(null);
  return (
    <>
      <input
        type="search"
        placeholder="Search people by username"
        aria-label="Search people by username"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {error && <ErrorNote store={store}>{error}</ErrorNote>}
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
      {query.trim() !== '' && users.length === 0 && !error && (
        <p className="muted">Nobody found with that username.</p>
      )}
    </>
  );
}
