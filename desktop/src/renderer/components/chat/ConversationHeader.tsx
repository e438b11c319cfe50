import type { ConversationView } from '../../../common/contract';
import { lastSeen } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { memberLine } from '../groups/groupRules';
import { IconInfo, IconSearch } from '../Icons';

export function ConversationHeader({
  store,
  conversation: c,
}: {
  store: AppStore;
  conversation: ConversationView;
}) {
  const presence = useAppState(store, (s) => (c.peer ? s.presence[c.peer.id] : undefined));
  const searching = useAppState(store, (s) => s.chatSearch === c.id);
  const me = useAppState(store, (s) =>
    s.session?.status === 'signed_in' ? s.session.user.id : '',
  );
  let subtitle: string;
  if (c.typing.length > 0) {
    subtitle =
      c.kind === 'direct'
        ? 'typing…'
        : `${c.typing.map((id) => c.members.find((m) => m.userId === id)?.displayName ?? 'Someone').join(', ')} typing…`;
  } else if (c.kind === 'direct') {
    subtitle = presence?.online ? 'online' : lastSeen(presence?.lastSeenAt ?? null);
  } else {
    subtitle = memberLine(c, me);
  }
  const openInfo = () => store.set({ panel: { kind: 'info', conversationId: c.id } });
  return (
    <header className="chat-header">
      <button
        className="contact-photo-button header-avatar"
        aria-label={`${c.kind === 'group' ? 'Group info' : 'Contact info'}: ${c.title}`}
        onClick={openInfo}
      >
        <Avatar
          id={c.peer?.id ?? c.id}
          name={c.title}
          size={40}
          online={presence?.online ?? false}
          photo={c.photo}
        />
      </button>
      {/* A click on the name opens the info too (WhatsApp); keyboard users have the buttons. */}
      <div className="chat-header-text" onClick={openInfo}>
        <h2 title={c.title} dir="auto">
          {c.title}
        </h2>
        {subtitle !== '' && (
          <p
            className={`subtitle${c.typing.length > 0 ? ' typing' : ''}`}
            aria-live="polite"
            dir="auto"
          >
            {subtitle}
          </p>
        )}
      </div>
      <button
        className="icon-button"
        aria-label="Search in this chat"
        title="Search (Ctrl+F)"
        aria-pressed={searching}
        onClick={() => store.set({ chatSearch: searching ? null : c.id })}
      >
        <IconSearch />
      </button>
      <button
        className="icon-button"
        aria-label={c.kind === 'group' ? 'Group info' : 'Contact info'}
        title="Info"
        onClick={openInfo}
      >
        <IconInfo />
      </button>
    </header>
  );
}
