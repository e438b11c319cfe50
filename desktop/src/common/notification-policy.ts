/**
 * When a new message becomes a notification, and what it says. Pure: the desktop app's main
 * process and the web app's page each feed it the engine's `incoming` event, what they know of the
 * conversation, and the window's focus.
 */
import {
  attachmentKindOf,
  type AttachmentKind,
  type ChatEvents,
  type ConversationView,
  type MessageView,
} from './contract';
import {
  NOTIFICATION_LINE_MAX_LENGTH,
  NO_PREVIEW_TEXT,
  cutToLength,
  oneLine,
} from '@chitchat/shared';
import { voiceMessageLabel } from './voice';

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

export const PREVIEW_MAX_LENGTH = NOTIFICATION_LINE_MAX_LENGTH;

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
  return cutToLength(preview, maxLength);
}

/**
 * The notification for an incoming message, or null when there should be none:
 * - own messages (another of the user's devices sent it) and deleted ones;
 * - muted conversations (the event's flag or the newer conversation list, whichever says muted),
 *   except for a message that mentions the person: as in WhatsApp, a mention gets through a mute;
 * - the conversation the person is looking at: on screen in a focused window. A window that is
 *   open but not focused still notifies: the person may be in another application.
 * Title and body follow the messengers people know (the line is "New message" when the account's
 * "Show previews" is off): in a direct chat the sender, then the
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
  // "Show previews" off (the account's setting): the notification says a message came, not what.
  const preview = incoming.previews ? messagePreview(message) : NO_PREVIEW_TEXT;
  return group
    ? {
        conversationId: incoming.conversationId,
        title: incoming.conversationTitle,
        body: cutToLength(`${message.senderName}: ${preview}`, PREVIEW_MAX_LENGTH),
      }
    : { conversationId: incoming.conversationId, title: message.senderName, body: preview };
}
