import type { SqliteDatabase } from './database';

/**
 * Version stamps in SQLite (../versions.ts). SQLite has one writer at a time, so a stamp taken
 * inside a write transaction (BEGIN IMMEDIATE: it sees every commit) as one above the highest stamp
 * on any row commits in stamp order: the cursor, the highest stamp a reader sees, is exact. No row
 * is shared: the highest stamp is read from the indexes of migration 009, not kept in a counter.
 */
export function sqliteVersions(db: SqliteDatabase) {
  const highest = db.prepare<[], { v: number }>(
    `SELECT MAX(COALESCE((SELECT MAX(version) FROM conversations), 0),
                COALESCE((SELECT MAX(version) FROM memberships), 0)) AS v`,
  );
  const highestStamp = () => highest.get()?.v ?? 0;
  return {
    /**
     * Inside a write transaction: a stamp above every committed one (and not below the clock, so a
     * stamp is never reused even if the rows holding the highest ones went away).
     */
    next: (): number => Math.max(Date.now(), highestStamp() + 1),
    /** The cursor: the highest stamp committed (one statement, one snapshot). */
    cursor: highestStamp,
  };
}
