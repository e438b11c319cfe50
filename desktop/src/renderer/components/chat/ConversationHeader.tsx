import type { ConversationView } from '../../../common/contract';
import { lastSeen } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
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
  let subtitle: string;
  if (c.typing.length > 0) {
    subtitle =
      c.kind === 'direct'
        ? 'typing…'
        : `${c.typing.map((id) => c.members.find((m) => m.userId === id)?.displayName ?? 'Someone').join(', ')} typing…`;
  } else if (c.kind === 'direct') {
    subtitle = presence?.online ? 'online' : lastSeen(presence?.lastSeenAt ?? null);
  } else {
    subtitle = c.members.map((m) => m.displayName).join(', ') || `${c.memberCount} members`;
  }
  return (
    <header className="chat-header">
      <Avatar id={c.peer?.id ?? c.id} name={c.title} size={40} online={presence?.online ?? false} />
      <div className="chat-header-text">
        <h2 title={c.title} dir="auto">
          {c.title}
        </h2>
        <p
          className={`subtitle${c.typing.length > 0 ? ' typing' : ''}`}
          aria-live="polite"
          dir="auto"
        >
          {subtitle}
        </p>
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
        onClick={() => store.set({ panel: { kind: 'info', conversationId: c.id } })}
      >
        <IconInfo />
      </button>
    </header>
  );
}
