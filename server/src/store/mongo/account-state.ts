import { StoreRefusal, type AccountEntryRecord, type AccountStateStore } from '../types';
import type { AccountEntryDoc, AccountVersionDoc } from './account-state-schemas';
import type { MongoModels } from './schemas';
import type { Transact } from './transaction';

const toEntry = (doc: AccountEntryDoc): AccountEntryRecord => ({
  key: doc.key,
  value: doc.value,
  version: doc.version,
  updatedAt: doc.updatedAt,
});

/** The account state in MongoDB; mirrors ../sqlite/account-state.ts. */
export function mongoAccountStateStore(models: MongoModels, transact: Transact): AccountStateStore {
  const { AccountVersion, AccountEntry, AccountOp } = models;
  type Session = Parameters<Parameters<Transact>[0]>[0];

  const versionOf = async (userId: string, session: Session | null) =>
    (
      await AccountVersion.findById(userId, { version: 1 })
        .session(session)
        .lean<AccountVersionDoc>()
    )?.version ?? 0;

  return {
    async writeAccountState(userId, changes, options) {
      return transact(async (session) => {
        if (options.opId !== undefined) {
          const first = await AccountOp.findOne({ userId, opId: options.opId }, { version: 1 })
            .session(session)
            .lean<{ version: number }>();
          if (first !== null) return { version: first.version, entries: [] };
        }
        // A write to the version document first: concurrent writes of one user conflict here and
        // are retried by the transaction, instead of both taking the same versions.
        const locked = await AccountVersion.findOneAndUpdate(
          { _id: userId },
          { $inc: { version: 0 } },
          { upsert: true, new: true, session },
        ).lean<AccountVersionDoc>();
        let version = locked?.version ?? 0;
        const keys = changes.map((c) => c.key);
        const current = new Map(
          (
            await AccountEntry.find({ userId, key: { $in: keys } }, { key: 1, value: 1 })
              .session(session)
              .lean<{ key: string; value: string | null }[]>()
          ).map((doc) => [doc.key, doc.value]),
        );
        const entries: AccountEntryRecord[] = [];
        let added = false;
        for (const change of changes) {
          const before = current.get(change.key) ?? null;
          if (before === change.value) continue;
          if (before === null) added = true;
          version += 1;
          await AccountEntry.updateOne(
            { userId, key: change.key },
            { $set: { value: change.value, version, updatedAt: options.at } },
            { upsert: true, session },
          );
          entries.push({ key: change.key, value: change.value, version, updatedAt: options.at });
        }
        // Counted only when something was added: a full account can still remove entries.
        if (
          added &&
          (await AccountEntry.countDocuments({ userId, value: { $type: 'string' } }).session(
            session,
          )) > options.maxEntries
        )
          throw new StoreRefusal('account_full');
        if (entries.length > 0)
          await AccountVersion.updateOne({ _id: userId }, { $set: { version } }, { session });
        if (options.opId !== undefined)
          await AccountOp.create([{ userId, opId: options.opId, version }], { session });
        return { version, entries };
      });
    },
    async accountStateSince(userId, since, limit) {
      // One snapshot: the version and the entries up to it, so nothing newer slips in between.
      return transact(async (session) => {
        const version = await versionOf(userId, session);
        const filter = {
          userId,
          version: { $gt: since, $lte: version },
          ...(since === 0 ? { value: { $type: 'string' } } : {}),
        };
        const docs = await AccountEntry.find(filter)
          .sort({ version: 1 })
          .limit(limit)
          .session(session)
          .lean<AccountEntryDoc[]>();
        return { version, entries: docs.map(toEntry) };
      });
    },
    async accountOpVersion(userId, opId) {
      const doc = await AccountOp.findOne({ userId, opId }, { version: 1 }).lean<{
        version: number;
      }>();
      return doc?.version ?? null;
    },
    async accountValues(userId, keys) {
      const docs = await AccountEntry.find(
        { userId, key: { $in: [...keys] }, value: { $type: 'string' } },
        { key: 1, value: 1 },
      ).lean<{ key: string; value: string }[]>();
      return new Map(docs.map((doc) => [doc.key, doc.value]));
    },
  };
}
