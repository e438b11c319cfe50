import { useState } from 'react';
import { GROUP_TITLE_MAX_LENGTH } from '@chitchat/shared';
import type { ConversationView } from '../../../common/contract';
import { errorText, sortMembers } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { ErrorNote } from '../ErrorNote';
import { ContactInfo } from '../profile/ContactInfo';
import { MediaGalleryEntry } from '../gallery/MediaGalleryEntry';
import { InviteLinkSection } from '../invites/InviteLinkSection';
import { useUserSearch } from './useUserSearch';
import { GroupDescription } from '../groups/GroupDescription';
import { GroupPhoto } from '../groups/GroupPhoto';
import { GroupSettings } from '../groups/GroupSettings';

export function ConversationInfo({
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
  if (c.kind === 'direct' && c.peer) {
    return (
      <div className="stack">
        <ContactInfo store={store} userId={c.peer.id} />
        <MediaGalleryEntry store={store} conversationId={c.id} />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={c.muted}
            onChange={(e) => run(store.chat.setMuted(c.id, e.target.checked))}
          />
          Mute notifications
        </label>
      </div>
    );
  }
  return (
    <div className="stack">
      <div className="info-hero">
        {c.kind === 'group' ? (
          <GroupPhoto store={store} conversation={c} manage={manage} run={run} />
        ) : (
          <Avatar id={c.peer?.id ?? c.id} name={c.title} size={72} />
        )}
        <h3 dir="auto">{c.title}</h3>
        {c.peer && <p className="muted">@{c.peer.username}</p>}
        {c.kind === 'group' && <p className="muted">{c.memberCount} members</p>}
      </div>
      {c.kind === 'group' && c.status === 'active' && (
        <GroupDescription store={store} conversation={c} manage={manage} run={run} />
      )}
      <MediaGalleryEntry store={store} conversationId={c.id} />
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
      {manage && <GroupSettings store={store} conversation={c} run={run} />}
      {manage && <InviteLinkSection store={store} conversation={c} />}
      {c.kind === 'group' && (
        <section>
          <h3>Members</h3>
          <ul className="people" role="list">
            {sortMembers(c.members).map((m) => (
              <li key={m.userId} className="member-row">
                {m.userId === me ? (
                  <Avatar id={m.userId} name={m.displayName} size={32} photo={m.photo} />
                ) : (
                  <button
                    className="contact-photo-button"
                    aria-label={`Contact info of ${m.displayName}`}
                    onClick={() => store.set({ panel: { kind: 'contact', userId: m.userId } })}
                  >
                    <Avatar id={m.userId} name={m.displayName} size={32} photo={m.photo} />
                  </button>
                )}
                <span className="member-name" dir="auto">
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
                        onClick={() => {
                          if (window.confirm(`Remove ${m.displayName} from “${c.title}”?`))
                            run(
                              store.chat.updateGroup({ conversationId: c.id, remove: [m.userId] }),
                            );
                        }}
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
      {error && <ErrorNote store={store}>{error}</ErrorNote>}
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
