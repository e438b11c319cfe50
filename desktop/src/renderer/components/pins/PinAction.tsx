import type { MessageView } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { PinIcon } from './PinIcon';
import './pins.css';

/** Why a message cannot be pinned now, or null when it can. */
export function pinBlockedReason(m: MessageView): string | null {
  if (m.deletedAt !== null) return "A deleted message can't be pinned";
  if (m.seq === null) return 'You can pin this message once it is sent';
  return null;
}

/**
 * "Pin" / "Unpin" among a message's actions (P on the keyboard). Pins go through the outbox, so
 * this works offline; a message that cannot be pinned keeps the button, disabled, with the reason.
 */
export function PinAction({
  message: m,
  store,
  conversationId,
}: {
  message: MessageView;
  store: AppStore;
  conversationId: string;
}) {
  if (m.type !== 'message' || m.unsupported || m.change !== undefined) return null;
  const pinned = m.pinned === true;
  const reason = pinBlockedReason(m);
  const label = pinned ? 'Unpin' : 'Pin';
  return (
    <button
      type="button"
      className="icon-button small pin-action"
      tabIndex={-1}
      aria-label={label}
      // Kept focusable (aria-disabled, not disabled) so the keyboard reaches the reason.
      aria-disabled={reason !== null}
      title={reason ?? `${label} (P)`}
      onClick={() => {
        if (reason !== null || m.seq === null) return;
        void store.chat
          .pinMessage({ conversationId, seq: m.seq, pinned: !pinned })
          // The message went away meanwhile (deleted): its pin would disappear anyway.
          .catch(() => undefined);
      }}
    >
      <PinIcon filled={pinned} />
    </button>
  );
}
