import {
  MESSAGE_EXTRAS_PROTOCOL,
  type PlayedAnswer,
  type PlayedListAnswer,
  type PlayedListPayload,
  type PlayedReceipt,
  type PlayedReceiptPayload,
} from '@chitchat/shared';
import type { ConversationRecord, EventRecord, Store } from '../store/types';
import { insidePeriods, readAccess, type Access } from './access';
import type { Actor } from './conversations';
import { spend, type DeviceRateLimits } from './device-limits';
import { ServiceError, forbidden, notFound } from './errors';
import type { Fanout } from './fanout';
import { peerMarksVisibility } from './relationships';

export type VoiceService = ReturnType<typeof createVoiceService>;

/** True for a message event that is a voice note (not deleted: a delete removes `voice`). */
const isVoiceNote = (event: EventRecord | null): event is EventRecord & { type: 'message' } =>
  event?.type === 'message' && event.payload.voice !== undefined;

/**
 * Voice notes' played marks (`receipt:played`, `played:list`). Like a read receipt the mark is
 * idempotent by nature (the first play is kept) and spends the receipt bucket; unlike one it is
 * per message, so it is kept per (note, listener). The server never reads the recording.
 */
export function createVoiceService(deps: {
  store: Store;
  fanout: Fanout;
  limits: Pick<DeviceRateLimits, 'receipt'>;
  now?: () => number;
}) {
  const { store, fanout, limits } = deps;
  const now = deps.now ?? Date.now;

  /** Whether `viewerId` may see marks of `listenerId` here (a direct chat's block or request). */
  async function marksVisible(
    conversation: ConversationRecord,
    viewerId: string,
    listenerId: string,
  ): Promise<boolean> {
    if (conversation.kind !== 'direct' || viewerId === listenerId) return true;
    return (await peerMarksVisibility(store, conversation, viewerId, listenerId)).played;
  }

  /** A seq the caller may read: inside their periods and at most their visible lastSeq. */
  const readable = (access: Access, seq: number) =>
    seq <= access.visibleLastSeq && insidePeriods(access.membership.periods, seq);

  return {
    async played(actor: Actor, payload: PlayedReceiptPayload): Promise<PlayedAnswer> {
      spend(limits.receipt, actor.deviceId, 'You are sending receipts too fast; wait a moment.');
      const { conversationId, seq } = payload;
      const access = await readAccess(store, conversationId, actor.userId);
      const note = readable(access, seq) ? await store.getEvent(conversationId, seq) : null;
      if (note === null) throw notFound('No such message.');
      if (!isVoiceNote(note))
        throw new ServiceError('invalid_payload', 'Only a voice note can be marked played.');
      if (note.senderUserId === actor.userId)
        throw forbidden('Only voice notes of others are marked played.');
      const { playedAt, created } = await store.markPlayed(
        conversationId,
        seq,
        actor.userId,
        now(),
      );
      if (created) {
        const update: PlayedReceipt = { conversationId, seq, userId: actor.userId, playedAt };
        // The listener's other devices show it played too; the sender sees the blue microphone,
        // unless a block or an unanswered request keeps the listener's marks from them (and a
        // former member's marks are their own business, as with read receipts).
        const to = [actor.userId];
        if (
          access.membership.active &&
          (await marksVisible(access.conversation, note.senderUserId, actor.userId))
        )
          to.push(note.senderUserId);
        fanout.toUsers(to, 'receipt:played', update, MESSAGE_EXTRAS_PROTOCOL);
      }
      return { seq, playedAt };
    },

    /**
     * The marks of the notes at `seqs` the caller may know of: every listener's of notes they
     * sent (message info), their own of everyone else's. Seqs outside their periods are ignored.
     */
    async list(userId: string, payload: PlayedListPayload): Promise<PlayedListAnswer> {
      const { conversationId } = payload;
      const access = await readAccess(store, conversationId, userId);
      const seqs = [...new Set(payload.seqs)].filter((seq) => readable(access, seq));
      const records = await store.playsOf(conversationId, seqs);
      const senders = new Map<number, string | null>();
      const visibleListeners = new Map<string, boolean>();
      const played: PlayedReceipt[] = [];
      for (const record of records) {
        if (record.userId !== userId) {
          if (!senders.has(record.seq)) {
            const note = await store.getEvent(conversationId, record.seq);
            senders.set(record.seq, note?.senderUserId ?? null);
          }
          if (senders.get(record.seq) !== userId) continue;
          let visible = visibleListeners.get(record.userId);
          if (visible === undefined) {
            visible = await marksVisible(access.conversation, userId, record.userId);
            visibleListeners.set(record.userId, visible);
          }
          if (!visible) continue;
        }
        played.push({
          conversationId,
          seq: record.seq,
          userId: record.userId,
          playedAt: record.playedAt,
        });
      }
      return { played };
    },
  };
}
