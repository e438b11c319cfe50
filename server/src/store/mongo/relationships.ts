import type { InvitationRecord, RelationshipStore } from '../types';
import { byDirectKey, directKey } from './records';
import { type InvitationDoc, type MongoModels } from './schemas';
import type { Transact } from './transaction';
import { clockStamp } from '../versions';

const toInvitation = (doc: InvitationDoc): InvitationRecord => ({
  conversationId: doc.conversationId,
  userId: doc.userId,
  inviterId: doc.inviterId,
  createdAt: doc.createdAt,
});

/** Contacts, deleted requests and group invitations in MongoDB; mirrors ../sqlite/relationships.ts. */
export function mongoRelationshipStore(models: MongoModels, transact: Transact): RelationshipStore {
  const { User, Contact, RequestDismissal, Invitation, Conversation, Membership } = models;
  type Session = Parameters<Parameters<Transact>[0]>[0];

  /** The stamp of this transaction's rows, as the conversation store takes it (../versions.ts). */
  const nextVersion = async (_session: Session): Promise<number> => clockStamp();

  const knownUsers = async (ids: readonly string[], session: Session) =>
    ids.length === 0
      ? []
      : (
          await User.find({ _id: { $in: [...ids] } }, { _id: 1 })
            .session(session)
            .lean<{ _id: string }[]>()
        ).map((u) => u._id);

  return {
    async addContacts(userId, contactIds, at) {
      return transact(async (session) => {
        const wanted = [...new Set(contactIds)].filter((id) => id !== userId);
        const added: string[] = [];
        for (const contactId of await knownUsers(wanted, session)) {
          const result = await Contact.updateOne(
            { userId, contactId },
            { $setOnInsert: { createdAt: at } },
            { upsert: true, session },
          );
          if (result.upsertedCount !== 1) continue;
          added.push(contactId);
          const chat = await Conversation.findOne(byDirectKey(directKey(userId, contactId)), {
            _id: 1,
          })
            .session(session)
            .lean<{ _id: string }>();
          if (chat !== null) {
            await Membership.updateMany(
              { conversationId: chat._id },
              { $set: { version: await nextVersion(session) } },
              { session },
            );
          }
        }
        return added;
      });
    },
    async contactsAmong(userId, userIds) {
      if (userIds.length === 0) return [];
      const docs = await Contact.find(
        { userId, contactId: { $in: [...new Set(userIds)] } },
        { contactId: 1 },
      ).lean<{ contactId: string }[]>();
      return docs.map((d) => d.contactId);
    },
    async havingContact(contactId, userIds) {
      if (userIds.length === 0) return [];
      const docs = await Contact.find(
        { contactId, userId: { $in: [...new Set(userIds)] } },
        { userId: 1 },
      ).lean<{ userId: string }[]>();
      return docs.map((d) => d.userId);
    },
    async sharingGroup(userId, userIds) {
      if (userIds.length === 0) return [];
      const mine = await Membership.find({ userId, active: true }, { conversationId: 1 }).lean<
        { conversationId: string }[]
      >();
      if (mine.length === 0) return [];
      const groups = await Conversation.find(
        { _id: { $in: mine.map((m) => m.conversationId) }, kind: 'group' },
        { _id: 1 },
      ).lean<{ _id: string }[]>();
      if (groups.length === 0) return [];
      const shared = await Membership.distinct('userId', {
        conversationId: { $in: groups.map((g) => g._id) },
        active: true,
        userId: { $in: [...new Set(userIds)] },
      });
      return shared.map(String);
    },
    async dismissRequest(userId, conversationId, upToSeq) {
      await transact(async (session) => {
        await RequestDismissal.updateOne(
          { userId, conversationId },
          { $max: { upToSeq } },
          { upsert: true, session },
        );
        await Membership.updateOne(
          { conversationId, userId },
          { $set: { version: await nextVersion(session) } },
          { session },
        );
      });
    },
    async dismissedRequestSeq(userId, conversationId) {
      const doc = await RequestDismissal.findOne({ userId, conversationId }).lean<{
        upToSeq: number;
      }>();
      return doc?.upToSeq ?? null;
    },
    async addInvitations(conversationId, inviterId, userIds, at) {
      return transact(async (session) => {
        const added: string[] = [];
        for (const userId of await knownUsers([...new Set(userIds)], session)) {
          const result = await Invitation.updateOne(
            { conversationId, userId },
            { $setOnInsert: { inviterId, createdAt: at } },
            { upsert: true, session },
          );
          if (result.upsertedCount === 1) added.push(userId);
        }
        return added;
      });
    },
    async invitationsOf(userId) {
      const docs = await Invitation.find({ userId })
        .sort({ createdAt: 1, conversationId: 1 })
        .lean<InvitationDoc[]>();
      return docs.map(toInvitation);
    },
    async getInvitation(conversationId, userId) {
      const doc = await Invitation.findOne({ conversationId, userId }).lean<InvitationDoc>();
      return doc ? toInvitation(doc) : null;
    },
    async removeInvitation(conversationId, userId) {
      const result = await Invitation.deleteOne({ conversationId, userId });
      return result.deletedCount === 1;
    },
  };
}
