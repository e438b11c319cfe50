import type { GroupLinkStore, InviteLinkRecord, JoinRequestRecord } from '../group-link-types';
import type { InviteLinkDoc, JoinRequestDoc } from './group-link-schemas';
import { isDuplicateKeyError } from './records';
import type { MongoModels } from './schemas';

const toLink = (doc: InviteLinkDoc): InviteLinkRecord => ({
  code: doc._id,
  conversationId: doc.conversationId,
  createdBy: doc.createdBy,
  createdAt: doc.createdAt,
  expiresAt: doc.expiresAt ?? null,
  revokedAt: doc.revokedAt ?? null,
  opId: doc.opId ?? null,
});

export const toRequest = (doc: JoinRequestDoc): JoinRequestRecord => ({
  conversationId: doc.conversationId,
  userId: doc.userId,
  code: doc.code,
  createdAt: doc.createdAt,
});

/** Invite links and join requests in MongoDB; mirrors ../sqlite/group-links.ts. */
export function mongoGroupLinkStore(models: MongoModels): GroupLinkStore {
  const { InviteLink, JoinRequest } = models;
  const byOp = async (createdBy: string, opId: string) => {
    const doc = await InviteLink.findOne({ createdBy, opId }).lean<InviteLinkDoc>();
    return doc === null ? null : toLink(doc);
  };
  return {
    async createInviteLink(link) {
      if (link.opId !== null) {
        const first = await byOp(link.createdBy, link.opId);
        if (first !== null) return first;
      }
      try {
        await InviteLink.insertMany([
          {
            _id: link.code,
            conversationId: link.conversationId,
            createdBy: link.createdBy,
            createdAt: link.createdAt,
            expiresAt: link.expiresAt,
            revokedAt: link.revokedAt,
            ...(link.opId !== null ? { opId: link.opId } : {}),
          },
        ]);
      } catch (error) {
        // A concurrent repeat of the same opId won the unique index: its link is the answer.
        if (!isDuplicateKeyError(error) || link.opId === null) throw error;
        const first = await byOp(link.createdBy, link.opId);
        if (first !== null) return first;
        throw error;
      }
      return link;
    },
    async inviteLinkByCode(code) {
      const doc = await InviteLink.findById(code).lean<InviteLinkDoc>();
      return doc === null ? null : toLink(doc);
    },
    async inviteLinksOf(conversationId) {
      const docs = await InviteLink.find({ conversationId, revokedAt: null })
        .sort({ createdAt: -1, _id: 1 })
        .lean<InviteLinkDoc[]>();
      return docs.map(toLink);
    },
    async revokeInviteLink(conversationId, code, at) {
      const result = await InviteLink.updateOne(
        { _id: code, conversationId, revokedAt: null },
        { $set: { revokedAt: at } },
      );
      return result.modifiedCount > 0;
    },
    async addJoinRequest(request) {
      try {
        await JoinRequest.insertMany([{ ...request }]);
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },
    async joinRequest(conversationId, userId) {
      const doc = await JoinRequest.findOne({ conversationId, userId }).lean<JoinRequestDoc>();
      return doc === null ? null : toRequest(doc);
    },
    async joinRequestsOf(conversationId) {
      const docs = await JoinRequest.find({ conversationId })
        .sort({ createdAt: 1, _id: 1 })
        .lean<JoinRequestDoc[]>();
      return docs.map(toRequest);
    },
    async removeJoinRequest(conversationId, userId) {
      const result = await JoinRequest.deleteOne({ conversationId, userId });
      return result.deletedCount > 0;
    },
  };
}
