import { useState, type ReactNode } from 'react';
import type { PublicUser } from '@chitchat/shared';
import type { AppStore } from '../../state/store';
import { useUserSearch } from './useUserSearch';

/**
 * "Add people by username": a search box and, under it, a button for each person found who is
 * not `excluded` (already picked, already a member). Picking one clears the search. Used by the
 * new group form and by a group's "Add members".
 */
export function PersonPicker({
  store,
  excluded,
  onPick,
  children,
}: {
  store: AppStore;
  excluded: (userId: string) => boolean;
  onPick: (user: PublicUser) => void;
  /** What a found person's button shows. */
  children: (user: PublicUser) => ReactNode;
}) {
  const [query, setQuery] = useState('');
  const { users } = useUserSearch(store, query);
  return (
    <>
      <input
        type="search"
        placeholder="Add people by username"
        aria-label="Add people by username"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <ul className="people" role="list">
        {users
          .filter((u) => !excluded(u.id))
          .map((u) => (
            <li key={u.id}>
              <button
                type="button"
                className="person-row"
                onClick={() => {
                  setQuery('');
                  onPick(u);
                }}
              >
                {children(u)}
              </button>
            </li>
          ))}
      </ul>
    </>
  );
}
