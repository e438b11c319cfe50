import {
  PINNED_MESSAGES_MAX,
  timeOrderedId,
  type ConversationEvent,
  type PinPayload,
} from '@chitchat/shared';
import { attachmentKindOf, type PinnedMessage } from '../common/contract';
import { ChatClientError } from './client-errors';
import type { ClientContext, ClientParts } from './client-parts';
import type { LocalStore, PinOutboxPayload } from './local-store/index';

/*
 * Pinned messages (issue #14): `pin` events of the log, folded on this device (DESIGN §10: the
 * server keeps no pinned list). The fold runs over the pin events this device holds, then over its
 * own pins still in the outbox, so a pin made offline shows at once.
 */

/** One pin or unpin in the order it counts: the log's, then the outbox's. */
interface PinStep {
  targetSeq: number;
  pinned: boolean;
  by: string;
}

/**
 * The chat's pinned messages, oldest pin first: a pin moves its target last, more than
 * PINNED_MESSAGES_MAX drops the oldest (for good, as WhatsApp), an unpin takes it out, and a
 * deleted message is never pinned.
 */
export function foldPins(steps: readonly PinStep[], deleted: ReadonlySet<number>): PinStep[] {
  let pinned: PinStep[] = [];
  for (const step of steps) {
    pinned = pinned.filter((p) => p.targetSeq !== step.targetSeq);
    if (step.pinned) pinned.push(step);
    if (pinned.length > PINNED_MESSAGES_MAX) pinned = pinned.slice(1);
  }
  return pinned.filter((p) => !deleted.has(p.targetSeq));
}

/** The current pins of a conversation as this device knows them (its own pending ones included). */
export function currentPins(store: LocalStore, conversationId: string): PinStep[] {
  const steps: PinStep[] = store.pinEvents(conversationId).map((row) => {
    const payload = JSON.parse(row.payload) as Partial<PinPayload>;
    return {
      targetSeq: Number(payload.targetSeq),
      pinned: payload.pinned === true,
      by: row.sender_user_id,
    };
  });
  for (const entry of store.outbox(conversationId)) {
    if (entry.kind !== 'pin' || entry.state === 'failed') continue;
    const payload = JSON.parse(entry.payload) as PinOutboxPayload;
    steps.push({ targetSeq: payload.seq, pinned: payload.pinned, by: store.userId });
  }
  const targets = [...new Set(steps.map((s) => s.targetSeq))];
  return foldPins(steps, store.deletedAmong(conversationId, targets));
}

/** Pins or unpins a sent message for everyone in the chat; works offline (the outbox). */
export function pinMessage(
  context: ClientContext,
  input: { conversationId: string; seq: number; pinned: boolean },
): void {
  const { store, engine } = context;
  const row = store.conversation(input.conversationId);
  if (row === null) throw new ChatClientError('not_found', 'No such conversation.');
  if (row.status === 'left')
    throw new ChatClientError('forbidden', 'You are no longer a member of this conversation.');
  const target = store.eventAt(input.conversationId, input.seq);
  if (target?.type !== 'message' || target.deleted_at !== null)
    throw new ChatClientError('not_found', 'No such message.');
  store.addToOutbox({
    key: timeOrderedId(),
    conversationId: input.conversationId,
    kind: 'pin',
    payload: { seq: input.seq, pinned: input.pinned },
    at: Date.now(),
  });
  context.messagesChanged(input.conversationId);
  void engine.flush(input.conversationId);
}

/**
 * What the conversation's pinned bar shows, the newest pin first. A pinned message older than the
 * loaded history is read from the server (one event, not stored: the cache stays one contiguous
 * range) so the bar shows its text; offline it shows without it until the jump loads it.
 */
export async function listPins(
  parts: ClientParts,
  previews: Map<string, ConversationEvent>,
  conversationId: string,
): Promise<PinnedMessage[]> {
  const { store, engine } = parts;
  const pins = currentPins(store, conversationId).reverse();
  const users = store.users([
    ...pins.map((p) => p.by),
    ...pins.flatMap((p) => {
      const e = store.eventAt(conversationId, p.targetSeq);
      return e === null ? [] : [e.sender_user_id];
    }),
  ]);
  const nameOf = (id: string) =>
    id === store.userId ? 'You' : (users.get(id)?.display_name ?? 'Someone');
  const out: PinnedMessage[] = [];
  for (const pin of pins) {
    const local = store.eventAt(conversationId, pin.targetSeq);
    let sender: string | null = local?.sender_user_id ?? null;
    let text: string | null = local?.text ?? null;
    let mimes: string[] = attachmentMimes(local?.payload);
    if (local === null) {
      const key = `${conversationId}:${pin.targetSeq}`;
      let remote = previews.get(key);
      if (remote === undefined && engine.connection === 'online') {
        const page = await engine
          .call('events:after', { conversationId, afterSeq: pin.targetSeq - 1, limit: 1 })
          .catch(() => null);
        const found = page?.events[0];
        if (found !== undefined && found.seq === pin.targetSeq && found.type === 'message') {
          remote = found;
          previews.set(key, found);
        }
      }
      if (remote?.type === 'message') {
        // Deleted since: a deleted message is never shown pinned.
        if (remote.deletedAt !== null) continue;
        sender = remote.senderUserId;
        text = remote.payload.text;
        mimes = remote.payload.attachments.map((a) => a.mime);
      }
    }
    const senderName =
      sender === null
        ? null
        : sender === store.userId
          ? 'You'
          : (store.users([sender]).get(sender)?.display_name ?? 'Someone');
    const first = mimes[0];
    out.push({
      seq: pin.targetSeq,
      senderName,
      text,
      attachment:
        first === undefined ? null : { kind: attachmentKindOf(first), count: mimes.length },
      pinnedBy: nameOf(pin.by),
    });
  }
  return out;
}

function attachmentMimes(payload: string | undefined): string[] {
  if (payload === undefined) return [];
  const parsed = JSON.parse(payload) as { attachments?: { mime?: unknown }[] };
  return (parsed.attachments ?? []).flatMap((a) => (typeof a.mime === 'string' ? [a.mime] : []));
}
