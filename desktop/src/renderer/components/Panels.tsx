import { useEffect, useRef, useState, type ReactNode } from 'react';
import { GROUP_TITLE_MAX_LENGTH, type DeviceInfo, type PublicUser } from '@chitchat/shared';
import type { ConversationView, MessageInfo } from '../../common/contract';
import { errorText, listTime } from '../format';
import { useAppState, type AppStore } from '../state/store';
import { Avatar } from './Avatar';
import { IconClose } from './Icons';

export function PanelHost({ store }: { store: AppStore }) {
  const panel = useAppState(store, (s) => s.panel);
  if (panel === null) return null;
  const close = () => store.set({ panel: null });
  switch (panel.kind) {
    case 'new-chat':
      return (
        <Sheet title="New chat" onClose={close}>
          <NewChat store={store} />
        </Sheet>
      );
    case 'new-group':
      return (
        <Sheet title="New group" onClose={close}>
          <NewGroup store={store} />
        </Sheet>
      );
    case 'settings':
      return (
        <Sheet title="Settings" onClose={close}>
          <Settings store={store} />
        </Sheet>
      );
    case 'info':
      return <InfoSheet store={store} conversationId={panel.conversationId} onClose={close} />;
    case 'message-info':
      return (
        <Sheet title="Message info" onClose={close}>
          <MessageInfoList store={store} conversationId={panel.conversationId} seq={panel.seq} />
        </Sheet>
      );
  }
}

function Sheet({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>('input, button:not(.sheet-close)');
    first?.focus();
  }, []);
  return (
    <div className="sheet-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="sheet" role="dialog" aria-modal="true" aria-label={title} ref={ref}>
        <header className="sheet-header">
          <h2>{title}</h2>
          <button className="icon-button sheet-close" aria-label="Close" onClick={onClose}>
            <IconClose />
          </button>
        </header>
        <div className="sheet-body">{children}</div>
      </div>
    </div>
  );
}

/** Avatar, display name and @username: how a person is shown in pickers. */
function PersonLabel({ user }: { user: PublicUser }) {
  return (
    <>
      <Avatar id={user.id} name={user.displayName} size={36} />
      <span>
        <span className="row-title">{user.displayName}</span>
        <span className="muted"> @{user.username}</span>
      </span>
    </>
  );
}

function useUserSearch(
  store: AppStore,
  query: string,
): { users: PublicUser[]; error: string | null } {
  const [users, setUsers] = useState<PublicUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (query.trim() === '') {
      setUsers([]);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      store.chat.searchUsers(query.trim()).then(
        (found) => {
          if (!cancelled) {
            setUsers(found);
            setError(null);
          }
        },
        (e: unknown) => !cancelled && setError(errorText(e)),
      );
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [store, query]);
  return { users, error };
}

function NewChat({ store }: { store: AppStore }) {
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
      {error && <p className="form-error">{error}</p>}
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

function NewGroup({ store }: { store: AppStore }) {
  const [title, setTitle] = useState('');
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<PublicUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  const { users } = useUserSearch(store, query);
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        store.chat.createGroup({ title, memberIds: picked.map((u) => u.id) }).then(
          (c) => {
            store.set({ panel: null });
            store.open(c.id);
          },
          (err: unknown) => setError(errorText(err)),
        );
      }}
    >
      <label>
        Group name
        <input
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          required
          maxLength={GROUP_TITLE_MAX_LENGTH}
        />
      </label>
      <div className="chips" aria-label="Members">
        {picked.map((u) => (
          <button
            type="button"
            className="chip"
            key={u.id}
            aria-label={`Remove ${u.displayName}`}
            onClick={() => setPicked(picked.filter((p) => p.id !== u.id))}
          >
            {u.displayName} ×
          </button>
        ))}
      </div>
      <input
        type="search"
        placeholder="Add people by username"
        aria-label="Add people by username"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <ul className="people" role="list">
        {users
          .filter((u) => !picked.some((p) => p.id === u.id))
          .map((u) => (
            <li key={u.id}>
              <button
                type="button"
                className="person-row"
                onClick={() => {
                  setPicked([...picked, u]);
                  setQuery('');
                }}
              >
                <PersonLabel user={u} />
              </button>
            </li>
          ))}
      </ul>
      {error && <p className="form-error">{error}</p>}
      <button className="primary" type="submit" disabled={title.trim() === ''}>
        Create group{picked.length > 0 ? ` with ${picked.length}` : ''}
      </button>
    </form>
  );
}

function Settings({ store }: { store: AppStore }) {
  const session = useAppState(store, (s) => s.session);
  const [devices, setDevices] = useState<DeviceInfo[] | null>(null);
  const [name, setName] = useState(session?.status === 'signed_in' ? session.user.displayName : '');
  const [message, setMessage] = useState<string | null>(null);
  const refresh = () => {
    store.chat.listDevices().then(setDevices, (e: unknown) => setMessage(errorText(e)));
  };
  useEffect(refresh, [store]);
  if (session?.status !== 'signed_in') return null;
  return (
    <div className="stack">
      <section>
        <h3>Profile</h3>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            store.chat.updateProfile({ displayName: name }).then(
              () => setMessage('Saved.'),
              (err: unknown) => setMessage(errorText(err)),
            );
          }}
        >
          <label>
            Display name
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={64} />
          </label>
          <button type="submit">Save</button>
        </form>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={session.user.lastSeenVisibility === 'nobody'}
            onChange={(e) =>
              void store.chat.updateProfile({
                lastSeenVisibility: e.target.checked ? 'nobody' : 'contacts',
              })
            }
          />
          Hide my last-seen time
        </label>
        <p className="muted">
          Signed in as @{session.user.username} on {session.serverUrl}
        </p>
        {message && <p role="status">{message}</p>}
      </section>
      <section>
        <h3>Devices</h3>
        <ul className="devices" role="list">
          {devices?.map((d) => (
            <li key={d.id} className="device-row">
              <span>
                <span className="row-title">{d.name}</span>
                <span className="muted">
                  {' '}
                  · {d.platform} · {d.current ? 'this device' : `active ${listTime(d.lastSeenAt)}`}
                </span>
              </span>
              {!d.current && (
                <button
                  className="danger"
                  onClick={() => {
                    store.chat
                      .revokeDevice(d.id)
                      .then(refresh, (e: unknown) => setMessage(errorText(e)));
                  }}
                >
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>
      <button className="danger" onClick={() => void store.chat.signOut()}>
        Sign out of this device
      </button>
    </div>
  );
}

function InfoSheet({
  store,
  conversationId,
  onClose,
}: {
  store: AppStore;
  conversationId: string;
  onClose: () => void;
}) {
  const conversation = useAppState(store, (s) =>
    s.conversations.find((c) => c.id === conversationId),
  );
  if (!conversation) return null;
  return (
    <Sheet title={conversation.kind === 'group' ? 'Group info' : 'Contact info'} onClose={onClose}>
      <ConversationInfo store={store} conversation={conversation} />
    </Sheet>
  );
}

function ConversationInfo({
  store,
  conversation: c,
}: {
  store: AppStore;
  conversation: ConversationView;
}) {
  const session = useAppState(store, (s) => s.session);
  const me = session?.status === 'signed_in' ? session.user.id : '';
  const [title, setTitle] = useState(c.title);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { users } = useUserSearch(store, query);
  const manage =
    c.kind === 'group' && c.status === 'active' && (c.role === 'owner' || c.role === 'admin');
  const run = (work: Promise<unknown>) => {
    setError(null);
    work.catch((e: unknown) => setError(errorText(e)));
  };
  return (
    <div className="stack">
      <div className="info-hero">
        <Avatar id={c.peer?.id ?? c.id} name={c.title} size={72} />
        <h3>{c.title}</h3>
        {c.peer && <p className="muted">@{c.peer.username}</p>}
        {c.kind === 'group' && <p className="muted">{c.memberCount} members</p>}
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={c.muted}
          onChange={(e) => run(store.chat.setMuted(c.id, e.target.checked))}
        />
        Mute notifications
      </label>
      {manage && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            run(store.chat.updateGroup({ conversationId: c.id, title }));
          }}
        >
          <label>
            Group name
            <input
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              maxLength={GROUP_TITLE_MAX_LENGTH}
            />
          </label>
          <button type="submit" disabled={title.trim() === '' || title === c.title}>
            Rename
          </button>
        </form>
      )}
      {c.kind === 'group' && (
        <section>
          <h3>Members</h3>
          <ul className="people" role="list">
            {c.members.map((m) => (
              <li key={m.userId} className="member-row">
                <Avatar id={m.userId} name={m.displayName} size={32} />
                <span className="member-name">
                  {m.userId === me ? 'You' : m.displayName}
                  {m.role !== 'member' && (
                    <span className="role-badge">{m.role === 'owner' ? 'Owner' : 'Admin'}</span>
                  )}
                </span>
                {manage && m.userId !== me && m.role !== 'owner' && (
                  <span className="member-actions">
                    {(c.role === 'owner' || m.role === 'member') && (
                      <button
                        onClick={() =>
                          run(
                            store.chat.updateGroup({
                              conversationId: c.id,
                              roles: [
                                { userId: m.userId, role: m.role === 'admin' ? 'member' : 'admin' },
                              ],
                            }),
                          )
                        }
                      >
                        {m.role === 'admin' ? 'Dismiss as admin' : 'Make admin'}
                      </button>
                    )}
                    {(c.role === 'owner' || m.role === 'member') && (
                      <button
                        className="danger"
                        aria-label={`Remove ${m.displayName}`}
                        onClick={() =>
                          run(store.chat.updateGroup({ conversationId: c.id, remove: [m.userId] }))
                        }
                      >
                        Remove
                      </button>
                    )}
                  </span>
                )}
              </li>
            ))}
          </ul>
          {manage && (
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
                  .filter((u) => !c.members.some((m) => m.userId === u.id))
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
                        <span className="row-title">Add {u.displayName}</span>
                      </button>
                    </li>
                  ))}
              </ul>
            </>
          )}
        </section>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {c.kind === 'group' && c.status === 'active' && (
        <button
          className="danger"
          onClick={() => {
            if (window.confirm(`Leave “${c.title}”?`))
              run(store.chat.leaveGroup(c.id).then(() => store.set({ panel: null })));
          }}
        >
          Leave group
        </button>
      )}
    </div>
  );
}

const STATE_LABEL = { read: 'Read', delivered: 'Delivered', sent: 'Not delivered yet' } as const;

/** Each other member's state for one of your messages in a group. */
function MessageInfoList({
  store,
  conversationId,
  seq,
}: {
  store: AppStore;
  conversationId: string;
  seq: number;
}) {
  const [info, setInfo] = useState<MessageInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const version = useAppState(store, (s) => s.messageVersions[conversationId] ?? 0);
  useEffect(() => {
    store.chat
      .messageInfo({ conversationId, seq })
      .then(setInfo, (e: unknown) => setError(errorText(e)));
  }, [store, conversationId, seq, version]);
  if (error) return <p className="form-error">{error}</p>;
  if (!info) return <p className="muted">Loading…</p>;
  const groups = (['read', 'delivered', 'sent'] as const).map((state) => ({
    state,
    members: info.members.filter((m) => m.state === state),
  }));
  return (
    <div className="stack">
      {groups
        .filter((g) => g.members.length > 0)
        .map((g) => (
          <section key={g.state} aria-label={STATE_LABEL[g.state]}>
            <h3>{STATE_LABEL[g.state]}</h3>
            <ul className="people" role="list">
              {g.members.map((m) => (
                <li key={m.userId} className="member-row">
                  <Avatar id={m.userId} name={m.displayName} size={32} />
                  <span className="member-name">{m.displayName}</span>
                </li>
              ))}
            </ul>
          </section>
        ))}
    </div>
  );
}
