import {
  NOTIFICATION_LINE_MAX_LENGTH,
  cutToLength,
  oneLine,
  type MessagePayload,
} from '@chitchat/shared';

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
  return cutToLength(preview, NOTIFICATION_LINE_MAX_LENGTH);
}
