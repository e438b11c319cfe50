import type { MessageView } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { IconTrash } from '../Icons';

/**
 * "Delete for me": the message leaves this person's devices only; everyone else keeps it. Asks
 * first, as WhatsApp does.
 */
export function DeleteForMeButton({
  conversationId,
  message,
  store,
}: {
  conversationId: string;
  message: MessageView;
  store: AppStore;
}) {
  return (
    <button
      className="icon-button small delete-for-me"
      tabIndex={-1}
      aria-label="Delete for me"
      title="Delete for me"
      onClick={() => {
        if (
          message.seq !== null &&
          window.confirm(
            'Delete this message for you? It disappears from all your devices; others still see it.',
          )
        ) {
          void store.chat.deleteForMe({ conversationId, seqs: [message.seq] });
        }
      }}
    >
      <IconTrash size={16} />
    </button>
  );
}
