import { NO_PREVIEW_TEXT, type WebPushPayload } from '@chitchat/shared';

/*
 * What the service worker shows for a push (issue #17), kept apart from the worker's globals so
 * it is tested in Node: WhatsApp Web's wording, one notification per chat.
 */

/** The app's icon: the notification's when no photo of the chat is kept (and its badge). */
export const NOTIFICATION_ICON = '/icons/icon-192.png';

/**
 * The chats' photos for notifications (issue #17). The worker cannot fetch media (it has no
 * token, and the engine's copy lives in the engine Worker's OPFS), so the page keeps each chat's
 * thumbnail here, in Cache Storage, which both reach: keyed by conversation, as the desktop app's
 * notification icon is the chat's photo (the person's in a direct chat, so the sender's; the
 * group's in a group, matching the title). Dropped at sign-out.
 */
export const PHOTO_CACHE = 'chitchat-chat-photos';
/** The cache key of a chat's photo (a same-origin address, never fetched from the server). */
export const photoCacheUrl = (conversationId: string): string =>
  `/notification-photos/${encodeURIComponent(conversationId)}`;
/** The header of a cached photo naming its media id, so a changed photo is fetched again. */
export const PHOTO_MEDIA_HEADER = 'x-chitchat-media-id';

export interface ShownNotification {
  title: string;
  options: {
    body: string;
    tag: string;
    renotify: boolean;
    icon: string;
    badge: string;
    timestamp: number;
    /** `count`: how many pushes of the chat this notification now stands for. */
    data: { conversationId: string; seq: number; count: number };
  };
}

/** What is already shown for the chat (its tag), to fold the new push into. */
export interface EarlierNotification {
  count: number;
}

/** The count a shown notification of ours stands for (1 for one without it). */
export function countOf(data: unknown): number {
  const count = (data as { count?: unknown } | null)?.count;
  return typeof count === 'number' && Number.isInteger(count) && count > 0 ? count : 1;
}

/**
 * The body of a chat's notification standing for `count` messages, `one` being the newest's line:
 * "3 new messages", then that line when previews are on.
 */
export function foldedBody(one: string, count: number, hasPreview: boolean): string {
  const summary = `${String(count)} new messages`;
  return count === 1 ? one : hasPreview ? `${summary} · ${one}` : summary;
}

/**
 * A direct chat's notification is titled with the sender; a group's with its title and the
 * sender before the line. The chat's tag makes a newer push replace the older notification, and
 * `renotify` still alerts for it, so a busy chat is one notification that rings again and says
 * how many arrived ("3 new messages", then the newest line). `icon`: the chat's photo as a data:
 * address, when kept.
 */
export function notificationOf(
  payload: WebPushPayload,
  now: number,
  options: { earlier?: EarlierNotification; icon?: string } = {},
): ShownNotification {
  const hasPreview = payload.preview !== null && payload.preview.trim() !== '';
  const line = hasPreview ? (payload.preview ?? '') : NO_PREVIEW_TEXT;
  const group = payload.conversationTitle !== null;
  const one = group ? `${payload.senderName}: ${line}` : line;
  const count = (options.earlier?.count ?? 0) + 1;
  const body = foldedBody(one, count, hasPreview);
  return {
    title: group ? (payload.conversationTitle ?? '') : payload.senderName,
    options: {
      body,
      tag: payload.tag,
      renotify: true,
      icon: options.icon ?? NOTIFICATION_ICON,
      badge: NOTIFICATION_ICON,
      timestamp: now,
      data: { conversationId: payload.conversationId, seq: payload.seq, count },
    },
  };
}

/** Bytes as a data: address (the worker has no URL.createObjectURL; a thumbnail is small). */
export function dataUrlOf(mime: string, bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return `data:${mime};base64,${btoa(binary)}`;
}

/**
 * The chat's photo the page kept (see PHOTO_CACHE), as a data: address; null when none. Read by
 * the service worker for a push and by the page for its own notifications.
 */
export async function keptChatPhoto(
  storage: CacheStorage,
  conversationId: string,
): Promise<string | null> {
  try {
    const cached = await (await storage.open(PHOTO_CACHE)).match(photoCacheUrl(conversationId));
    if (cached === undefined) return null;
    const mime = cached.headers.get('content-type') ?? 'image/jpeg';
    return dataUrlOf(mime, new Uint8Array(await cached.arrayBuffer()));
  } catch {
    return null;
  }
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
