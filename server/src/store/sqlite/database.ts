import type BetterSqlite3 from 'better-sqlite3';
import { Database } from './driver';
import { randomUUID } from 'node:crypto';
import { migrations } from './migrations/index';

export type SqliteDatabase = BetterSqlite3.Database;

/** A write refused by a UNIQUE or PRIMARY KEY constraint. */
export function isUniqueError(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}

/**
 * Opens (creating when missing) the SQLite file in WAL mode and brings its schema up to date: each
 * pending migration runs in its own transaction, so a crash mid-way leaves the previous version.
 */
export function openDatabase(file: string): SqliteDatabase {
  const db = new Database(file);
  // First, so that a second process opening the same new file waits instead of failing.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  // An ack follows the fsync of its commit (DESIGN §6.1): in WAL mode NORMAL syncs only at
  // checkpoints, so a power cut could roll back acknowledged messages. FULL syncs the log at every
  // commit; the group commit (conversations.ts) shares that fsync among the messages of a turn.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

function migrate(db: SqliteDatabase): void {
  // The version is read inside each write transaction: several processes starting together on
  // one file apply every migration exactly once, whoever gets there first.
  const step = db.transaction((): boolean => {
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > migrations.length) {
      throw new Error(
        `The database schema (version ${version}) is newer than this server (version ${migrations.length}); upgrade the server.`,
      );
    }
    const sql = migrations[version];
    if (sql === undefined) return false;
    db.exec(sql);
    if (version === 0) {
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('store_epoch', randomUUID());
    }
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (step.immediate()) {
    // one migration per transaction, so a crash mid-way leaves the previous version
  }
}
