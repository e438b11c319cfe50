import { useState } from 'react';
import type { ConversationView, MemberView } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { useUserSearch } from '../panels/useUserSearch';

/** "Add people by username" for the owner and admins: people found, minus current members. */
export function AddMembers({
  store,
  conversation: c,
  members,
  run,
}: {
  store: AppStore;
  conversation: ConversationView;
  members: readonly MemberView[];
  run: (work: Promise<unknown>) => void;
}) {
  const [query, setQuery] = useState('');
  const { users } = useUserSearch(store, query);
  const current = new Set(members.map((m) => m.userId));
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
          .filter((u) => !current.has(u.id))
          .map((u) => (
            <li key={u.id}>
              <button
                className="person-row"
                onClick={() => {
                  setQuery('');
                  run(store.chat.updateGroup({ conversationId: c.id, add: [u.id] }));
                }}
              >
                <Avatar id={u.id} name={u.displayName} size={32} />
                <span className="row-title" dir="auto">
                  Add {u.displayName}
                </span>
              </button>
            </li>
          ))}
      </ul>
    </>
  );
}
