import { useRef, useState } from 'react';
import type { MessageView } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { ReactionDetails } from './ReactionDetails';
import { reactTo } from './reactTo';
import './reactions.css';

/**
 * The counts under a bubble: one chip per emoji, yours highlighted; a click shows who reacted.
 * The chips are no Tab stops of their own (the history is one): the keyboard reaches the same list
 * through the message's "Reactions" action.
 */
export function ReactionChips({
  message: m,
  store,
  conversationId,
}: {
  message: MessageView;
  store: AppStore;
  conversationId: string;
}) {
  const anchor = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState(false);
  const reactions = m.reactions ?? [];
  if (reactions.length === 0) return null;
  return (
    <div className="reaction-chips" ref={anchor}>
      {reactions.map((r) => (
        <button
          key={r.emoji}
          type="button"
          tabIndex={-1}
          className={`reaction-chip${r.mine ? ' mine' : ''}`}
          aria-label={`${r.emoji} ${r.count}${r.mine ? ', including you' : ''}: see who reacted`}
          onClick={() => setOpen(true)}
        >
          <span aria-hidden="true">{r.emoji}</span>
          {r.count > 1 && <span className="reaction-count">{r.count}</span>}
        </button>
      ))}
      {open && (
        <ReactionDetails
          anchor={anchor}
          reactions={reactions}
          onRemove={() => {
            reactTo(store, conversationId, m, null);
            setOpen(false);
          }}
          onClose={() => setOpen(false)}
        />
      )}
    </div>
  );
}
