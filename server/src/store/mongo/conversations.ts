import type { ClientSession } from 'mongoose';
import {
  StoreRefusal,
  type ConversationStore,
  type EventOrigin,
  type EventRecord,
  type MembershipRecord,
} from '../types';
import {
  byClientMsgId,
  byDirectKey,
  byOpId,
  directKey,
  isDuplicateKeyError,
  toConversationRecord,
  toEventRecord,
  toMembershipRecord,
} from './records';
import {
  type ConversationDoc,
  type EventDoc,
  type MembershipDoc,
  type MongoModels,
} from './schemas';
import type { Transact } from './transaction';
import { mongoEventReads } from './event-reads';
import { memberWrites } from './member-writes';
import { messagePayloadOf } from '../message-payload';
import { clockStamp, MONGO_CURSOR_LAG_MS } from '../versions';

/*
 * Conversations, memberships and the event log in MongoDB; mirrors ../sqlite/conversations.ts
 * method by method (the same refusals, duplicates, watermarks and periods).
 *
 * Every write that appends events runs in one transaction that `$inc`s the conversation's lastSeq,
 * inserts the events and updates memberships, so seqs are gapless and commit in order: two
 * transactions that append to one conversation both write its document, and the later one hits a
 * write conflict and is retried by `withTransaction` from the start, on a fresh snapshot.
 * Transactions on different conversations share no document: the rows a write changes carry its
 * own clock stamp (../versions.ts), not a store-wide counter.
 */

type Session = ClientSession;

interface EventKeys {
  id?: string;
  clientMsgId?: string;
  opId?: string | undefined;
}

/** Ids for the 2nd, 3rd... event of one operation, derived from the operation's event id. */
const subId = (origin: EventOrigin, index: number) =>
  index === 0 ? origin.id : `${origin.id}-${index}`;

/**
 * Runs a write; when a unique index refused it (a concurrent twin committed first: the same
 * clientMsgId or opId, the same direct pair), runs it once more, and this time the write finds
 * the twin and answers as the SQLite store does for a repeat.
 */
async function retryingDuplicate<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isDuplicateKeyError(error)) return write();
    throw error;
  }
}

export function mongoConversationStore(models: MongoModels, transact: Transact): ConversationStore {
  const { Conversation, Membership, Event, Block } = models;

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
    return { first: doc.lastSeq - count + 1, membersVersion: doc.membersVersion };
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

  const { advanceOwnMarks, upsertMember, closeMember, setRole } = memberWrites(models);

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
    async changeCursor() {
      // Behind the clock by the longest a stamp can take to become visible: a change that commits
      // after this call carries a stamp above it (a recent one is sent again, never lost).
      return Date.now() - MONGO_CURSOR_LAG_MS;
    },
    async getConversation(id) {
      const doc = await Conversation.findById(id).lean<ConversationDoc>();
      return doc ? toConversationRecord(doc) : null;
    },
    async getMembership(conversationId, userId) {
      const doc = await membershipDoc(conversationId, userId, null);
      return doc ? toMembershipRecord(doc) : null;
    },
    async activeMembers(conversationId) {
      const docs = await Membership.find({ conversationId, active: true }).lean<MembershipDoc[]>();
      // Longest-serving first: by the start of the current period, then by first insertion.
      const currentJoin = (doc: MembershipDoc) =>
        doc.periods[doc.periods.length - 1]?.joinedSeq ?? 0;
      return docs
        .sort((x, y) => currentJoin(x) - currentJoin(y) || x.ordinal - y.ordinal)
        .map(toMembershipRecord);
    },
    async changedSummaries(userId, since) {
      const after = since ?? -1;
      const rows = await Membership.aggregate<MembershipDoc & { conversation: ConversationDoc }>([
        { $match: { userId } },
        {
          $lookup: {
            from: Conversation.collection.collectionName,
            localField: 'conversationId',
            foreignField: '_id',
            as: 'conversation',
          },
        },
        { $unwind: '$conversation' },
        {
          $match: {
            $or: [
              { version: { $gt: after } },
              { active: true, 'conversation.version': { $gt: after } },
            ],
          },
        },
      ]);
      return rows.map((row) => ({
        conversation: toConversationRecord(row.conversation),
        membership: toMembershipRecord(row),
      }));
    },
    async sharingConversation(userId, userIds) {
      if (userIds.length === 0) return [];
      const mine = await Membership.find({ userId, active: true }, { conversationId: 1 }).lean<
        { conversationId: string }[]
      >();
      if (mine.length === 0) return [];
      const shared = await Membership.distinct('userId', {
        conversationId: { $in: mine.map((m) => m.conversationId) },
        active: true,
        userId: { $in: [...new Set(userIds)] },
      });
      return shared.map(String);
    },

    async findDirect(userId, peerId) {
      const doc = await Conversation.findOne(
        byDirectKey(directKey(userId, peerId)),
      ).lean<ConversationDoc>();
      return doc === null ? null : toConversationRecord(doc);
    },

    async getOrCreateDirect(input) {
      return retryingDuplicate(() =>
        transact(async (session) => {
          const key = directKey(input.userId, input.peerId);
          const existing = await Conversation.findOne(byDirectKey(key))
            .session(session)
            .lean<ConversationDoc>();
          if (existing !== null)
            return { conversation: toConversationRecord(existing), created: false };
          const version = await nextVersion(session);
          const doc: ConversationDoc = {
            _id: input.id,
            kind: 'direct',
            title: null,
            avatar: null,
            createdBy: input.userId,
            createdAt: input.at,
            lastSeq: 0,
            version,
            membersVersion: 1,
            directKey: key,
            groupDeliveredSeq: 0,
            groupReadSeq: 0,
          };
          await Conversation.insertMany([doc], { session });
          for (const userId of [input.userId, input.peerId]) {
            await upsertMember(input.id, userId, 'member', version, 1, session);
          }
          return { conversation: toConversationRecord(doc), created: true };
        }),
      );
    },

    async createGroup(input) {
      return retryingDuplicate(() =>
        transact(async (session) => {
          if (input.opId !== undefined) {
            const existing = await eventByOp(input.userId, input.opId, session);
            if (existing !== null) {
              return {
                conversation: await readConversation(existing.conversationId, session),
                events: [toEventRecord(existing)],
              };
            }
          }
          const version = await nextVersion(session);
          const userIds = [
            ...new Set([input.userId, ...input.memberIds.filter((id) => id !== input.userId)]),
          ];
          const doc: ConversationDoc = {
            _id: input.conversationId,
            kind: 'group',
            title: input.title,
            avatar: null,
            createdBy: input.userId,
            createdAt: input.at,
            lastSeq: 1,
            version,
            membersVersion: 1,
            groupDeliveredSeq: 0,
            groupReadSeq: 0,
          };
          await Conversation.insertMany([doc], { session });
          for (const userId of userIds) {
            const role = userId === input.userId ? 'owner' : 'member';
            await upsertMember(input.conversationId, userId, role, version, 1, session);
          }
          const event = await insertEvent(
            input.conversationId,
            1,
            input,
            'member_added',
            { userIds },
            { opId: input.opId },
            session,
          );
          await advanceOwnMarks(input.conversationId, input.userId, 1, version, session);
          return { conversation: toConversationRecord(doc), events: [event] };
        }),
      );
    },

    async changeGroup(conversationId, origin, change) {
      return retryingDuplicate(() =>
        transact(async (session) => {
          if (origin.opId !== undefined) {
            if ((await eventByOp(origin.userId, origin.opId, session)) !== null) return [];
          }
          await requireActive(conversationId, origin.userId, session);
          const conversation = await Conversation.findById(conversationId)
            .session(session)
            .lean<ConversationDoc>();
          if (conversation === null) throw new StoreRefusal('not_found');
          let seq = conversation.lastSeq;
          let title = conversation.title ?? null;
          const version = await nextVersion(session);
          const events: EventRecord[] = [];
          let membersChanged = 0;
          const append = async (type: EventDoc['type'], payload: unknown) => {
            seq += 1;
            const index = events.length;
            events.push(
              await insertEvent(
                conversationId,
                seq,
                origin,
                type,
                payload,
                { id: subId(origin, index), opId: index === 0 ? origin.opId : undefined },
                session,
              ),
            );
          };
          const isActive = async (userId: string) =>
            (await membershipDoc(conversationId, userId, session))?.active === true;
          const filterAsync = async (ids: readonly string[], keep: boolean) => {
            const kept: string[] = [];
            for (const id of new Set(ids)) if ((await isActive(id)) === keep) kept.push(id);
            return kept;
          };

          if (change.title !== undefined) {
            await append('conversation_renamed', { title: change.title });
            title = change.title;
          }
          const added = await filterAsync(change.add ?? [], false);
          if (added.length > 0) {
            await append('member_added', { userIds: added });
            // A returning member keeps their watermarks and gets a new period; the gap stays invisible.
            for (const userId of added)
              await upsertMember(conversationId, userId, 'member', version, seq, session);
            membersChanged = 1;
          }
          const removed = await filterAsync(change.remove ?? [], true);
          if (removed.length > 0) {
            await append('member_removed', { userIds: removed, left: false });
            for (const userId of removed)
              await closeMember(conversationId, userId, version, seq, title, session);
            membersChanged = 1;
          }
          for (const { userId, role } of change.roles ?? []) {
            const member = await membershipDoc(conversationId, userId, session);
            if (member === null || !member.active || member.role === role) continue;
            await append('member_role', { userId, role });
            await setRole(conversationId, userId, role, version, session);
            membersChanged = 1;
          }
          if (change.leave !== undefined) {
            await append('member_removed', { userIds: [origin.userId], left: true });
            await closeMember(conversationId, origin.userId, version, seq, title, session);
            if (change.leave.newOwner !== null) {
              await append('member_role', { userId: change.leave.newOwner, role: 'owner' });
              await setRole(conversationId, change.leave.newOwner, 'owner', version, session);
            }
            membersChanged = 1;
          }
          if (events.length > 0) {
            await Conversation.updateOne(
              { _id: conversationId },
              {
                $inc: { lastSeq: events.length, membersVersion: membersChanged },
                $set: { version, ...(change.title !== undefined ? { title } : {}) },
              },
              { session },
            );
          }
          return events;
        }),
      );
    },

    async setMuted(conversationId, userId, muted) {
      await transact(async (session) => {
        const doc = await membershipDoc(conversationId, userId, session);
        if (doc === null) throw new StoreRefusal('not_member');
        if (doc.muted === muted) return;
        const version = await nextVersion(session);
        await Membership.updateOne(
          { conversationId, userId, muted: { $ne: muted } },
          { $set: { muted, version } },
          { session },
        );
      });
    },

    async appendMessage(message) {
      return retryingDuplicate(() =>
        transact(async (session) => {
          const existing = await Event.findOne(byClientMsgId(message.userId, message.clientMsgId))
            .session(session)
            .lean<EventDoc>();
          if (existing !== null)
            return { event: toEventRecord(existing), duplicate: true as const };
          await requireActive(message.conversationId, message.userId, session);
          const blockedBy = message.unlessBlockedBy ?? null;
          if (
            blockedBy !== null &&
            (await Block.exists({ userId: blockedBy, blockedUserId: message.userId }).session(
              session,
            )) !== null
          ) {
            throw new StoreRefusal('blocked');
          }
          const mentions = [...new Set(message.mentions ?? [])];
          if (
            mentions.length > 0 &&
            (await Membership.countDocuments({
              conversationId: message.conversationId,
              userId: { $in: mentions },
              active: true,
            }).session(session)) !== mentions.length
          ) {
            throw new StoreRefusal('mention_not_member');
          }
          const { first: seq, membersVersion } = await claimSeqs(
            message.conversationId,
            1,
            session,
          );
          const event = await insertEvent(
            message.conversationId,
            seq,
            message,
            'message',
            messagePayloadOf(message),
            { clientMsgId: message.clientMsgId },
            session,
          );
          // The counter is taken last: it is the one document every writer shares, so it is held
          // (by an uncommitted write) for as short a time as possible.
          const version = await nextVersion(session);
          await setConversationVersion(message.conversationId, version, session);
          await advanceOwnMarks(message.conversationId, message.userId, seq, version, session);
          return { event, duplicate: false as const, membersVersion };
        }),
      );
    },

    async editMessage(conversationId, targetSeq, text, origin) {
      return retryingDuplicate(() =>
        transact(async (session) => {
          if (origin.opId !== undefined) {
            const existing = await eventByOp(origin.userId, origin.opId, session);
            if (existing !== null) return toEventRecord(existing);
          }
          await requireActive(conversationId, origin.userId, session);
          const target = await targetMessage(conversationId, targetSeq, session);
          const seq = await allocateSeqs(conversationId, 1, session);
          const editVersion = (target.editVersion ?? 0) + 1;
          const event = await insertEvent(
            conversationId,
            seq,
            origin,
            'message_edited',
            { targetSeq, text, editVersion },
            { opId: origin.opId },
            session,
          );
          // The first edit keeps the text the message was sent with.
          const original =
            editVersion === 1
              ? { originalText: (target.payload as { text: string | null }).text }
              : {};
          await Event.updateOne(
            { conversationId, seq: targetSeq },
            { $set: { 'payload.text': text, editedAt: origin.at, editVersion, ...original } },
            { session },
          );
          await setConversationVersion(conversationId, await nextVersion(session), session);
          return event;
        }),
      );
    },

    async deleteMessage(conversationId, targetSeq, origin) {
      return retryingDuplicate(() =>
        transact(async (session) => {
          if (origin.opId !== undefined) {
            const existing = await eventByOp(origin.userId, origin.opId, session);
            if (existing !== null) return toEventRecord(existing);
          }
          await requireActive(conversationId, origin.userId, session);
          await targetMessage(conversationId, targetSeq, session);
          const seq = await allocateSeqs(conversationId, 1, session);
          const event = await insertEvent(
            conversationId,
            seq,
            origin,
            'message_deleted',
            { targetSeq },
            { opId: origin.opId },
            session,
          );
          // Deleted for everyone: the text and attachments leave the row, and the edits' text too.
          await Event.updateOne(
            { conversationId, seq: targetSeq },
            {
              $set: {
                'payload.text': null,
                'payload.attachments': [],
                deletedAt: origin.at,
                originalText: null,
              },
              // The preview describes a link of the text, and its image is media of the message;
              // whom the text mentioned goes with the text; a voice note's description goes with
              // its recording.
              $unset: {
                'payload.linkPreview': '',
                'payload.mentions': '',
                'payload.voice': '',
                'payload.poll': '',
              },
            },
            { session },
          );
          await Event.updateMany(
            { conversationId, type: 'message_edited', 'payload.targetSeq': targetSeq },
            { $set: { 'payload.text': null } },
            { session },
          );
          await setConversationVersion(conversationId, await nextVersion(session), session);
          return event;
        }),
      );
    },

    async appendReference(conversationId, reference, origin) {
      return retryingDuplicate(() =>
        transact(async (session) => {
          if (origin.opId !== undefined) {
            const existing = await eventByOp(origin.userId, origin.opId, session);
            if (existing !== null) return toEventRecord(existing);
          }
          await requireActive(conversationId, origin.userId, session);
          await targetMessage(conversationId, reference.payload.targetSeq, session);
          const seq = await allocateSeqs(conversationId, 1, session);
          const event = await insertEvent(
            conversationId,
            seq,
            origin,
            reference.type,
            reference.payload,
            { opId: origin.opId },
            session,
          );
          await setConversationVersion(conversationId, await nextVersion(session), session);
          return event;
        }),
      );
    },

    ...mongoEventReads(models),

    async advanceReceipts(conversationId, userId, marks) {
      return transact(async (session) => {
        const doc = await membershipDoc(conversationId, userId, session);
        if (doc === null) throw new StoreRefusal('not_member');
        const readSeq = Math.max(doc.readSeq, marks.readSeq ?? 0);
        const deliveredSeq = Math.max(doc.deliveredSeq, marks.deliveredSeq ?? 0, readSeq);
        if (readSeq === doc.readSeq && deliveredSeq === doc.deliveredSeq) {
          return { membership: toMembershipRecord(doc), changed: false };
        }
        const version = await nextVersion(session);
        // MAX in the write itself: a watermark never moves back, whatever raced it.
        await Membership.updateOne(
          { conversationId, userId },
          { $max: { deliveredSeq, readSeq, receiptSeq: readSeq }, $set: { version } },
          { session },
        );
        const after = await membershipDoc(conversationId, userId, session);
        if (after === null) throw new Error('membership vanished');
        const membership: MembershipRecord = toMembershipRecord(after);
        return { membership, changed: true };
      });
    },
    async groupReceiptMinimum(conversationId) {
      const [row] = await Membership.aggregate<{ delivered: number; read: number }>([
        { $match: { conversationId, active: true } },
        // A member counts from their current period's join (DESIGN §5): before it they stand at
        // joinedSeq - 1, so adding someone never lowers the minimum for older messages.
        {
          $project: {
            deliveredSeq: 1,
            receiptSeq: 1,
            before: {
              $subtract: [
                {
                  $ifNull: [
                    {
                      $let: {
                        vars: { last: { $arrayElemAt: ['$periods', -1] } },
                        in: '$$last.joinedSeq',
                      },
                    },
                    1,
                  ],
                },
                1,
              ],
            },
          },
        },
        {
          $group: {
            _id: null,
            delivered: { $min: { $max: ['$deliveredSeq', '$before'] } },
            read: { $min: { $max: ['$receiptSeq', '$before'] } },
          },
        },
      ]);
      return { deliveredSeq: row?.delivered ?? 0, readSeq: row?.read ?? 0 };
    },
    async setGroupReceipts(conversationId, deliveredSeq, readSeq) {
      await Conversation.updateOne(
        { _id: conversationId },
        { $max: { groupDeliveredSeq: deliveredSeq, groupReadSeq: readSeq } },
      );
    },
  };
}
