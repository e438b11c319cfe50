import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Store } from '../types';
import { sqliteAccountStore } from './accounts';
import { sqliteAdminStore } from './admin';
import { sqliteAccountStateStore } from './account-state';
import { sqliteConversationStore } from './conversations';
import {
  backgroundCheckpoints,
  type CheckpointOptions,
  type CheckpointStats,
  type CheckpointReport,
} from './checkpointer';
import { commitQueue, type CommitStats } from './commit-queue';
import type { CommitThreadFault } from './commit-thread';
import { openDatabase } from './database';
import { sqlitePlayStore } from './plays';
import { sqliteRelationshipStore } from './relationships';
import { sqliteTwoStepStore } from './two-step';

export const SQLITE_FILE_NAME = 'chitchat.db';

export interface SqliteStore extends Store {
  /** What the store's own connection (reads and the rarer writes) runs with. */
  connectionSettings: () => { journalMode: string; synchronous: number };
  /**
   * What the commit thread's connection runs with: messages, receipts and device stamps commit
   * there (./commit-queue.ts), so their acks' durability is checked on it.
   */
  commitSettings: () => Promise<{ journalMode: string; synchronous: number }>;
  /** How many group commits (messages, receipts, device stamps) have committed. */
  groupCommits: () => number;
  /** The commit thread's state. */
  commits: { stats: () => CommitStats };
  /** The background WAL checkpoints of this store's connection. */
  checkpoints: {
    stats: () => CheckpointStats;
    nextCheckpoint: () => Promise<CheckpointReport>;
  };
}

/** The embedded store: one SQLite file (WAL) under `dataDir`. */
export interface SqliteStoreOptions {
  checkpoints?: CheckpointOptions;
  /** Told when batched writes fail for good (the commit thread cannot be started again). */
  onCommitFailure?: (message: string) => void;
  /** Tests only: the commit thread dies at a chosen point. */
  commitFault?: CommitThreadFault & { everyThread?: boolean };
}

export function openSqliteStore(dataDir: string, options: SqliteStoreOptions = {}): SqliteStore {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, SQLITE_FILE_NAME);
  const db = openDatabase(file);
  const commits = commitQueue(file, {
    afterCommit: () => checkpoints.afterCommit(),
    ...(options.onCommitFailure !== undefined ? { onFailure: options.onCommitFailure } : {}),
    ...(options.commitFault !== undefined ? { fault: options.commitFault } : {}),
  });
  // The checkpoint thread sets the automatic checkpoint of both committing connections.
  const checkpoints = backgroundCheckpoints(db, file, options.checkpoints, (pragma) =>
    commits.pragma(pragma),
  );
  const epochRow = db
    .prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'store_epoch'")
    .get();
  if (!epochRow)
    throw new Error('The database has no store epoch; it was not created by chitchat.');
  const epoch = epochRow.value;
  return {
    ...sqliteAccountStore(db, commits),
    ...sqliteAdminStore(db),
    ...sqliteConversationStore(db, commits),
    ...sqliteRelationshipStore(db),
    ...sqliteAccountStateStore(db),
    ...sqlitePlayStore(db),
    ...sqliteTwoStepStore(db),
    checkpoints: { stats: checkpoints.stats, nextCheckpoint: checkpoints.nextCheckpoint },
    groupCommits: () => commits.stats().batches,
    commits: { stats: () => commits.stats() },
    commitSettings: () => commits.settings(),
    connectionSettings: () => ({
      journalMode: String(db.pragma('journal_mode', { simple: true })),
      synchronous: Number(db.pragma('synchronous', { simple: true })),
    }),
    storeEpoch: () => epoch,
    async ping() {
      const failure = commits.stats().failure;
      if (failure !== null) throw new Error(failure);
      db.prepare('SELECT 1').get();
    },
    async close() {
      await commits.close();
      await checkpoints.close();
      if (db.open) db.close();
    },
  };
}
