import type { MessagePayload } from '@chitchat/shared';

/** As the desktop notification cuts it (desktop/src/main/notification-policy.ts). */
export const PUSH_PREVIEW_MAX_LENGTH = 120;

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

const attachmentLabel = (mime: string): string => {
  if (mime.startsWith('image/')) return '📷 Photo';
  if (mime.startsWith('video/')) return '🎬 Video';
  if (mime.startsWith('audio/')) return '🎵 Audio';
  return '📄 Document';
};

/**
 * One line of a message for a push, worded as the desktop notification words it (its text, or
 * "📷 Photo · caption" and the like), so both apps show the same thing.
 */
export function pushPreview(message: MessagePayload): string {
  const text = oneLine(message.text ?? '');
  const first = message.attachments[0];
  let preview: string;
  if (message.voice !== undefined) preview = '🎤 Voice message';
  else if (message.poll !== undefined) preview = `📊 ${oneLine(message.poll.question)}`;
  else if (first === undefined) preview = text === '' ? 'New message' : text;
  else
    preview =
      text === '' ? attachmentLabel(first.mime) : `${attachmentLabel(first.mime)} · ${text}`;
  return truncate(preview, PUSH_PREVIEW_MAX_LENGTH);
}
