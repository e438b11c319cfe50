import type { ClientSession } from 'mongoose';
import { StoreRefusal, type EventOrigin, type EventRecord } from '../types';
import { byOpId, isDuplicateKeyError, toConversationRecord, toEventRecord } from './records';
import type { ConversationDoc, EventDoc, MembershipDoc, MongoModels } from './schemas';
import { clockStamp } from '../versions';

/*
 * The steps every appending transaction of the MongoDB conversation store is made of: claim seqs,
 * insert events, find an operation's earlier answer, check the target, stamp the conversation.
 * Each takes the caller's session, so a write composed of them commits or aborts as one.
 */

export type Session = ClientSession;

interface EventKeys {
  id?: string;
  clientMsgId?: string;
  opId?: string | undefined;
}

/** Ids for the 2nd, 3rd... event of one operation, derived from the operation's event id. */
export const subId = (origin: EventOrigin, index: number) =>
  index === 0 ? origin.id : `${origin.id}-${index}`;

/**
 * Runs a write; when a unique index refused it (a concurrent twin committed first: the same
 * clientMsgId or opId, the same direct pair), runs it once more, and this time the write finds
 * the twin and answers as the SQLite store does for a repeat.
 */
export async function retryingDuplicate<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isDuplicateKeyError(error)) return write();
    throw error;
  }
}

/** The log steps, bound to the store's models. */
export function logWrites(models: MongoModels) {
  const { Conversation, Membership, Event } = models;

  /**
   * The stamp of this transaction's rows (../versions.ts): from the clock, so no document is
   * shared between conversations. Taken inside the transaction, which MongoDB aborts past its
   * lifetime limit, so it is visible within MONGO_CURSOR_LAG_MS of being taken.
   */
  const nextVersion = async (_session: Session): Promise<number> => clockStamp();

  const membershipDoc = (conversationId: string, userId: string, session: Session | null) =>
    Membership.findOne({ conversationId, userId }).session(session).lean<MembershipDoc>();

  const requireActive = async (conversationId: string, userId: string, session: Session) => {
    const doc = await membershipDoc(conversationId, userId, session);
    if (doc === null || !doc.active) throw new StoreRefusal('not_member');
    return doc;
  };

  const eventByOp = (userId: string, opId: string, session: Session | null) =>
    Event.findOne(byOpId(userId, opId)).session(session).lean<EventDoc>();

  /** Takes the next `count` seqs of the conversation; returns the first (and its membersVersion). */
  const claimSeqs = async (conversationId: string, count: number, session: Session) => {
    const doc = await Conversation.findOneAndUpdate(
      { _id: conversationId },
      { $inc: { lastSeq: count } },
      { session, new: true },
    ).lean<ConversationDoc>();
    if (doc === null) throw new StoreRefusal('not_found');
    return { first: doc.lastSeq - count + 1, membersVersion: doc.membersVersion, kind: doc.kind };
  };
  const allocateSeqs = async (conversationId: string, count: number, session: Session) =>
    (await claimSeqs(conversationId, count, session)).first;

  const insertEvent = async (
    conversationId: string,
    seq: number,
    origin: EventOrigin,
    type: EventDoc['type'],
    payload: unknown,
    keys: EventKeys,
    session: Session,
  ): Promise<EventRecord> => {
    const doc: EventDoc = {
      _id: keys.id ?? origin.id,
      conversationId,
      seq,
      type,
      senderUserId: origin.userId,
      senderDeviceId: origin.deviceId,
      createdAt: origin.at,
      payload,
      ...(keys.clientMsgId !== undefined ? { clientMsgId: keys.clientMsgId } : {}),
      ...(keys.opId !== undefined ? { opId: keys.opId } : {}),
      ...(type === 'message' ? { editedAt: null, editVersion: 0, deletedAt: null } : {}),
    };
    await Event.insertMany([doc], { session });
    return toEventRecord(doc);
  };

  const targetMessage = async (conversationId: string, targetSeq: number, session: Session) => {
    const target = await Event.findOne({ conversationId, seq: targetSeq })
      .session(session)
      .lean<EventDoc>();
    if (target === null) throw new StoreRefusal('not_found');
    if (target.type !== 'message') throw new StoreRefusal('not_message');
    if (target.deletedAt !== null && target.deletedAt !== undefined)
      throw new StoreRefusal('already_deleted');
    return target;
  };

  const setConversationVersion = (conversationId: string, version: number, session: Session) =>
    Conversation.updateOne({ _id: conversationId }, { $set: { version } }, { session });

  const readConversation = async (id: string, session: Session | null) => {
    const doc = await Conversation.findById(id).session(session).lean<ConversationDoc>();
    if (doc === null) throw new Error(`conversation ${id} vanished`);
    return toConversationRecord(doc);
  };

  return {
    nextVersion,
    membershipDoc,
    requireActive,
    eventByOp,
    claimSeqs,
    allocateSeqs,
    insertEvent,
    targetMessage,
    setConversationVersion,
    readConversation,
  };
}

export type LogWrites = ReturnType<typeof logWrites>;
