import { randomUUID } from 'node:crypto';
import { MUTE_ALWAYS } from '@chitchat/shared';
import { isDuplicateKeyError } from './records';
import {
  MIGRATION_LOCK_COLLECTION,
  withMigrationLock,
  type LockCollection,
  type MigrationLockDoc,
  type MigrationLockOptions,
} from './migration-lock';
import { META_ACCOUNTS_ID } from './admin-schemas';
import { META_CHANGE_COUNTER_ID, META_STORE_ID, type MetaDoc, type MongoModels } from './schemas';

/** What a migration needs of a model to lay out its collection. */
interface Collection {
  createCollection(): Promise<unknown>;
  createIndexes(): Promise<unknown>;
}

export interface MongoMigration {
  description: string;
  /** Must be idempotent: MongoDB cannot create collections or indexes inside a transaction. */
  up(models: MongoModels): Promise<void>;
}

/**
 * Numbered migrations; index + 1 is the schema version kept in the `store` meta document. Never
 * edit one that shipped: add the next. Each keeps every id and seq (DESIGN §9).
 */
export const mongoMigrations: readonly MongoMigration[] = [
  {
    description: 'collections with their indexes, and the change counter',
    async up(models) {
      const { User, Block, Device, Conversation, Membership, Event, Meta } = models;
      const all: Collection[] = [User, Block, Device, Conversation, Membership, Event, Meta];
      for (const model of all) {
        await model.createCollection();
        await model.createIndexes();
      }
      await models.Meta.updateOne(
        { _id: META_CHANGE_COUNTER_ID },
        { $setOnInsert: { counter: 0 } },
        { upsert: true },
      );
    },
  },
  {
    // Media in scaled mode (media/mongo-index.ts): downloads are authorized by the messages that
    // attach a media id. A new database already has the index from migration 1 (which creates every
    // index the schema declares); this adds it to one created before.
    description: 'index messages by the media ids they attach (event_attachments)',
    async up(models) {
      await models.Event.createIndexes();
    },
  },
  {
    // DESIGN §3 "Relationships". Existing direct chats count as accepted: both people become each
    // other's contacts. Users keep no groupAdds field until they set one (read as 'everyone').
    description: 'contacts (backfilled from direct chats), deleted requests, group invitations',
    async up(models) {
      const { Contact, RequestDismissal, Invitation, Conversation, Membership } = models;
      for (const model of [Contact, RequestDismissal, Invitation]) {
        await model.createCollection();
        await model.createIndexes();
      }
      const directs = Conversation.find({ kind: 'direct' }, { _id: 1, createdAt: 1 })
        .lean<{ _id: string; createdAt: number }[]>()
        .cursor();
      for await (const chat of directs) {
        const members = await Membership.find({ conversationId: chat._id }, { userId: 1 }).lean<
          { userId: string }[]
        >();
        for (const mine of members) {
          for (const other of members) {
            if (mine.userId === other.userId) continue;
            // An upsert, so a migration interrupted and run again adds nothing twice.
            await Contact.updateOne(
              { userId: mine.userId, contactId: other.userId },
              { $setOnInsert: { createdAt: chat.createdAt } },
              { upsert: true },
            );
          }
        }
      }
    },
  },
  {
    // Link previews: a message references its preview image as it does its attachments
    // (media/mongo-index.ts), found by this index. Idempotent like migration 2.
    description: 'index messages by their link preview image (event_preview_images)',
    async up(models) {
      await models.Event.createIndexes();
    },
  },
  {
    // DESIGN §3 "Account state" (SQLite migration 008).
    description: 'account state: versions, entries (by key and by version), applied opIds',
    async up(models) {
      for (const model of [models.AccountVersion, models.AccountEntry, models.AccountOp]) {
        await model.createCollection();
        await model.createIndexes();
      }
    },
  },
  {
    // Admins and registration (SQLite migration 010): invites, and the oldest account becomes
    // admin so a server that ran before keeps someone who can make invites. Idempotent: it only
    // sets an admin when there is none.
    description: 'invites; roles (the oldest account admin); the accounts serialization document',
    async up(models) {
      const { Invite, User, Meta } = models;
      await Invite.createCollection();
      await Invite.createIndexes();
      await Meta.updateOne(
        { _id: META_ACCOUNTS_ID },
        { $setOnInsert: { counter: 0 } },
        { upsert: true },
      );
      if ((await User.exists({ role: 'admin' })) !== null) return;
      const oldest = await User.findOne({}, { _id: 1 })
        .sort({ createdAt: 1, _id: 1 })
        .lean<{ _id: string }>();
      if (oldest !== null) await User.updateOne({ _id: oldest._id }, { $set: { role: 'admin' } });
    },
  },
  {
    // Voice notes' played marks (SQLite migration 011).
    description: 'voice plays: one played mark per listener and note (voice_play)',
    async up(models) {
      await models.VoicePlay.createCollection();
      await models.VoicePlay.createIndexes();
    },
  },
  {
    // Mute moves into the account state (SQLite migration 012): each muted membership becomes the
    // entry mute:<conversationId> = "always" at its user's next version. Idempotent: a key already
    // there is left alone. The memberships' muted field stays as a mirror that bumps the
    // membership version when a mute starts or ends (apps without the account state see that).
    description: 'mute moves into the account state: muted memberships become mute:<id> entries',
    async up(models) {
      const { Membership, AccountEntry, AccountVersion } = models;
      const muted = Membership.find({ muted: true }, { conversationId: 1, userId: 1 })
        .sort({ userId: 1, conversationId: 1 })
        .lean<{ conversationId: string; userId: string }[]>()
        .cursor();
      const at = Date.now();
      for await (const membership of muted) {
        const { userId } = membership;
        const key = `mute:${membership.conversationId}`;
        if ((await AccountEntry.exists({ userId, key })) !== null) continue;
        const held = await AccountVersion.findOneAndUpdate(
          { _id: userId },
          { $inc: { version: 1 } },
          { upsert: true, new: true },
        ).lean<{ version: number }>();
        await AccountEntry.updateOne(
          { userId, key },
          {
            $setOnInsert: {
              value: JSON.stringify(MUTE_ALWAYS),
              version: held?.version ?? 1,
              updatedAt: at,
            },
          },
          { upsert: true },
        );
      }
    },
  },
  {
    // Two-step sign-in (SQLite migration 013): keyed by user id, so no index beyond _id.
    description: 'two-step sign-in: secrets and hashed recovery codes (two_step)',
    async up(models) {
      await models.TwoStep.createCollection();
    },
  },
  {
    // Single sign-on (SQLite migration 015): the unique identity index is what keeps one account
    // per (issuer, subject); the codes expire by a TTL index.
    description: 'single sign-on: identities, one-time codes, device sign-ins (sso_*)',
    async up(models) {
      await models.SsoIdentity.createCollection();
      await models.SsoIdentity.createIndexes();
      await models.SsoCode.createCollection();
      await models.SsoCode.createIndexes();
      await models.SsoDeviceSignIn.createCollection();
    },
  },
  {
    // Profiles (SQLite migration 016): the fields are read as absent until set; this adds the
    // users_by_photo index (idempotent, as migration 2).
    description: 'profiles: index users by their current photo (users_by_photo)',
    async up(models) {
      await models.User.createIndexes();
    },
  },
  {
    // Web Push (SQLite migration 018): one subscription per device, found by user.
    description: 'web push: one subscription per device (push_subscriptions)',
    async up(models) {
      await models.PushSubscription.createCollection();
      await models.PushSubscription.createIndexes();
    },
  },
  {
    // Invite links and join requests of groups (SQLite migration 019).
    description: 'group invite links and join requests (invite_links, join_requests)',
    async up(models) {
      for (const model of [models.InviteLink, models.JoinRequest]) {
        await model.createCollection();
        await model.createIndexes();
      }
    },
  },
];

/** Upsert that tolerates a concurrent twin (two server processes starting at once). */
async function upsertOnce(run: () => Promise<MetaDoc | null>): Promise<MetaDoc | null> {
  try {
    return await run();
  } catch (error) {
    if (isDuplicateKeyError(error)) return run();
    throw error;
  }
}

/** What running the pending migrations needs; `migrate` wires it to the store's `meta` document. */
export interface PendingMigrations {
  /** The schema version recorded now (read again once the lock is held). */
  readVersion(): Promise<number>;
  /** Records that the migration at index `from` ran: version `from` becomes `from + 1`. */
  recordVersion(from: number): Promise<void>;
  /** The migrations' `up`, in order; index + 1 is the version each leads to. */
  steps: readonly (() => Promise<void>)[];
  lock: LockCollection;
  lockOptions?: MigrationLockOptions;
}

/**
 * Runs the migrations above the recorded version, holding the migration lock (./migration-lock.ts)
 * so that of replicas starting together one migrates while the others wait; a waiting one reads
 * the version again once it holds the lock, finds the work done, and runs nothing. Without
 * pending migrations it takes no lock at all (every ordinary start).
 */
export async function runPendingMigrations(pending: PendingMigrations): Promise<void> {
  if ((await pending.readVersion()) >= pending.steps.length) return;
  await withMigrationLock(
    pending.lock,
    async () => {
      for (let version = await pending.readVersion(); version < pending.steps.length; version++) {
        const step = pending.steps[version];
        if (step !== undefined) await step();
        await pending.recordVersion(version);
      }
    },
    pending.lockOptions,
  );
}

/**
 * Creates the store's identity on first start (a random store epoch, schema version 0), refuses a
 * database written by a newer server, then runs the pending migrations in order, one replica at a
 * time (runPendingMigrations). Returns the store epoch.
 */
export async function migrate(
  models: MongoModels,
  migrations: readonly MongoMigration[] = mongoMigrations,
  lockOptions: MigrationLockOptions = {},
): Promise<string> {
  const { Meta } = models;
  await Meta.createCollection();
  const store = await upsertOnce(() =>
    Meta.findOneAndUpdate(
      { _id: META_STORE_ID },
      { $setOnInsert: { epoch: randomUUID(), schemaVersion: 0 } },
      { upsert: true, new: true },
    ).lean<MetaDoc>(),
  );
  if (store?.epoch === undefined || store.schemaVersion === undefined) {
    throw new Error('The meta document of this database is damaged: it has no store epoch.');
  }
  if (store.schemaVersion > migrations.length) {
    throw new Error(
      `The database schema (version ${store.schemaVersion}) is newer than this server (version ${migrations.length}); upgrade the server.`,
    );
  }
  const db = Meta.db.db;
  if (db === undefined) throw new Error('The MongoDB connection is not open.');
  await runPendingMigrations({
    async readVersion() {
      const doc = await Meta.findById(META_STORE_ID).lean<MetaDoc>();
      return doc?.schemaVersion ?? 0;
    },
    async recordVersion(version) {
      // Compare-and-set: a process that held the lock before this one may have recorded it.
      await Meta.updateOne(
        { _id: META_STORE_ID, schemaVersion: version },
        { $set: { schemaVersion: version + 1 } },
      );
    },
    steps: migrations.map((migration) => () => migration.up(models)),
    lock: db.collection<MigrationLockDoc>(MIGRATION_LOCK_COLLECTION),
    lockOptions,
  });
  return store.epoch;
}
