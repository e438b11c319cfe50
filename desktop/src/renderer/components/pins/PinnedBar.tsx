import { useEffect, useRef, useState } from 'react';
import type { ConversationView, PinnedMessage } from '../../../common/contract';
import { useAppState, type AppStore } from '../../state/store';
import { ATTACHMENT_LABELS } from '../sidebar/preview';
import { PinIcon } from './PinIcon';
import './pins.css';

/** What the bar says of a pinned message: its text, else what it carries, else "Message". */
function summaryOf(pin: PinnedMessage): string {
  if (pin.text !== null && pin.text.trim() !== '') return pin.text;
  if (pin.attachment) return ATTACHMENT_LABELS[pin.attachment.kind];
  return 'Message';
}

/**
 * The pinned bar under the chat's header (as WhatsApp): it shows one pin, the newest first; a click
 * jumps to that message (the list loads older history until it is there) and moves the bar on to
 * the next pin, so repeated clicks cycle through the (up to three) pins. A new pin, from this
 * person or anyone else, shows first again.
 */
export function PinnedBar({
  store,
  conversation,
}: {
  store: AppStore;
  conversation: ConversationView;
}) {
  const conversationId = conversation.id;
  // Pins are log events: every one that arrives (or leaves the outbox) bumps the chat's version.
  const version = useAppState(store, (s) => s.messageVersions[conversationId] ?? 0);
  const [pins, setPins] = useState<PinnedMessage[]>([]);
  const [index, setIndex] = useState(0);
  const shown = useRef<PinnedMessage[]>([]);
  useEffect(() => {
    let cancelled = false;
    store.chat
      .listPins(conversationId)
      .then((next) => {
        if (cancelled) return;
        const before = shown.current;
        const same =
          before.length === next.length && before.every((p, i) => p.seq === next[i]?.seq);
        // Another set of pins starts over at the newest; the same set keeps where it cycled to.
        if (!same) setIndex(0);
        shown.current = next;
        setPins(next);
      })
      // The bar is a view of the log: when it cannot be read now, the last one read stays.
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [store, conversationId, version]);
  const pin = pins[index] ?? pins[0];
  if (pin === undefined) return null;
  const at = pins.indexOf(pin);
  const summary = summaryOf(pin);
  return (
    <div className="pinned-bar" role="region" aria-label="Pinned messages">
      {/* Named by what it shows (plus hidden words for screen readers), so the spoken name holds
          the visible text: "Pinned message 1 of 2: Ana: See you at six". */}
      <button
        type="button"
        className="pinned-bar-button"
        title={`Pinned by ${pin.pinnedBy}. Go to message`}
        onClick={() => {
          store.set({ focusSeq: { conversationId, seq: pin.seq } });
          setIndex((at + 1) % pins.length);
        }}
      >
        <span className="visually-hidden">
          {pins.length > 1 ? `Pinned message ${at + 1} of ${pins.length}: ` : 'Pinned message: '}
        </span>
        {pins.length > 1 && (
          <span className="pinned-steps" aria-hidden="true">
            {pins.map((p, i) => (
              <span key={p.seq} className={i === at ? 'current' : undefined} />
            ))}
          </span>
        )}
        <PinIcon filled size={14} />
        <span className="pinned-text">
          {pin.senderName !== null && (
            <>
              <span className="pinned-sender" dir="auto">
                {pin.senderName}
              </span>
              {': '}
            </>
          )}
          <span className="pinned-summary" dir="auto">
            {summary}
          </span>
        </span>
        {pins.length > 1 && (
          <span className="pinned-count" aria-hidden="true">
            {at + 1}/{pins.length}
          </span>
        )}
      </button>
    </div>
  );
}
