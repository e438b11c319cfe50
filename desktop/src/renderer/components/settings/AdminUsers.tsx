import { useState } from 'react';
import type { AdminUser } from '@chitchat/shared';
import type { AdminUserChange } from '../../../common/contract';
import type { AppStore } from '../../state/store';

/** Administration → Users: a search over the server's accounts, each with its admin actions. */
export function AdminUsers({
  store,
  users,
  myUserId,
  onChanged,
  onError,
}: {
  store: AppStore;
  users: AdminUser[];
  myUserId: string;
  onChanged: () => void;
  onError: (e: unknown) => void;
}) {
  const [query, setQuery] = useState('');
  const needle = query.trim().toLowerCase();
  const shown = users.filter(
    (u) =>
      needle === '' ||
      u.username.toLowerCase().includes(needle) ||
      u.displayName.toLowerCase().includes(needle),
  );

  const act = (user: AdminUser, change: Omit<AdminUserChange, 'userId'>, question: string) => {
    if (!window.confirm(question)) return;
    store.chat.adminUpdateUser({ userId: user.id, ...change }).then(onChanged, onError);
  };

  return (
    <div className="stack">
      <h4 id="admin-users-heading">Users</h4>
      <label>
        Search users
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Name or username"
        />
      </label>
      <ul className="admin-list" aria-labelledby="admin-users-heading">
        {shown.map((u) => {
          const name = u.displayName;
          const you = u.id === myUserId;
          return (
            <li key={u.id} className="admin-row" aria-label={`${name} (@${u.username})`}>
              <span>
                <span className="row-title" dir="auto">
                  {name}
                </span>
                <span className="muted"> @{u.username}</span>
                {you && <span className="muted"> (you)</span>}
                {u.role === 'admin' && <span className="admin-badge">Admin</span>}
                {u.disabledAt !== null && <span className="admin-badge disabled">Disabled</span>}
              </span>
              <span className="row-actions">
                {u.role === 'admin' ? (
                  <button
                    type="button"
                    aria-label={`Remove admin: ${name}`}
                    onClick={() =>
                      act(
                        u,
                        { role: 'member' },
                        `Remove ${name} as admin? They keep their account but lose admin powers.`,
                      )
                    }
                  >
                    Remove admin
                  </button>
                ) : (
                  <button
                    type="button"
                    aria-label={`Make admin: ${name}`}
                    onClick={() =>
                      act(
                        u,
                        { role: 'admin' },
                        `Make ${name} an admin? They can then manage every account and invite.`,
                      )
                    }
                  >
                    Make admin
                  </button>
                )}
                {u.disabledAt === null ? (
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Disable ${name}`}
                    onClick={() =>
                      act(
                        u,
                        { disabled: true },
                        `Disable ${name}? Every device of theirs is signed out at once and they cannot sign in until enabled.`,
                      )
                    }
                  >
                    Disable
                  </button>
                ) : (
                  <button
                    type="button"
                    aria-label={`Enable ${name}`}
                    onClick={() =>
                      act(u, { disabled: false }, `Enable ${name}? They can sign in again.`)
                    }
                  >
                    Enable
                  </button>
                )}
              </span>
            </li>
          );
        })}
      </ul>
      {shown.length === 0 && <p className="muted">No user matches “{query}”.</p>}
    </div>
  );
}
