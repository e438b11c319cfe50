import type { PollOptionView } from '../../../common/contract';
import { shareOf } from './pollChoice';

/**
 * One answer of a poll: a radio (single choice) or checkbox (multiple) you press to vote, its text,
 * how many chose it and a bar of their share. A button, so Space and Enter vote from the keyboard.
 */
export function PollOption({
  option,
  multiple,
  voterCount,
  disabled,
  onPress,
}: {
  option: PollOptionView;
  multiple: boolean;
  voterCount: number;
  disabled: boolean;
  onPress: () => void;
}) {
  const share = shareOf(option.votes, voterCount);
  return (
    <button
      type="button"
      className={`poll-option${option.mine ? ' mine' : ''}`}
      role={multiple ? 'checkbox' : 'radio'}
      aria-checked={option.mine}
      aria-label={`${option.text}, ${option.votes} ${option.votes === 1 ? 'vote' : 'votes'}`}
      disabled={disabled}
      onClick={onPress}
    >
      <span className={`poll-mark ${multiple ? 'square' : 'round'}`} aria-hidden="true" />
      <span className="poll-option-body">
        <span className="poll-option-line">
          <span className="poll-option-text" dir="auto">
            {option.text}
          </span>
          <span className="poll-option-count">{option.votes}</span>
        </span>
        <span className="poll-bar" aria-hidden="true">
          <span className="poll-bar-fill" style={{ width: `${share}%` }} />
        </span>
      </span>
    </button>
  );
}
