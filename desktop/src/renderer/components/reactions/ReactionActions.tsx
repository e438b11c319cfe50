import { useCallback, useRef, useState } from 'react';
import type { MessageView } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { IconSmile } from '../Icons';
import { EmojiPicker } from './EmojiPicker';
import { ReactionBar } from './ReactionBar';
import { ReactionDetails } from './ReactionDetails';
import { myReaction, reactTo } from './reactTo';
import { closePopover } from './usePopover';
import './reactions.css';

/**
 * A message's reaction actions (beside Reply, Star...): "React" opens the quick bar, whose "+"
 * opens the full picker; "Reactions" (when there are some) lists who reacted, for the keyboard.
 */
export function ReactionActions({
  message: m,
  store,
  conversationId,
}: {
  message: MessageView;
  store: AppStore;
  conversationId: string;
}) {
  const reactButton = useRef<HTMLButtonElement>(null);
  const listButton = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState<'bar' | 'picker' | 'details' | null>(null);
  const close = useCallback(() => closePopover(reactButton, () => setOpen(null)), []);
  const closeList = useCallback(() => closePopover(listButton, () => setOpen(null)), []);
  const choose = (emoji: string | null) => {
    reactTo(store, conversationId, m, emoji);
    close();
  };
  const mine = myReaction(m);
  const hasReactions = (m.reactions?.length ?? 0) > 0;
  return (
    <>
      <button
        ref={reactButton}
        type="button"
        className="icon-button small react-button"
        tabIndex={-1}
        aria-label="React"
        title="React (+)"
        aria-haspopup="dialog"
        aria-expanded={open === 'bar' || open === 'picker'}
        onClick={() => setOpen(open === null ? 'bar' : null)}
      >
        <IconSmile size={16} />
      </button>
      {hasReactions && (
        <button
          ref={listButton}
          type="button"
          className="icon-button small"
          tabIndex={-1}
          aria-label="Reactions"
          title="Who reacted"
          aria-haspopup="dialog"
          onClick={() => setOpen('details')}
        >
          <span aria-hidden="true">{m.reactions?.[0]?.emoji}</span>
        </button>
      )}
      {open === 'bar' && (
        <ReactionBar
          anchor={reactButton}
          mine={mine}
          onChoose={choose}
          onMore={() => setOpen('picker')}
          onClose={close}
        />
      )}
      {open === 'picker' && (
        <EmojiPicker anchor={reactButton} mine={mine} onChoose={choose} onClose={close} />
      )}
      {open === 'details' && (
        <ReactionDetails
          anchor={listButton}
          reactions={m.reactions ?? []}
          onRemove={() => {
            reactTo(store, conversationId, m, null);
            closeList();
          }}
          onClose={closeList}
        />
      )}
    </>
  );
}
