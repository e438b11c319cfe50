import { useRef, type KeyboardEvent, type RefObject } from 'react';
import { IconAttach, IconPoll } from '../Icons';
import { usePopover } from '../reactions/usePopover';
import './polls.css';

/** The items of the attach menu, next to its button; focus starts on the first. */
export function AttachMenuList({
  anchor,
  onClose,
  onFiles,
  onPoll,
}: {
  anchor: RefObject<HTMLElement | null>;
  onClose: () => void;
  onFiles: () => void;
  onPoll: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const style = usePopover(anchor, ref, onClose, '[role="menuitem"]');
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // The composer and the history read these keys too: they stay in the menu.
    event.stopPropagation();
    const items = [...event.currentTarget.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const to = {
      ArrowDown: at + 1,
      ArrowUp: at - 1,
      Home: 0,
      End: items.length - 1,
    }[event.key];
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      onClose();
    } else if (to !== undefined) {
      event.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    }
  };
  return (
    <div
      ref={ref}
      className="attach-menu"
      role="menu"
      aria-label="Attach"
      style={style}
      onKeyDown={onKeyDown}
    >
      <button type="button" role="menuitem" tabIndex={-1} onClick={onFiles}>
        <IconAttach size={18} />
        <span>Photos &amp; files</span>
      </button>
      <button type="button" role="menuitem" tabIndex={-1} onClick={onPoll}>
        <IconPoll size={18} />
        <span>Poll</span>
      </button>
    </div>
  );
}
