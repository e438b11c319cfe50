import { useRef } from 'react';
import { createPortal } from 'react-dom';
import type { MessageView } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { useDialogFocus } from '../useDialogFocus';
import { useEscapeCloses } from '../useEscapeCloses';

/**
 * "Delete message?", as WhatsApp asks it: for me (gone from all my devices, others keep it), for
 * everyone (the sender, or a group admin, while it is not deleted yet), or cancel.
 */
export function DeleteDialog({
  conversationId,
  message,
  forEveryone,
  store,
  onClose,
}: {
  conversationId: string;
  message: MessageView;
  /** Whether "Delete for everyone" is offered. */
  forEveryone: boolean;
  store: AppStore;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useDialogFocus(ref, 'button');
  // Escape cancels, before the message list (which would leave the message) sees the key.
  useEscapeCloses(onClose);
  const seq = message.seq;
  const act = (work: () => Promise<void>) => {
    onClose();
    void work();
  };
  // On the body: the message list's containment would otherwise clip a fixed backdrop to itself.
  return createPortal(
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="small-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="delete-dialog-title"
        aria-describedby="delete-dialog-text"
        ref={ref}
      >
        <h2 id="delete-dialog-title">Delete message?</h2>
        <p id="delete-dialog-text" className="muted">
          {forEveryone
            ? 'Delete it for everyone in this chat, or only on your devices.'
            : 'It disappears from all your devices; others in this chat still see it.'}
        </p>
        <div className="dialog-actions">
          {seq !== null && forEveryone && (
            <button
              className="danger"
              onClick={() => act(() => store.chat.deleteMessage({ conversationId, seq }))}
            >
              Delete for everyone
            </button>
          )}
          {seq !== null && (
            <button
              className="danger"
              onClick={() => act(() => store.chat.deleteForMe({ conversationId, seqs: [seq] }))}
            >
              Delete for me
            </button>
          )}
          <button className="primary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
