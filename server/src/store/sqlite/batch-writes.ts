import { mediaIdsOf, messagePayloadOf } from '../message-payload';
import {
  StoreRefusal,
  type AppendedMessage,
  type EventRecord,
  type MembershipRecord,
  type NewMessage,
} from '../types';
import { isUniqueError } from './constraint';
import type { SqliteDatabase } from './database';
import { eventInserter } from './event-insert';
import { toEvent, toMembership } from './rows';
import { conversationStatements } from './statements';
import { sqliteVersions } from './versions';

export interface ReceiptWrite {
  conversationId: string;
  userId: string;
  marks: { deliveredSeq?: number; readSeq?: number };
}

export interface DeviceTouch {
  id: string;
  at: number;
}

/** Each kind of batched write: what the server thread hands over, and what it gets back. */
export interface BatchWriteKinds {
  message: { item: NewMessage; result: AppendedMessage };
  receipt: { item: ReceiptWrite; result: { membership: MembershipRecord; changed: boolean } };
  touch: { item: DeviceTouch; result: null };
}

export type BatchWriteKind = keyof BatchWriteKinds;

/** One write of a batch, as it travels to the commit thread. */
export type BatchWrite = {
  [K in BatchWriteKind]: { kind: K; item: BatchWriteKinds[K]['item'] };
}[BatchWriteKind];

/**
 * The writes that arrive in floods (messages, receipts, device stamps), each applied inside the
 * batch's transaction with the batch's version stamp. They run on the commit thread
 * (./commit-thread.ts), on its own connection; a StoreRefusal is found before anything is written,
 * so a refused write needs no savepoint.
 */
export function batchWrites(db: SqliteDatabase) {
  const st = conversationStatements(db);
  const insert = eventInserter(st);
  const touch = db.prepare('UPDATE devices SET last_seen_at = MAX(last_seen_at, ?) WHERE id = ?');

  /**
   * True when every mentioned id (distinct, as the schema leaves them) is an active member, or
   * when this send is a repeat of a stored message (which answers as it first did).
   */
  const mentionsMembers = (
    conversationId: string,
    userId: string,
    clientMsgId: string,
    mentions: readonly string[],
  ): boolean =>
    (st.activeAmong.get(conversationId, JSON.stringify(mentions))?.n ?? 0) ===
      new Set(mentions).size || st.eventByClientMsgId.get(userId, clientMsgId) !== undefined;

  /**
   * One message: claim the seq (which checks membership and the block), insert (the unique index
   * on the sender's clientMsgId catches a repeat, whose claim is then given back), index its
   * media, move the sender's marks.
   */
  const appendMessage = (message: NewMessage, version: number): AppendedMessage => {
    const { conversationId, userId, clientMsgId } = message;
    const blockedBy = message.unlessBlockedBy ?? null;
    const mentions = message.mentions ?? [];
    if (mentions.length > 0 && !mentionsMembers(conversationId, userId, clientMsgId, mentions)) {
      throw new StoreRefusal('mention_not_member');
    }
    const claimed = st.claimSeq.get(
      version,
      conversationId,
      conversationId,
      userId,
      blockedBy,
      userId,
    );
    if (claimed === undefined) {
      const existing = st.eventByClientMsgId.get(userId, clientMsgId);
      if (existing !== undefined) return { event: toEvent(existing), duplicate: true };
      if (st.conversation.get(conversationId) === undefined) throw new StoreRefusal('not_found');
      if (blockedBy !== null && st.isBlocked.get(blockedBy, userId) !== undefined) {
        throw new StoreRefusal('blocked');
      }
      throw new StoreRefusal('not_member');
    }
    const seq = claimed.last_seq;
    let event: EventRecord;
    try {
      event = insert(conversationId, seq, message, 'message', messagePayloadOf(message), {
        clientMsgId,
      });
    } catch (error) {
      const existing = isUniqueError(error)
        ? st.eventByClientMsgId.get(userId, clientMsgId)
        : undefined;
      if (existing === undefined) throw error;
      st.unclaimSeq.run(conversationId);
      return { event: toEvent(existing), duplicate: true };
    }
    for (const mediaId of mediaIdsOf(message)) st.insertMediaRef.run(mediaId, conversationId, seq);
    // Sending a message means the sender has seen the conversation up to it.
    st.advanceSenderMarks.run(seq, seq, seq, conversationId, userId);
    return { event, duplicate: false, membersVersion: claimed.members_version };
  };

  /** One receipt: the marks only move forward. */
  const advanceReceipt = ({ conversationId, userId, marks }: ReceiptWrite, version: number) => {
    const row = st.membership.get(conversationId, userId);
    if (row === undefined) throw new StoreRefusal('not_member');
    const readSeq = Math.max(row.read_seq, marks.readSeq ?? 0);
    const deliveredSeq = Math.max(row.delivered_seq, marks.deliveredSeq ?? 0, readSeq);
    if (readSeq === row.read_seq && deliveredSeq === row.delivered_seq) {
      return { membership: toMembership(row), changed: false };
    }
    st.advanceMarks.run({ conversationId, userId, deliveredSeq, readSeq, version });
    // The row as the update left it, built here rather than read back (a receipt flood's hot path).
    const membership = toMembership(row);
    membership.deliveredSeq = deliveredSeq;
    membership.readSeq = readSeq;
    membership.receiptSeq = Math.max(row.receipt_seq, readSeq);
    membership.version = version;
    return { membership, changed: true };
  };

  /** Applies one write of a batch; `version` is the batch's: one commit, one version. */
  const apply = (write: BatchWrite, version: number): BatchWriteKinds[BatchWriteKind]['result'] => {
    switch (write.kind) {
      case 'message':
        return appendMessage(write.item, version);
      case 'receipt':
        return advanceReceipt(write.item, version);
      case 'touch':
        // Device stamps carry no version (they change no summary).
        touch.run(write.item.at, write.item.id);
        return null;
    }
  };

  return { apply, nextVersion: sqliteVersions(db).next };
}
