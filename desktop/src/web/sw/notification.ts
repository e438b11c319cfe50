import type { WebPushPayload } from '@chitchat/shared';

/*
 * What the service worker shows for a push (issue #17), kept apart from the worker's globals so
 * it is tested in Node: WhatsApp Web's wording, one notification per chat.
 */

/** The words for a message whose sender asked for no previews (or a preview that is empty). */
export const NO_PREVIEW_TEXT = 'New message';

/** The app's icon: pushes carry no photo (the worker cannot fetch media without a token). */
export const NOTIFICATION_ICON = '/icons/icon-192.png';

export interface ShownNotification {
  title: string;
  options: {
    body: string;
    tag: string;
    renotify: boolean;
    icon: string;
    badge: string;
    timestamp: number;
    data: { conversationId: string; seq: number };
  };
}

/**
 * A direct chat's notification is titled with the sender; a group's with its title and the
 * sender before the line. The chat's tag makes a newer push replace the older notification, and
 * `renotify` still alerts for it, so a busy chat is one notification that rings again.
 */
export function notificationOf(payload: WebPushPayload, now: number): ShownNotification {
  const line =
    payload.preview === null || payload.preview.trim() === '' ? NO_PREVIEW_TEXT : payload.preview;
  const group = payload.conversationTitle !== null;
  return {
    title: group ? (payload.conversationTitle ?? '') : payload.senderName,
    options: {
      body: group ? `${payload.senderName}: ${line}` : line,
      tag: payload.tag,
      renotify: true,
      icon: NOTIFICATION_ICON,
      badge: NOTIFICATION_ICON,
      timestamp: now,
      data: { conversationId: payload.conversationId, seq: payload.seq },
    },
  };
}

/** The page address that opens a conversation: in the fragment, never sent to the server. */
export const conversationUrl = (conversationId: string): string =>
  `/#chat=${encodeURIComponent(conversationId)}`;

/** The conversation a page address names (`conversationUrl`), or null. */
export function conversationOfUrl(hash: string): string | null {
  const match = /^#chat=([^&]+)$/.exec(hash);
  if (match?.[1] === undefined) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

/** The message a window receives from the worker when a notification is clicked. */
export interface OpenConversationMessage {
  type: 'chitchat:open-conversation';
  conversationId: string;
}

export const isOpenConversationMessage = (data: unknown): data is OpenConversationMessage =>
  typeof data === 'object' &&
  data !== null &&
  (data as { type?: unknown }).type === 'chitchat:open-conversation' &&
  typeof (data as { conversationId?: unknown }).conversationId === 'string';
