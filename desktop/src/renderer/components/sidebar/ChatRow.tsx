import type { ConversationView } from '../../../common/contract';
import { CHAT_LIST_ELEMENT_TIMING } from '../../../common/element-timing';
import { listTime, mutedUntilText } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { useState, type KeyboardEvent, type MouseEvent } from 'react';
import { IconMuted, IconPin } from '../Icons';
import { MentionBadge } from '../mentions/MentionBadge';
import { ChatRowMenu } from './ChatRowMenu';
import { previewOf } from './preview';

/** The row's title paints the list's first row for the Element Timing API (element-timing.ts). */
const CHAT_LIST_TIMING = { elementtiming: CHAT_LIST_ELEMENT_TIMING };

/**
 * One chat in the list. Its accessible name is its visible content (title, time, ticks, preview,
 * unread count with the words "unread messages", marked unread, pinned, muted), so it says what a
 * sighted person sees. Right click, the Menu key or Shift+F10 open its menu (pin, archive, mark
 * unread, mute).
 */
export function ChatRow({
  store,
  conversation: c,
  tabStop,
  onError,
}: {
  store: AppStore;
  conversation: ConversationView;
  /** The list has one Tab stop (roving tabindex): this row holds it. */
  tabStop: boolean;
  /** An action of the row's menu failed (a fourth pin, say); shown by the list. */
  onError?: (message: string) => void;
}) {
  const [menuAt, setMenuAt] = useState<{ x: number; y: number; row: HTMLElement } | null>(null);
  const openMenu = (event: MouseEvent<HTMLButtonElement>) => {
    event.preventDefault();
    setMenuAt({ x: event.clientX, y: event.clientY, row: event.currentTarget });
  };
  const menuKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key !== 'ContextMenu' && !(event.key === 'F10' && event.shiftKey)) return;
    event.preventDefault();
    const rect = event.currentTarget.getBoundingClientRect();
    setMenuAt({ x: rect.left + 48, y: rect.bottom - 8, row: event.currentTarget });
  };
  const active = useAppState(store, (s) => s.activeId === c.id);
  const online = useAppState(store, (s) =>
    c.peer ? (s.presence[c.peer.id]?.online ?? false) : false,
  );
  const preview = previewOf(c);
  const time = c.lastMessage ? listTime(c.lastMessage.createdAt) : null;
  return (
    <>
      <button
        className={`conversation-row${active ? ' active' : ''}`}
        aria-current={active ? 'true' : undefined}
        tabIndex={tabStop ? 0 : -1}
        data-row-id={c.id}
        onClick={() => store.open(c.id)}
        onContextMenu={openMenu}
        onKeyDown={menuKey}
        aria-haspopup="menu"
      >
        <Avatar id={c.peer?.id ?? c.id} name={c.title} online={online} photo={c.photo} />
        <span className="row-main">
          <span className="row-top">
            <span className="row-title" dir="auto" {...CHAT_LIST_TIMING}>
              {c.title}
            </span>
            {c.lastMessage && (
              <time className={`row-time${c.unreadCount > 0 ? ' accent' : ''}`}>{time}</time>
            )}
          </span>
          <span className="row-bottom">
            <span className={`row-preview${c.typing.length > 0 ? ' typing' : ''}`}>{preview}</span>
            {c.muted && (
              <span className="muted-icon" title={mutedUntilText(c.mutedUntil)}>
                <IconMuted label={mutedUntilText(c.mutedUntil)} size={16} />
              </span>
            )}
            {c.pinnedAt !== null && (
              <span className="pin-icon" title="Pinned">
                <IconPin label="Pinned" size={16} />
              </span>
            )}
            {c.unreadMention === true && <MentionBadge />}
            {c.markedUnread && c.unreadCount === 0 && (
              <span className="unread-dot">
                <span className="visually-hidden"> marked as unread</span>
              </span>
            )}
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
      {menuAt !== null && (
        <ChatRowMenu
          store={store}
          conversation={c}
          at={menuAt}
          onError={onError ?? (() => undefined)}
          onClose={() => {
            menuAt.row.focus();
            setMenuAt(null);
          }}
        />
      )}
    </>
  );
}
