import { useMemo, useRef, useState, type RefObject } from 'react';
import { EMOJI } from './emoji-data';
import { onPopoverKeys } from './popoverKeys';
import { usePopover } from './usePopover';
import './reactions.css';

/** Emoji per row of the grid (Up/Down move by a row). */
const COLUMNS = 8;

/** The full picker behind "+": a searchable grid; choosing your current reaction removes it. */
export function EmojiPicker({
  anchor,
  mine,
  onChoose,
  onClose,
}: {
  anchor: RefObject<HTMLElement | null>;
  mine: string | null;
  onChoose: (emoji: string) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const style = usePopover(anchor, ref, onClose, 'input');
  const [query, setQuery] = useState('');
  const shown = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return EMOJI;
    return EMOJI.filter((e) => words.every((w) => e.name.includes(w)));
  }, [query]);
  return (
    <div
      ref={ref}
      className="emoji-picker"
      role="dialog"
      aria-label="Choose a reaction"
      style={style}
      onKeyDown={(event) => onPopoverKeys(event, onClose, COLUMNS)}
    >
      <input
        type="search"
        className="emoji-search"
        placeholder="Search emoji"
        aria-label="Search emoji"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <div className="emoji-grid" role="group" aria-label="Emoji">
        {shown.map(({ emoji, name }) => (
          <button
            key={emoji}
            type="button"
            className={`reaction-option${emoji === mine ? ' mine' : ''}`}
            aria-label={emoji === mine ? `Remove ${emoji} (${name})` : `${emoji} ${name}`}
            title={name}
            aria-pressed={emoji === mine}
            onClick={() => onChoose(emoji)}
          >
            {emoji}
          </button>
        ))}
      </div>
      {shown.length === 0 && <p className="emoji-empty muted">No emoji found</p>}
    </div>
  );
}
