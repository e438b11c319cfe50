import type { ConversationView } from '../../../common/contract';
import { previewSender } from '../../format';
import { StatusIcon } from '../StatusIcon';

export const ATTACHMENT_LABELS = {
  photo: '📷 Photo',
  video: '🎬 Video',
  audio: '🎵 Audio',
  document: '📄 Document',
} as const;

/** What the last message says in the list: its text, or what it carries. */
export function previewBody(m: NonNullable<ConversationView['lastMessage']>): string {
  return m.kind === 'deleted'
    ? 'This message was deleted'
    : m.kind === 'unsupported'
      ? 'Unsupported message'
      : m.attachment && (m.kind === 'attachment' || !m.text)
        ? ATTACHMENT_LABELS[m.attachment.kind]
        : m.attachment
          ? `${ATTACHMENT_LABELS[m.attachment.kind]} · ${m.text ?? ''}`
          : (m.text ?? '');
}

function typingText(c: ConversationView): string {
  if (c.kind === 'direct') return 'typing…';
  const names = c.typing.map(
    (id) => c.members.find((m) => m.userId === id)?.displayName ?? 'Someone',
  );
  return `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} typing…`;
}

/**
 * The row's one-line preview: typing, a draft, or the last message. People's text sits in its own
 * `dir="auto"` span, so Hebrew or Arabic reads right to left and is trimmed at its own end (an
 * English row would otherwise cut off a Hebrew preview's first word).
 */
export function previewOf(c: ConversationView) {
  if (c.typing.length > 0)
    return (
      <span className="preview-text" dir="auto">
        {typingText(c)}
      </span>
    );
  if (c.draft)
    return (
      <>
        <span className="draft-label">Draft:</span>
        <span className="preview-text" dir="auto">
          {c.draft}
        </span>
      </>
    );
  const m = c.lastMessage;
  if (!m) return c.kind === 'group' ? 'Group created' : 'Say hello';
  const who = previewSender(c.kind, m);
  const text = previewBody(m);
  return (
    <>
      {m.status && <StatusIcon status={m.status} />}
      {who !== '' && (
        <span className="preview-who" dir="auto">
          {who.trimEnd()}
        </span>
      )}
      <span className="preview-text" dir="auto">
        {text}
      </span>
    </>
  );
}
