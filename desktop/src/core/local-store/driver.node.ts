import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import { loadSqliteDriver } from '@chitchat/shared';
import type { SqlDatabase, SqlDriver } from './sql';

/** better-sqlite3's constructor, in the build this runtime (Node or Electron) can run. */
export const Database = loadSqliteDriver(createRequire(import.meta.url), process.versions, (m) =>
  process.emitWarning(m),
) as typeof BetterSqlite3;

/**
 * The Node host's SQLite: better-sqlite3 on a file. Its connection is the `SqlDatabase` itself
 * (the interface is its shape), so the desktop engine runs exactly as before the interface.
 */
export const nodeSqlDriver: SqlDriver = {
  name: 'better-sqlite3',
  persistent: true,
  openDatabase(file: string): SqlDatabase {
    const db: SqlDatabase = new Database(file);
    // WAL lets readers (the renderer's views) run beside the sync engine's writes on a file.
    db.pragma('journal_mode = WAL');
    return db;
  },
};
