import { useId, useRef } from 'react';
import { createPortal } from 'react-dom';
import type { PollView } from '../../../common/contract';
import { useAppState, type AppStore } from '../../state/store';
import { useDialogFocus } from '../useDialogFocus';
import { useEscapeCloses } from '../useEscapeCloses';
import { votersOf } from './pollChoice';
import './polls.css';

/** "View votes": each option with who chose it, by name, you first; live as votes arrive. */
export function PollVotes({
  store,
  poll,
  onClose,
}: {
  store: AppStore;
  poll: PollView;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const ids = useId();
  const myUserId = useAppState(store, (s) =>
    s.session?.status === 'signed_in' ? s.session.user.id : null,
  );
  useDialogFocus(ref, 'button');
  // Escape closes it before the message list (which would leave the message) sees the key.
  useEscapeCloses(onClose);
  // On the body: the message list's containment would otherwise clip a fixed backdrop to itself.
  return createPortal(
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="small-dialog poll-votes"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${ids}-title`}
        ref={ref}
      >
        <h2 id={`${ids}-title`}>Poll votes</h2>
        <p className="poll-votes-question" dir="auto">
          {poll.question}
        </p>
        <div className="poll-votes-list">
          {poll.options.map((option, i) => {
            const voters = votersOf(option, myUserId);
            return (
              <section key={i} className="poll-votes-option" aria-labelledby={`${ids}-${i}`}>
                <h3 id={`${ids}-${i}`} className="poll-votes-option-title">
                  <span dir="auto">{option.text}</span>
                  <span className="muted">
                    {option.votes} {option.votes === 1 ? 'vote' : 'votes'}
                  </span>
                </h3>
                {voters.length === 0 ? (
                  <p className="muted poll-votes-none">No votes</p>
                ) : (
                  <ul>
                    {voters.map((v) => (
                      <li key={v.userId} dir="auto">
                        {v.name}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            );
          })}
        </div>
        <div className="dialog-actions">
          <button type="button" className="primary" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
