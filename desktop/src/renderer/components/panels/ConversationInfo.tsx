import { useState } from 'react';
import { GROUP_TITLE_MAX_LENGTH } from '@chitchat/shared';
import type { ConversationView } from '../../../common/contract';
import { errorText } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { ErrorNote } from '../ErrorNote';
import { ContactInfo } from '../profile/ContactInfo';
import { MediaGalleryEntry } from '../gallery/MediaGalleryEntry';
import { InviteLinkSection } from '../invites/InviteLinkSection';
import { GroupDescription } from '../groups/GroupDescription';
import { ExitGroup } from '../groups/ExitGroup';
import { GroupMembers } from '../groups/GroupMembers';
import { GroupPhoto } from '../groups/GroupPhoto';
import { GroupSettings } from '../groups/GroupSettings';
import { MuteSetting } from './MuteSetting';

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
  const [error, setError] = useState<string | null>(null);
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
        <MuteSetting store={store} conversation={c} run={run} />
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
      {/* A group the person has left is read-only: nothing arrives to mute. */}
      {c.status === 'active' && <MuteSetting store={store} conversation={c} run={run} />}
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
      {c.kind === 'group' && c.status === 'active' && (
        <GroupMembers store={store} conversation={c} me={me} manage={manage} run={run} />
      )}
      {error && <ErrorNote store={store}>{error}</ErrorNote>}
      <ExitGroup store={store} conversation={c} run={run} />
    </div>
  );
}
