import type { MemberView } from '../../../common/contract';
import { Avatar } from '../Avatar';
import './mentions.css';

export const MENTION_PICKER_ID = 'mention-picker';
export const mentionOptionId = (userId: string) => `mention-option-${userId}`;

/**
 * The members matching the "@" word being typed, above the composer. The text field keeps the
 * focus (arrows move the choice, Enter or Tab picks, Escape closes: useMentionPicker.ts); the
 * list names the active option through `aria-activedescendant`.
 */
export function MentionPicker({
  matches,
  active,
  loading,
  onPick,
  onHover,
}: {
  matches: readonly MemberView[];
  active: number;
  loading: boolean;
  onPick: (member: MemberView) => void;
  onHover: (index: number) => void;
}) {
  return (
    <div className="mention-picker">
      {matches.length === 0 ? (
        <p className="mention-empty muted" role="status">
          {loading ? 'Loading members…' : 'No member matches'}
        </p>
      ) : (
        <ul id={MENTION_PICKER_ID} role="listbox" aria-label="Mention a member">
          {matches.map((member, index) => (
            <li
              key={member.userId}
              id={mentionOptionId(member.userId)}
              role="option"
              aria-selected={index === active}
              className={`mention-option${index === active ? ' active' : ''}`}
              // Picked on mouse down, so the text field never loses the focus.
              onMouseDown={(event) => {
                event.preventDefault();
                onPick(member);
              }}
              onMouseEnter={() => onHover(index)}
            >
              <Avatar id={member.userId} name={member.displayName} size={28} photo={member.photo} />
              <span className="mention-name" dir="auto">
                {member.displayName}
              </span>
              <span className="mention-username muted">@{member.username}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
