import type { ConversationView } from '../../../common/contract';
import { listTime } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { IconMuted } from '../Icons';
import { previewOf } from './preview';

export function ChatRow({
  store,
  conversation: c,
}: {
  store: AppStore;
  conversation: ConversationView;
}) {
  const active = useAppState(store, (s) => s.activeId === c.id);
  const online = useAppState(store, (s) =>
    c.peer ? (s.presence[c.peer.id]?.online ?? false) : false,
  );
  const preview = previewOf(c);
  return (
    <li>
      <button
        className={`conversation-row${active ? ' active' : ''}`}
        aria-current={active ? 'true' : undefined}
        aria-label={`${c.title}${c.unreadCount > 0 ? `, ${c.unreadCount} unread` : ''}`}
        onClick={() => store.open(c.id)}
      >
        <Avatar id={c.peer?.id ?? c.id} name={c.title} online={online} />
        <span className="row-main">
          <span className="row-top">
            <span className="row-title">{c.title}</span>
            {c.lastMessage && (
              <time className={`row-time${c.unreadCount > 0 ? ' accent' : ''}`}>
                {listTime(c.lastMessage.createdAt)}
              </time>
            )}
          </span>
          <span className="row-bottom">
            <span className={`row-preview${c.typing.length > 0 ? ' typing' : ''}`}>{preview}</span>
            {c.muted && (
              <span className="muted-icon" title="Muted">
                <IconMuted label="Muted" size={16} />
              </span>
            )}
            {c.unreadCount > 0 && (
              <span className="unread-pill">{c.unreadCount > 999 ? '999+' : c.unreadCount}</span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
}
