/**
 * When a new message becomes a native notification, and what it says. Pure: main feeds it the
 * engine's `incoming` event, what it knows of the conversation, and the window's focus.
 */
import {
  attachmentKindOf,
  type AttachmentKind,
  type ChatEvents,
  type ConversationView,
  type MessageView,
} from '../common/contract';
import { voiceMessageLabel } from '../common/voice';

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

/** As the conversation list labels them (renderer Sidebar's ATTACHMENT_LABELS). */
const ATTACHMENT_LABELS: Record<AttachmentKind, string> = {
  photo: '📷 Photo',
  video: '🎬 Video',
  audio: '🎵 Audio',
  document: '📄 Document',
};

/**
 * A one-line preview of a message, worded as the conversation list words it: its text, or
 * "📷 Photo" and the like for files ("📷 Photo · caption" with a caption).
 */
export function messagePreview(message: MessageView, maxLength = PREVIEW_MAX_LENGTH): string {
  if (message.deletedAt !== null) return 'This message was deleted';
  if (message.unsupported) return 'Unsupported message';
  const text = oneLine(message.text ?? message.systemText ?? '');
  const first = message.attachments[0];
  let preview: string;
  if (message.voice !== undefined) preview = voiceMessageLabel(message.voice.durationMs);
  else if (first === undefined) preview = text === '' ? 'New message' : text;
  else {
    const label = ATTACHMENT_LABELS[attachmentKindOf(first.mime)];
    preview = text === '' ? label : `${label} · ${text}`;
  }
  return truncate(preview, maxLength);
}

/**
 * The notification for an incoming message, or null when there should be none:
 * - own messages (another of the user's devices sent it) and deleted ones;
 * - muted conversations (the event's flag or the newer conversation list, whichever says muted),
 *   except for a message that mentions the person: as in WhatsApp, a mention gets through a mute;
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
  const mentionsMe = message.mentions?.some((m) => m.me) === true;
  if ((incoming.muted || conversation?.muted === true) && !mentionsMe) return null;
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

const MARKUP_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Title and body as the platform's notification server must get them. Linux notification servers
 * render a subset of markup (`<b>`, `<a href>`, `<img>`…) in what they show, so text from other
 * people (names, titles, messages) is escaped there: "<b>Boss</b>" shows as typed, never bold,
 * and no link or image can be slipped in. Elsewhere the text is shown as it is, so it stays as is.
 */
export function forNotificationServer(
  content: Pick<NotificationContent, 'title' | 'body'>,
  platform: NodeJS.Platform,
): { title: string; body: string } {
  if (platform !== 'linux') return { title: content.title, body: content.body };
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => MARKUP_ENTITIES[c] ?? c);
  return { title: escape(content.title), body: escape(content.body) };
}
