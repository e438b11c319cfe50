import type { ProfileStore } from '../profile-types';
import { toUserRecord } from './records';
import type { MongoModels, UserDoc } from './schemas';

/** Groups looked at for one photo: an uploader reusing a photo on more groups than this is odd. */
const GROUPS_PER_PHOTO_MAX = 256;

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
    async seesGroupPhoto(userId, mediaId) {
      // conversations_by_avatar; one photo may be set on a few groups by the same uploader.
      const groups = await Conversation.find(
        { avatar: { $eq: mediaId }, kind: 'group' },
        { _id: 1 },
      )
        .limit(GROUPS_PER_PHOTO_MAX)
        .lean<{ _id: string }[]>();
      if (groups.length === 0) return false;
      const membership = await Membership.exists({
        userId,
        active: true,
        conversationId: { $in: groups.map((g) => g._id) },
      });
      return membership !== null;
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
