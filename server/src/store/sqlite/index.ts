import { randomUUID } from 'node:crypto';
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
import type { PendingCommits } from './group-commit';
import { openDatabase } from './database';
import { sqlitePlayStore } from './plays';
import { sqliteProfileStore } from './profiles';
import { sqliteRelationshipStore } from './relationships';
import { sqliteTwoStepStore } from './two-step';
import { sqliteSsoStore } from './sso';
import { sqlitePushStore } from './push';
import { sqliteGroupLinkStore } from './group-links';
import { sqliteAccountDeletionStore } from './deletion';

export const SQLITE_FILE_NAME = 'chitchat.db';

export interface SqliteStore extends Store {
  /** What the store's own connection runs with (durability is checked on it, not on another). */
  connectionSettings: () => { journalMode: string; synchronous: number };
  /** How many group commits (./group-commit.ts: messages, receipts, device stamps) have committed. */
  groupCommits: () => number;
  /** The background WAL checkpoints of this store's connection. */
  checkpoints: {
    stats: () => CheckpointStats;
    nextCheckpoint: () => Promise<CheckpointReport>;
  };
}

/** The embedded store: one SQLite file (WAL) under `dataDir`. */
export function openSqliteStore(
  dataDir: string,
  options: { checkpoints?: CheckpointOptions } = {},
): SqliteStore {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, SQLITE_FILE_NAME);
  const db = openDatabase(file);
  const checkpoints = backgroundCheckpoints(db, file, options.checkpoints);
  const epochRow = db
    .prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'store_epoch'")
    .get();
  if (!epochRow)
    throw new Error('The database has no store epoch; it was not created by chitchat.');
  let epoch = epochRow.value;
  let groupCommits = 0;
  // Group commits that gather over time hold writes until their timer: committed before closing.
  const pending: PendingCommits = new Set();
  const afterCommit = () => {
    groupCommits++;
    checkpoints.afterCommit();
  };
  return {
    ...sqliteAccountStore(db, { afterCommit }),
    ...sqliteAdminStore(db),
    ...sqliteConversationStore(db, { afterCommit, pending }),
    ...sqliteRelationshipStore(db),
    ...sqliteAccountStateStore(db),
    ...sqlitePlayStore(db),
    ...sqliteTwoStepStore(db),
    ...sqliteSsoStore(db),
    ...sqliteProfileStore(db),
    ...sqlitePushStore(db),
    ...sqliteGroupLinkStore(db),
    ...sqliteAccountDeletionStore(db),
    checkpoints: { stats: checkpoints.stats, nextCheckpoint: checkpoints.nextCheckpoint },
    groupCommits: () => groupCommits,
    connectionSettings: () => ({
      journalMode: String(db.pragma('journal_mode', { simple: true })),
      synchronous: Number(db.pragma('synchronous', { simple: true })),
    }),
    storeEpoch: () => epoch,
    async rotateStoreEpoch() {
      const next = randomUUID();
      db.prepare("UPDATE meta SET value = ? WHERE key = 'store_epoch'").run(next);
      epoch = next;
      return next;
    },
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      for (const commit of [...pending]) if (db.open) commit();
      await checkpoints.close();
      if (db.open) db.close();
    },
  };
}
