import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { migrations } from './migrations/index';

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating when missing) the SQLite file in WAL mode and brings its schema up to date: each
 * pending migration runs in its own transaction, so a crash mid-way leaves the previous version.
 */
export function openDatabase(file: string): SqliteDatabase {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: SqliteDatabase): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > migrations.length) {
    throw new Error(
      `The database schema (version ${current}) is newer than this server (version ${migrations.length}); upgrade the server.`,
    );
  }
  for (let version = current; version < migrations.length; version++) {
    const sql = migrations[version];
    if (sql === undefined) continue;
    db.transaction(() => {
      db.exec(sql);
      if (version === 0) {
        db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('store_epoch', randomUUID());
      }
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
