import type { AppStore } from '../../state/store';
import { IconClose, IconForward } from '../Icons';

/** In selection mode, in place of the composer: how many are picked, Forward, Cancel. */
export function SelectionBar({
  store,
  conversationId,
  seqs,
}: {
  store: AppStore;
  conversationId: string;
  seqs: number[];
}) {
  return (
    <footer className="selection-bar" role="toolbar" aria-label="Selected messages">
      <button
        className="icon-button"
        aria-label="Cancel selection"
        title="Cancel"
        onClick={() => store.set({ selection: null })}
      >
        <IconClose />
      </button>
      <span role="status" className="selection-count">
        {seqs.length} selected
      </span>
      <button
        className="primary forward-button"
        onClick={() =>
          // Forwarded in the order of the conversation, as the messages were written.
          store.set({
            panel: { kind: 'forward', conversationId, seqs: [...seqs].sort((a, b) => a - b) },
          })
        }
      >
        <IconForward size={16} /> Forward
      </button>
    </footer>
  );
}
