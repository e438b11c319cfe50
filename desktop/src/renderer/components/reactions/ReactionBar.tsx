import { useRef, type RefObject } from 'react';
import { QUICK_REACTIONS } from './emoji-data';
import { onPopoverKeys } from './popoverKeys';
import { usePopover } from './usePopover';
import './reactions.css';

/** The quick bar: six emoji and "+" for the full picker. Choosing your current one removes it. */
export function ReactionBar({
  anchor,
  mine,
  onChoose,
  onMore,
  onClose,
}: {
  anchor: RefObject<HTMLElement | null>;
  /** Your current reaction to this message, if any (highlighted). */
  mine: string | null;
  onChoose: (emoji: string) => void;
  onMore: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // On your current reaction when the bar has it, else on the first.
  const mineInBar = mine !== null && (QUICK_REACTIONS as readonly string[]).includes(mine);
  const style = usePopover(
    anchor,
    ref,
    onClose,
    mineInBar ? '.reaction-option.mine' : '.reaction-option',
  );
  return (
    <div
      ref={ref}
      className="reaction-bar"
      role="dialog"
      aria-label="React to message"
      style={style}
      onKeyDown={(event) => onPopoverKeys(event, onClose)}
    >
      {QUICK_REACTIONS.map((emoji) => (
        <button
          key={emoji}
          type="button"
          className={`reaction-option${emoji === mine ? ' mine' : ''}`}
          aria-label={emoji === mine ? `Remove ${emoji}` : `React ${emoji}`}
          aria-pressed={emoji === mine}
          onClick={() => onChoose(emoji)}
        >
          {emoji}
        </button>
      ))}
      <button
        type="button"
        className="reaction-option more"
        aria-label="More reactions"
        title="More reactions"
        onClick={onMore}
      >
        +
      </button>
    </div>
  );
}
