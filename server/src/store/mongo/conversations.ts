import {
  StoreRefusal,
  type ConversationStore,
  type EventRecord,
  type MembershipRecord,
} from '../types';
import {
  byDirectKey,
  directKey,
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
import { logWrites, retryingDuplicate, subId } from './log-writes';
import { mongoMessageWrites } from './message-writes';
import { MONGO_CURSOR_LAG_MS } from '../versions';

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

export function mongoConversationStore(models: MongoModels, transact: Transact): ConversationStore {
  const { Conversation, Membership } = models;

  const log = logWrites(models);
  const { nextVersion, membershipDoc, requireActive, eventByOp, insertEvent, readConversation } =
    log;
  const { advanceOwnMarks, upsertMember, closeMember, setRole } = memberWrites(models);

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
          if (change.description !== undefined)
            await append('description_changed', { description: change.description });
          if (change.permissions !== undefined)
            await append('group_settings', { permissions: change.permissions });
          if (change.avatar !== undefined)
            await append('avatar_changed', { avatar: change.avatar });
          const added = await filterAsync(change.add ?? [], false);
          if (added.length > 0) {
            await append(
              'member_added',
              change.addedVia === undefined
                ? { userIds: added }
                : { userIds: added, via: change.addedVia },
            );
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
                $set: {
                  version,
                  ...(change.title !== undefined ? { title } : {}),
                  ...(change.description !== undefined ? { description: change.description } : {}),
                  ...(change.permissions !== undefined ? { permissions: change.permissions } : {}),
                  ...(change.avatar !== undefined ? { avatar: change.avatar } : {}),
                },
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

    ...mongoMessageWrites(models, transact, log),

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
          // A private read (receipts off) leaves the public mark where it was.
          {
            $max: { deliveredSeq, readSeq, receiptSeq: marks.privateRead === true ? 0 : readSeq },
            $set: { version },
          },
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
