import type { MentionView } from '../../../common/contract';
import { mentionParts } from './mentionText';
import './mentions.css';

/**
 * A message's text with its mentions marked: "@Ana" in the accent colour, a mention of the
 * viewer on an accent-tinted background (as WhatsApp marks "@You").
 */
export function MentionText({
  text,
  mentions,
}: {
  text: string;
  mentions: readonly MentionView[] | undefined;
}) {
  const parts = mentionParts(text, mentions);
  if (parts.length === 1 && parts[0]?.mention === null) return <>{text}</>;
  return (
    <>
      {parts.map((part, index) =>
        part.mention === null ? (
          part.text
        ) : (
          <span
            // Parts never move: the index is their identity.
            key={index}
            className={`mention${part.mention.me ? ' mention-me' : ''}`}
            data-user-id={part.mention.userId}
          >
            {part.text}
          </span>
        ),
      )}
    </>
  );
}
