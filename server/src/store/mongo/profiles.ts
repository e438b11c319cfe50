import type { ProfileStore } from '../profile-types';
import { toUserRecord } from './records';
import type { MongoModels, UserDoc } from './schemas';

/** The profile reads of the MongoDB store; mirrors ../sqlite/profiles.ts. */
export function mongoProfileStore(models: MongoModels): ProfileStore {
  const { User, Conversation, Membership } = models;

  const activeConversationsOf = async (userId: string) =>
    (
      await Membership.find({ userId, active: true }, { conversationId: 1 }).lean<
        { conversationId: string }[]
      >()
    ).map((m) => m.conversationId);

  return {
    async userWithPhoto(mediaId) {
      // users_by_photo (profile-schemas.ts).
      const doc = await User.findOne({ photo: { $eq: mediaId } }).lean<UserDoc>();
      return doc ? toUserRecord(doc) : null;
    },
    async conversationPartners(userId) {
      const conversationIds = await activeConversationsOf(userId);
      if (conversationIds.length === 0) return [];
      const ids = await Membership.distinct('userId', {
        conversationId: { $in: conversationIds },
        active: true,
      });
      return ids.map(String).filter((id) => id !== userId);
    },
    async sharedGroups(userId, otherId) {
      if (userId === otherId) return [];
      const mine = await activeConversationsOf(userId);
      if (mine.length === 0) return [];
      const both = await Membership.find(
        { userId: otherId, active: true, conversationId: { $in: mine } },
        { conversationId: 1 },
      ).lean<{ conversationId: string }[]>();
      if (both.length === 0) return [];
      const groups = await Conversation.find(
        { _id: { $in: both.map((m) => m.conversationId) }, kind: 'group' },
        { _id: 1 },
      )
        .sort({ createdAt: 1, _id: 1 })
        .lean<{ _id: string }[]>();
      return groups.map((g) => g._id);
    },
  };
}
