/**
 * When a new message becomes a native notification, and what it says. Pure: main feeds it the
 * engine's `incoming` event, what it knows of the conversation, and the window's focus.
 */
import type { AttachmentView, ChatEvents, ConversationView, MessageView } from '../common/contract';

/** What main knows about the screen when a message arrives. */
export interface ScreenFocus {
  /** The app's window has keyboard focus (not merely visible). */
  windowFocused: boolean;
  /** The conversation the renderer reports as open (`chitchatShell.setActiveConversation`). */
  activeConversationId: string | null;
}

export interface NotificationContent {
  conversationId: string;
  title: string;
  body: string;
}

export const PREVIEW_MAX_LENGTH = 120;

/** Cuts on code points, so an emoji is never split into half a surrogate pair. */
function truncate(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max
    ? text
    : `${points
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

function attachmentLabel(attachments: readonly AttachmentView[]): string {
  const count = attachments.length;
  const kinds = new Set(attachments.map((a) => a.mime.split('/')[0]));
  const only = kinds.size === 1 ? [...kinds][0] : undefined;
  if (only === 'image') return count === 1 ? '📷 Photo' : `📷 ${count} photos`;
  if (only === 'video') return count === 1 ? '🎥 Video' : `🎥 ${count} videos`;
  if (only === 'audio') return count === 1 ? '🎵 Audio' : `🎵 ${count} audio files`;
  const first = attachments[0];
  return count === 1 && first !== undefined ? `📄 ${first.name}` : `📎 ${count} files`;
}

function attachmentIcon(attachments: readonly AttachmentView[]): string {
  return attachmentLabel(attachments).split(' ')[0] ?? '📎';
}

/**
 * A one-line preview of a message, as in the conversation list: its text, or "📷 Photo" and the
 * like for attachments (the icon then the caption when there is one).
 */
export function messagePreview(message: MessageView, maxLength = PREVIEW_MAX_LENGTH): string {
  if (message.deletedAt !== null) return 'This message was deleted';
  if (message.unsupported) return 'New message (update chitchat to see it)';
  const text = oneLine(message.text ?? message.systemText ?? '');
  let preview: string;
  if (message.attachments.length === 0) preview = text === '' ? 'New message' : text;
  else if (text === '') preview = attachmentLabel(message.attachments);
  else preview = `${attachmentIcon(message.attachments)} ${text}`;
  return truncate(preview, maxLength);
}

/**
 * The notification for an incoming message, or null when there should be none:
 * - own messages (another of the user's devices sent it) and deleted ones;
 * - muted conversations (the event's flag or the newer conversation list, whichever says muted);
 * - the conversation the person is looking at: on screen in a focused window. A window that is
 *   open but not focused still notifies: the person may be in another application.
 * Title and body follow the messengers people know: in a direct chat the sender, then the
 * message; in a group the group's title, then "Sender: message".
 *
 * @param conversation the conversation as last listed by the engine, when main has it
 */
export function notificationFor(
  incoming: ChatEvents['incoming'],
  focus: ScreenFocus,
  conversation?: Pick<ConversationView, 'kind' | 'muted'>,
): NotificationContent | null {
  const { message } = incoming;
  if (message.own || message.deletedAt !== null) return null;
  if (incoming.muted || conversation?.muted === true) return null;
  if (focus.windowFocused && focus.activeConversationId === incoming.conversationId) return null;
  // Without the list (the very first event), a direct chat is titled after the other person.
  const group =
    conversation !== undefined
      ? conversation.kind === 'group'
      : incoming.conversationTitle !== message.senderName;
  const preview = messagePreview(message);
  return group
    ? {
        conversationId: incoming.conversationId,
        title: incoming.conversationTitle,
        body: truncate(`${message.senderName}: ${preview}`, PREVIEW_MAX_LENGTH),
      }
    : { conversationId: incoming.conversationId, title: message.senderName, body: preview };
}
