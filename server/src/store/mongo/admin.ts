import type { UserRole } from '@chitchat/shared';
import type { ClientSession } from 'mongoose';
import type { AdminChange, AdminStore, InviteRecord } from '../types';
import { META_ACCOUNTS_ID, type InviteDoc } from './admin-schemas';
import { toUserRecord } from './records';
import type { MongoModels, UserDoc } from './schemas';
import type { Transact } from './transaction';

const toInviteRecord = (doc: InviteDoc): InviteRecord => ({
  code: doc._id,
  createdBy: doc.createdBy,
  createdAt: doc.createdAt,
  expiresAt: doc.expiresAt,
  maxUses: doc.maxUses,
  uses: doc.uses,
  revokedAt: doc.revokedAt,
});

/** What admins do to accounts, and invite codes, in MongoDB; mirrors ../sqlite/admin.ts. */
export function mongoAdminStore(models: MongoModels, transact: Transact): AdminStore {
  const { User, Invite, Meta } = models;

  /**
   * Runs a change to a user that must not leave the server without an admin who can act. Writing
   * the accounts document first makes two such changes conflict (one retries and counts again), so
   * two admins demoting each other at once cannot both succeed.
   */
  const guarded = (
    id: string,
    decide: (
      user: UserDoc,
      lastAdmin: () => Promise<boolean>,
      session: ClientSession,
    ) => Promise<AdminChange>,
  ) =>
    transact(async (session: ClientSession) => {
      await Meta.updateOne(
        { _id: META_ACCOUNTS_ID },
        { $inc: { counter: 1 } },
        { upsert: true, session },
      );
      // Deleted accounts are tombstones: no admin acts on them.
      const user = await User.findOne({ _id: id, deletedAt: null })
        .session(session)
        .lean<UserDoc>();
      if (user === null) return 'not_found';
      const lastAdmin = async () =>
        (user.role ?? 'member') === 'admin' &&
        (user.disabledAt ?? null) === null &&
        (await User.exists({ _id: { $ne: id }, role: 'admin', disabledAt: null }).session(
          session,
        )) === null;
      return decide(user, lastAdmin, session);
    });

  return {
    async listUsers() {
      const docs = await User.find({ deletedAt: null })
        .sort({ createdAt: 1, _id: 1 })
        .lean<UserDoc[]>();
      return docs.map(toUserRecord);
    },
    setUserRole(id, role: UserRole) {
      return guarded(id, async (user, lastAdmin, session) => {
        if ((user.role ?? 'member') === role) return 'unchanged';
        if (role === 'member' && (await lastAdmin())) return 'last_admin';
        await User.updateOne({ _id: id }, { $set: { role } }, { session });
        return 'changed';
      });
    },
    setUserDisabled(id, at) {
      return guarded(id, async (user, lastAdmin, session) => {
        if (((user.disabledAt ?? null) === null) === (at === null)) return 'unchanged';
        if (at !== null && (await lastAdmin())) return 'last_admin';
        await User.updateOne({ _id: id }, { $set: { disabledAt: at } }, { session });
        return 'changed';
      });
    },
    async setPasswordHash(id, passwordHash) {
      const result = await User.updateOne({ _id: id, deletedAt: null }, { $set: { passwordHash } });
      return result.matchedCount === 1;
    },
    async createInvite(invite) {
      const { code, ...rest } = invite;
      await Invite.create({ _id: code, ...rest });
    },
    async listInvites() {
      const docs = await Invite.find({ revokedAt: null })
        .sort({ createdAt: -1, _id: 1 })
        .lean<InviteDoc[]>();
      return docs.map(toInviteRecord);
    },
    async getInvite(code) {
      const doc = await Invite.findById(code).lean<InviteDoc>();
      return doc ? toInviteRecord(doc) : null;
    },
    async revokeInvite(code, at) {
      const result = await Invite.updateOne(
        { _id: code, revokedAt: null },
        { $set: { revokedAt: at } },
      );
      return result.matchedCount === 1;
    },
  };
}
