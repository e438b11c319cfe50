import type { ClientSession } from 'mongoose';
import { StoreRefusal } from '../types';
import type { AccountDeletion, AccountDeletionStore } from '../deletion-types';
import { clockStamp } from '../versions';
import { META_ACCOUNTS_ID } from './admin-schemas';
import type { MongoModels, UserDoc } from './schemas';
import type { Transact } from './transaction';
import { toRequest } from './group-links';
import type { JoinRequestDoc } from './group-link-schemas';

/** Delete account in MongoDB; mirrors ../sqlite/deletion.ts (the semantics are in ../deletion-types.ts). */
export function mongoAccountDeletionStore(
  models: MongoModels,
  transact: Transact,
): AccountDeletionStore {
  const { User, Device, Membership, Conversation, Block, Contact, Invitation } = models;
  const { RequestDismissal, AccountEntry, AccountOp, AccountVersion, TwoStep, Meta } = models;
  const { SsoIdentity, SsoCode, PushSubscription, JoinRequest } = models;

  const lastActiveAdmin = async (user: UserDoc, session: ClientSession) =>
    (user.role ?? 'member') === 'admin' &&
    (user.disabledAt ?? null) === null &&
    (await User.exists({ _id: { $ne: user._id }, role: 'admin', disabledAt: null }).session(
      session,
    )) === null;

  return {
    deleteAccount(userId, at) {
      return transact(async (session): Promise<AccountDeletion | null> => {
        // The counter admin changes take too: a concurrent disable or demotion conflicts with this.
        await Meta.updateOne(
          { _id: META_ACCOUNTS_ID },
          { $inc: { counter: 1 } },
          { upsert: true, session },
        );
        const user = await User.findOne({ _id: userId, deletedAt: null })
          .session(session)
          .lean<UserDoc>();
        if (user === null) return null;
        if (await lastActiveAdmin(user, session)) throw new StoreRefusal('last_admin');

        const devices = await Device.find({ userId, revokedAt: null }, { _id: 1 })
          .sort({ createdAt: 1, _id: 1 })
          .session(session)
          .lean<{ _id: string }[]>();
        const memberships = await Membership.find({ userId }, { conversationId: 1, active: 1 })
          .session(session)
          .lean<{ conversationId: string; active: boolean }[]>();
        const conversations = await Conversation.find(
          { _id: { $in: memberships.map((m) => m.conversationId) } },
          { kind: 1 },
        )
          .session(session)
          .lean<{ _id: string; kind: string }[]>();
        const kindOf = new Map(conversations.map((c) => [c._id, c.kind]));
        const groupIds = memberships
          .filter((m) => m.active && kindOf.get(m.conversationId) === 'group')
          .map((m) => m.conversationId)
          .sort();
        const directIds = memberships
          .filter((m) => kindOf.get(m.conversationId) === 'direct')
          .map((m) => m.conversationId);
        const peers = await Membership.find(
          { conversationId: { $in: directIds }, userId: { $ne: userId } },
          { conversationId: 1, userId: 1 },
        )
          .session(session)
          .lean<{ conversationId: string; userId: string }[]>();
        const directChats = peers
          .map((p) => ({ conversationId: p.conversationId, peerId: p.userId }))
          .sort((a, b) => a.conversationId.localeCompare(b.conversationId));

        const joinRequests = (
          await JoinRequest.find({ userId })
            .sort({ conversationId: 1 })
            .session(session)
            .lean<JoinRequestDoc[]>()
        ).map(toRequest);

        await Block.deleteMany({ userId }, { session });
        await Contact.deleteMany({ userId }, { session });
        await Invitation.deleteMany({ userId }, { session });
        await JoinRequest.deleteMany({ userId }, { session });
        await RequestDismissal.deleteMany({ userId }, { session });
        await AccountEntry.deleteMany({ userId }, { session });
        await AccountOp.deleteMany({ userId }, { session });
        // Its provider identity goes too: signing in through it again makes a new account.
        await SsoIdentity.deleteMany({ userId }, { session });
        await SsoCode.deleteMany({ userId }, { session });
        // Revoked devices are never pushed to (SQLite's trigger does this there).
        await PushSubscription.deleteMany({ userId }, { session });
        await AccountVersion.deleteOne({ _id: userId }, { session });
        await TwoStep.deleteOne({ _id: userId }, { session });
        await User.updateOne(
          { _id: userId },
          {
            $set: {
              deletedAt: at,
              disabledAt: user.disabledAt ?? at,
              displayName: '',
              passwordHash: '',
              role: 'member',
              photo: null,
              about: '',
            },
          },
          { session },
        );
        await Device.updateMany(
          { userId, revokedAt: null },
          { $set: { revokedAt: at } },
          { session },
        );
        const version = clockStamp();
        for (const { conversationId, peerId } of directChats) {
          await Block.updateOne(
            { userId, blockedUserId: peerId },
            { $setOnInsert: { createdAt: at } },
            { upsert: true, session },
          );
          await Membership.updateMany({ conversationId }, { $set: { version } }, { session });
        }
        return { deviceIds: devices.map((d) => d._id), groupIds, directChats, joinRequests };
      });
    },
  };
}
