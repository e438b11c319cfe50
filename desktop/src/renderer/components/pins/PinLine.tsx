import './pins.css';

/**
 * "Ana pinned a message" in the chat, as a system line that jumps to the message it names (loading
 * older history when that message is not on screen yet).
 */
export function PinLine({
  text,
  targetSeq,
  onJump,
}: {
  text: string;
  targetSeq: number;
  onJump: (seq: number) => void;
}) {
  return (
    <div className="system-message pin-line">
      {/* Reached by the history's arrow keys like a message (one Tab stop for the whole log). */}
      <button
        type="button"
        className="pin-line-button"
        tabIndex={-1}
        data-message=""
        title="Go to the message"
        onClick={() => onJump(targetSeq)}
      >
        <span dir="auto">{text}</span>
      </button>
    </div>
  );
}
