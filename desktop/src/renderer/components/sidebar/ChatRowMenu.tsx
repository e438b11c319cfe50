import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { MuteChoice } from '@chitchat/shared';
import type { ConversationView } from '../../../common/contract';
import { errorText } from '../../format';
import { MUTE_OPTIONS } from '../muteChoices';
import type { AppStore } from '../../state/store';

interface MenuAction {
  label: string;
  run: () => Promise<void>;
}

/** The actions a chat row offers, as WhatsApp's chat menu: they depend on the chat's state. */
function actionsFor(store: AppStore, c: ConversationView): MenuAction[] {
  const chat = store.chat;
  const mute = (choice: MuteChoice | null) => () => chat.setChatMute(c.id, choice);
  const unread = c.markedUnread || c.unreadCount > 0;
  return [
    {
      label: c.pinnedAt !== null ? 'Unpin chat' : 'Pin chat',
      run: () => chat.setChatPinned(c.id, c.pinnedAt === null),
    },
    {
      label: c.archived ? 'Unarchive chat' : 'Archive chat',
      run: () => chat.setChatArchived(c.id, !c.archived),
    },
    unread
      ? { label: 'Mark as read', run: () => chat.markRead(c.id) }
      : { label: 'Mark as unread', run: () => chat.setChatUnread(c.id, true) },
    ...(c.muted
      ? [{ label: 'Unmute', run: mute(null) }]
      : MUTE_OPTIONS.map((option) => ({ label: option.action, run: mute(option.choice) }))),
  ];
}

/**
 * The context menu of a chat row (right click, the Menu key or Shift+F10 on the row): a WAI-ARIA
 * menu whose items move with the arrow keys; Escape or a choice closes it and gives focus back
 * to the row. It floats at a fixed place, so the virtualized list never clips it.
 */
export function ChatRowMenu({
  store,
  conversation,
  at,
  onClose,
  onError,
}: {
  store: AppStore;
  conversation: ConversationView;
  at: { x: number; y: number };
  onClose: () => void;
  onError: (message: string) => void;
}) {
  const menu = useRef<HTMLDivElement>(null);
  const actions = actionsFor(store, conversation);
  useEffect(() => {
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const away = (event: MouseEvent) => {
      if (!menu.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [onClose]);

  function keys(event: KeyboardEvent<HTMLDivElement>) {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const index = items.findIndex((item) => item === document.activeElement);
    const move: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      Home: 0,
      End: items.length - 1,
    };
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      onClose();
    } else if (event.key in move) {
      event.preventDefault();
      const next = ((move[event.key] ?? 0) + items.length) % items.length;
      items[next]?.focus();
    }
    event.stopPropagation();
  }

  // Kept inside the window: a menu opened near the bottom or the right edge opens up or left.
  const style = {
    left: Math.min(at.x, window.innerWidth - 220),
    top: Math.min(at.y, window.innerHeight - 48 * actions.length - 16),
  };
  return (
    <div
      ref={menu}
      className="chat-menu"
      role="menu"
      aria-label={`Chat options: ${conversation.title}`}
      style={style}
      onKeyDown={keys}
    >
      {actions.map((action) => (
        <button
          key={action.label}
          role="menuitem"
          tabIndex={-1}
          className="chat-menu-item"
          onClick={() => {
            onClose();
            action.run().catch((e: unknown) => onError(errorText(e)));
          }}
        >
          {action.label}
        </button>
      ))}
    </div>
  );
}
