import { useRef, type RefObject } from 'react';
import type { ReactionView } from '../../../common/contract';
import { onPopoverKeys } from './popoverKeys';
import { usePopover } from './usePopover';
import './reactions.css';

/** Who reacted with what, named as this device knows them; your own reaction can be removed. */
export function ReactionDetails({
  anchor,
  reactions,
  onRemove,
  onClose,
}: {
  anchor: RefObject<HTMLElement | null>;
  reactions: ReactionView[];
  onRemove: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const style = usePopover(anchor, ref, onClose, 'button');
  const total = reactions.reduce((sum, r) => sum + r.count, 0);
  return (
    <div
      ref={ref}
      className="reaction-details"
      role="dialog"
      aria-label={`${total} reaction${total === 1 ? '' : 's'}`}
      style={style}
      onKeyDown={(event) => onPopoverKeys(event, onClose)}
      tabIndex={-1}
    >
      <ul>
        {reactions.flatMap((r) =>
          r.people.map((p) => (
            <li key={`${r.emoji}:${p.userId}`} className="reaction-person">
              <span className="reaction-person-emoji" aria-hidden="true">
                {r.emoji}
              </span>
              <span className="reaction-person-name" dir="auto">
                {p.me ? 'You' : p.name}
                <span className="visually-hidden"> reacted {r.emoji}</span>
              </span>
              {p.me && (
                <button type="button" className="link reaction-remove" onClick={onRemove}>
                  Remove
                </button>
              )}
            </li>
          )),
        )}
      </ul>
      <button type="button" className="link reaction-close" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
