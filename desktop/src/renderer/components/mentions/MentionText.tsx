import type { MentionView } from '../../../common/contract';
import { linkParts } from '../groups/groupRules';
import { mentionParts } from './mentionText';
import './mentions.css';

/** Plain text with its web links clickable (`onLink` decides where a link goes). */
function LinkedText({ text, onLink }: { text: string; onLink: (url: string) => void }) {
  const parts = linkParts(text);
  return (
    <>
      {parts.map((part, index) =>
        part.url === null ? (
          part.text
        ) : (
          <a
            // Parts never move: the index is their identity.
            key={index}
            className="message-link"
            href={part.url}
            onClick={(e) => {
              e.preventDefault();
              onLink(part.url ?? '');
            }}
          >
            {part.text}
          </a>
        ),
      )}
    </>
  );
}

/**
 * A message's text with its mentions marked: "@Ana" in the accent colour, a mention of the
 * viewer on an accent-tinted background (as WhatsApp marks "@You"); with `onLink`, its web links
 * are links.
 */
export function MentionText({
  text,
  mentions,
  onLink,
}: {
  text: string;
  mentions: readonly MentionView[] | undefined;
  /** Where a clicked link goes; without it, links stay plain text. */
  onLink?: (url: string) => void;
}) {
  const plain = (chunk: string, key?: number) =>
    onLink === undefined ? chunk : <LinkedText key={key} text={chunk} onLink={onLink} />;
  const parts = mentionParts(text, mentions);
  if (parts.length === 1 && parts[0]?.mention === null) return <>{plain(text)}</>;
  return (
    <>
      {parts.map((part, index) =>
        part.mention === null ? (
          plain(part.text, index)
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
