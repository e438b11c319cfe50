import type { UserRole } from '@chitchat/shared';
import {
  StoreRefusal,
  UniqueViolation,
  type AccountStore,
  type Admission,
  type NewUser,
} from '../types';
import { META_ACCOUNTS_ID } from './admin-schemas';
import {
  isDuplicateKeyError,
  prefixRegex,
  toDeviceRecord,
  toUserRecord,
  usernameKey,
} from './records';
import type { DeviceDoc, MongoModels, UserDoc } from './schemas';
import type { Transact } from './transaction';

/** Accounts, devices and the block list in MongoDB; mirrors ../sqlite/accounts.ts. */
export function mongoAccountStore(models: MongoModels, transact: Transact): AccountStore {
  const { User, Block, Device, Invite, Meta, SsoIdentity, PushSubscription } = models;

  /**
   * Every registration writes the accounts document first, so two racing ones conflict and one
   * retries, seeing the other's account: exactly one first account becomes admin.
   */
  const registerUser = (user: NewUser, admission: Admission) =>
    transact(async (session) => {
      await Meta.updateOne(
        { _id: META_ACCOUNTS_ID },
        { $inc: { counter: 1 } },
        { upsert: true, session },
      );
      const first = (await User.exists({}).session(session)) === null;
      if (!first && admission.policy === 'invite') {
        const used =
          admission.inviteCode === undefined
            ? null
            : await Invite.updateOne(
                {
                  _id: admission.inviteCode,
                  revokedAt: null,
                  expiresAt: { $gt: admission.at },
                  $expr: { $lt: ['$uses', '$maxUses'] },
                },
                { $inc: { uses: 1 } },
                { session },
              );
        if (used?.matchedCount !== 1) throw new StoreRefusal('invite_invalid');
      }
      const role: UserRole = first || user.role === 'admin' ? 'admin' : 'member';
      if (admission.releaseDeletedBefore !== undefined) {
        // After the quarantine a deleted account's username is free: its key moves out of the way.
        const held = await User.findOne(
          {
            usernameKey: usernameKey(user.username),
            deletedAt: { $ne: null, $lte: admission.releaseDeletedBefore },
          },
          { _id: 1 },
        )
          .session(session)
          .lean<{ _id: string }>();
        if (held !== null) {
          await User.updateOne(
            { _id: held._id },
            { $set: { usernameKey: `deleted:${held._id}` } },
            { session },
          );
        }
      }
      const doc: UserDoc = {
        _id: user.id,
        username: user.username,
        usernameKey: usernameKey(user.username),
        displayName: user.displayName,
        passwordHash: user.passwordHash,
        createdAt: user.createdAt,
        lastSeenVisibility: 'contacts',
        groupAdds: 'everyone',
        role,
        disabledAt: null,
        devicesVersion: 0,
      };
      try {
        await User.insertMany([doc], { session });
      } catch (error) {
        // Aborts the transaction: the invite's use is not consumed.
        if (isDuplicateKeyError(error)) throw new UniqueViolation('username');
        throw error;
      }
      if (admission.identity !== undefined) {
        try {
          await SsoIdentity.insertMany(
            [{ ...admission.identity, userId: user.id, createdAt: user.createdAt }],
            { session },
          );
        } catch (error) {
          // A racing first sign-in of the same person linked it first: the account is not kept.
          if (isDuplicateKeyError(error)) throw new UniqueViolation('identity');
          throw error;
        }
      }
      return toUserRecord(doc);
    });

  return {
    registerUser,
    async createUser(user) {
      await registerUser(user, { policy: 'free', at: user.createdAt });
    },
    async getUser(id) {
      const doc = await User.findById(id).lean<UserDoc>();
      return doc ? toUserRecord(doc) : null;
    },
    async getUsers(ids) {
      if (ids.length === 0) return [];
      const docs = await User.find({ _id: { $in: [...new Set(ids)] } }).lean<UserDoc[]>();
      return docs.map(toUserRecord);
    },
    async findUserByUsername(username) {
      // A deleted account is found by nobody; `deletedAt: null` also matches documents without it.
      const doc = await User.findOne({
        usernameKey: usernameKey(username),
        deletedAt: null,
      }).lean<UserDoc>();
      return doc ? toUserRecord(doc) : null;
    },
    async searchUsers(prefix, limit) {
      if (limit <= 0) return [];
      const docs = await User.find({ usernameKey: prefixRegex(prefix), deletedAt: null })
        .sort({ usernameKey: 1 })
        .limit(limit)
        .lean<UserDoc[]>();
      return docs.map(toUserRecord);
    },
    async updateUser(id, changes) {
      const set: Partial<
        Pick<
          UserDoc,
          | 'displayName'
          | 'lastSeenVisibility'
          | 'groupAdds'
          | 'readReceipts'
          | 'photo'
          | 'about'
          | 'photoVisibility'
          | 'aboutVisibility'
          | 'notificationPreviews'
        >
      > = {};
      if (changes.photo !== undefined) set.photo = changes.photo;
      if (changes.about !== undefined) set.about = changes.about;
      if (changes.photoVisibility !== undefined) set.photoVisibility = changes.photoVisibility;
      if (changes.aboutVisibility !== undefined) set.aboutVisibility = changes.aboutVisibility;
      if (changes.groupAdds !== undefined) set.groupAdds = changes.groupAdds;
      if (changes.readReceipts !== undefined) set.readReceipts = changes.readReceipts;
      if (changes.notificationPreviews !== undefined)
        set.notificationPreviews = changes.notificationPreviews;
      if (changes.displayName !== undefined) set.displayName = changes.displayName;
      if (changes.lastSeenVisibility !== undefined)
        set.lastSeenVisibility = changes.lastSeenVisibility;
      if (Object.keys(set).length === 0) return;
      await User.updateOne({ _id: id }, { $set: set }, { runValidators: true });
    },
    async updateBlocks(userId, block, unblock) {
      await transact(async (session) => {
        const now = Date.now();
        const wanted = [...new Set(block)].filter((id) => id !== userId);
        // Ids of unknown users are ignored, as the foreign key does in SQLite.
        const known =
          wanted.length === 0
            ? []
            : await User.find({ _id: { $in: wanted } }, { _id: 1 })
                .session(session)
                .lean<{ _id: string }[]>();
        for (const { _id: blockedUserId } of known) {
          await Block.updateOne(
            { userId, blockedUserId },
            { $setOnInsert: { createdAt: now } },
            { upsert: true, session },
          );
        }
        if (unblock.length > 0) {
          await Block.deleteMany({ userId, blockedUserId: { $in: [...unblock] } }, { session });
        }
      });
    },
    async blockedUserIds(userId) {
      const docs = await Block.find({ userId }, { blockedUserId: 1 })
        .sort({ createdAt: 1, blockedUserId: 1 })
        .lean<{ blockedUserId: string }[]>();
      return docs.map((d) => d.blockedUserId);
    },
    async usersBlocking(userId, userIds) {
      if (userIds.length === 0) return [];
      const docs = await Block.find(
        { blockedUserId: userId, userId: { $in: [...new Set(userIds)] } },
        { userId: 1 },
      ).lean<{ userId: string }[]>();
      return docs.map((d) => d.userId);
    },

    async createDevice(device, maxActive) {
      return transact(async (session) => {
        const active = await Device.countDocuments({
          userId: device.userId,
          revokedAt: null,
        }).session(session);
        if (active >= maxActive) return 'device_limit' as const;
        // Two concurrent inserts for one user both write the user document, so one of them retries
        // and counts again: the cap holds without a lock (no write skew). A disable writes it too.
        const user = await User.updateOne(
          { _id: device.userId, disabledAt: null },
          { $inc: { devicesVersion: 1 } },
          { session },
        );
        if (user.matchedCount !== 1) {
          if ((await User.exists({ _id: device.userId }).session(session)) !== null) {
            return 'disabled' as const;
          }
          throw new Error(`createDevice: no user ${device.userId}`);
        }
        const doc: DeviceDoc = { _id: device.id, ...withoutId(device) };
        await Device.insertMany([doc], { session });
        return null;
      });
    },
    async getDevice(id) {
      const doc = await Device.findById(id).lean<DeviceDoc>();
      return doc ? toDeviceRecord(doc) : null;
    },
    async listActiveDevices(userId) {
      const docs = await Device.find({ userId, revokedAt: null })
        .sort({ createdAt: 1, _id: 1 })
        .lean<DeviceDoc[]>();
      return docs.map(toDeviceRecord);
    },
    async rotateRefreshToken(rotation) {
      const result = await Device.updateOne(
        { _id: rotation.deviceId, refreshTokenHash: rotation.expectedHash, revokedAt: null },
        {
          $set: {
            previousRefreshTokenHash: rotation.expectedHash,
            refreshTokenHash: rotation.newHash,
            rotatedAt: rotation.rotatedAt,
          },
          $max: { lastSeenAt: rotation.rotatedAt },
        },
      );
      return result.matchedCount === 1;
    },
    async revokeDevice(id, at) {
      const result = await Device.updateOne(
        { _id: id, revokedAt: null },
        { $set: { revokedAt: at } },
      );
      // A revoked device is never pushed to (SQLite does this with a trigger).
      await PushSubscription.deleteOne({ _id: id });
      return result.matchedCount === 1;
    },
    async touchDevice(id, at) {
      await Device.updateOne({ _id: id }, { $max: { lastSeenAt: at } });
    },
  };
}

/** The record without its `id` (which becomes the document's `_id`). */
function withoutId<T extends { id: string }>(record: T): Omit<T, 'id'> {
  const { id: _id, ...rest } = record;
  return rest;
}
