import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Store } from '../types';
import { sqliteAccountStore } from './accounts';
import { sqliteConversationStore } from './conversations';
import { openDatabase } from './database';

export const SQLITE_FILE_NAME = 'chitchat.db';

/** The embedded store: one SQLite file (WAL) under `dataDir`. */
export function openSqliteStore(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(path.join(dataDir, SQLITE_FILE_NAME));
  const epochRow = db
    .prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'store_epoch'")
    .get();
  if (!epochRow)
    throw new Error('The database has no store epoch; it was not created by chitchat.');
  const epoch = epochRow.value;
  return {
    ...sqliteAccountStore(db),
    ...sqliteConversationStore(db),
    storeEpoch: () => epoch,
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
