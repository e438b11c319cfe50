import type { ConversationView } from '../../../common/contract';
import { listTime } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { IconMuted } from '../Icons';
import { MentionBadge } from '../mentions/MentionBadge';
import { previewOf } from './preview';

/**
 * One chat in the list. Its accessible name is its visible content (title, time, ticks, preview,
 * unread count with the words "unread messages", muted), so it says what a sighted person sees.
 */
export function ChatRow({
  store,
  conversation: c,
  tabStop,
}: {
  store: AppStore;
  conversation: ConversationView;
  /** The list has one Tab stop (roving tabindex): this row holds it. */
  tabStop: boolean;
}) {
  const active = useAppState(store, (s) => s.activeId === c.id);
  const online = useAppState(store, (s) =>
    c.peer ? (s.presence[c.peer.id]?.online ?? false) : false,
  );
  const preview = previewOf(c);
  const time = c.lastMessage ? listTime(c.lastMessage.createdAt) : null;
  return (
    <button
      className={`conversation-row${active ? ' active' : ''}`}
      aria-current={active ? 'true' : undefined}
      tabIndex={tabStop ? 0 : -1}
      data-row-id={c.id}
      onClick={() => store.open(c.id)}
    >
      <Avatar id={c.peer?.id ?? c.id} name={c.title} online={online} />
      <span className="row-main">
        <span className="row-top">
          <span className="row-title" dir="auto">
            {c.title}
          </span>
          {c.lastMessage && (
            <time className={`row-time${c.unreadCount > 0 ? ' accent' : ''}`}>{time}</time>
          )}
        </span>
        <span className="row-bottom">
          <span className={`row-preview${c.typing.length > 0 ? ' typing' : ''}`}>{preview}</span>
          {c.muted && (
            <span className="muted-icon" title="Muted">
              <IconMuted label="Muted" size={16} />
            </span>
          )}
          {c.unreadMention === true && <MentionBadge />}
          {c.unreadCount > 0 && (
            <span className="unread-pill">
              {c.unreadCount > 999 ? '999+' : c.unreadCount}
              <span className="visually-hidden">
                {` unread message${c.unreadCount === 1 ? '' : 's'}`}
              </span>
            </span>
          )}
        </span>
      </span>
    </button>
  );
}
