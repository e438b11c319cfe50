import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isDuplicateKeyError } from './records';

/*
 * One replica at a time runs the MongoDB migrations (issue #18). Replicas of a rolling upgrade
 * start together; migrations cannot run inside a transaction (collections and index builds), and
 * some read and rewrite documents (the mute move), so two running the same one at once would
 * do its work twice. The lock is one document, `{ _id: 'migrations', owner, expiresAt }`, in its
 * own collection: taken by inserting it (the unique _id lets one insert win) or by taking over one
 * whose holder stopped renewing it (a crash), renewed while held, and removed when done. A starter
 * that finds it held waits, then reads the schema version again: the migrations are done.
 */

export const MIGRATION_LOCK_COLLECTION = 'migration_lock';
const LOCK_ID = 'migrations';

export type MigrationLockDoc = {
  _id: string;
  /** Who holds it: host, process and a random part (`describe()` in the waiting message). */
  owner: string;
  /** Held until then unless renewed: a holder that crashed frees it by this time. */
  expiresAt: number;
  takenAt: number;
};

/** What the lock needs of a collection: the MongoDB driver's, or test/memory-db.ts's. */
export interface LockCollection {
  insertOne(doc: MigrationLockDoc): Promise<unknown>;
  updateOne(
    filter: Record<string, unknown>,
    update: { $set: Partial<MigrationLockDoc> },
  ): Promise<{ matchedCount: number }>;
  deleteOne(filter: Record<string, unknown>): Promise<unknown>;
  findOne(filter: Record<string, unknown>): Promise<unknown>;
}

export interface MigrationLockOptions {
  /** How long a holder keeps it without renewing (renewed every third of it). Default 60 s. */
  ttlMs?: number;
  /** How often a waiting starter looks again. Default 1 s. */
  pollMs?: number;
  /** How long a starter waits before giving up. Default 15 min (index builds on big logs). */
  waitMs?: number;
  owner?: string;
  now?: () => number;
  /** Told each time a starter finds the lock held by `owner` (for the log). */
  onWait?: (owner: string) => void;
}

export class MigrationLockTimeout extends Error {
  override name = 'MigrationLockTimeout';
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const ownerOf = (doc: unknown): string =>
  typeof doc === 'object' && doc !== null && 'owner' in doc && typeof doc.owner === 'string'
    ? doc.owner
    : 'another server';

/**
 * Runs `work` holding the migration lock of `collection`; waits while another starter holds it.
 * Renews the lock while `work` runs, and removes it afterwards (also when `work` throws).
 */
export async function withMigrationLock<T>(
  collection: LockCollection,
  work: () => Promise<T>,
  options: MigrationLockOptions = {},
): Promise<T> {
  const ttlMs = options.ttlMs ?? 60_000;
  const pollMs = options.pollMs ?? 1_000;
  const waitMs = options.waitMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const gaveUpAt = now() + waitMs;

  const take = async (): Promise<boolean> => {
    const at = now();
    try {
      await collection.insertOne({ _id: LOCK_ID, owner, expiresAt: at + ttlMs, takenAt: at });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    // Held, or left by a holder that stopped renewing it: only an expired one is taken over, and
    // of two starters doing so at once the update matches for one only.
    const taken = await collection.updateOne(
      { _id: LOCK_ID, expiresAt: { $lt: at } },
      { $set: { owner, expiresAt: at + ttlMs, takenAt: at } },
    );
    return taken.matchedCount === 1;
  };

  while (!(await take())) {
    const holder = ownerOf(await collection.findOne({ _id: LOCK_ID }));
    if (now() >= gaveUpAt) {
      throw new MigrationLockTimeout(
        `The MongoDB migrations are locked by ${holder} for over ${Math.round(waitMs / 1000)} s. If no server is migrating, remove the lock: db.${MIGRATION_LOCK_COLLECTION}.deleteOne({ _id: '${LOCK_ID}' }).`,
      );
    }
    options.onWait?.(holder);
    await delay(pollMs);
  }

  let lost = false;
  const renew = async () => {
    const kept = await collection.updateOne(
      { _id: LOCK_ID, owner },
      { $set: { expiresAt: now() + ttlMs } },
    );
    if (kept.matchedCount === 0) lost = true;
  };
  let renewing = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(renew).catch(() => undefined);
  }, ttlMs / 3);
  try {
    const result = await work();
    await renewing;
    if (lost) {
      // Another starter took it over (this one stalled past the expiry): the migrations are
      // idempotent and recorded by compare-and-set, so the data is whole, but say so.
      throw new MigrationLockTimeout(
        'This server lost the migration lock while migrating (it stalled for longer than the lock lasts); restart it.',
      );
    }
    return result;
  } finally {
    clearInterval(timer);
    await renewing;
    await collection.deleteOne({ _id: LOCK_ID, owner });
  }
}
