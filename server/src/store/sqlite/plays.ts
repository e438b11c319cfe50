import type { SqliteDatabase } from './database';
import type { PlayRecord, PlayStore } from '../types';

interface PlayRow {
  seq: number;
  user_id: string;
  played_at: number;
}

/** Voice notes' played marks in SQLite (migration 011); mirrors ../mongo/plays.ts. */
export function sqlitePlayStore(db: SqliteDatabase): PlayStore {
  const st = {
    // A repeat inserts nothing; the first play's time stays.
    insert: db.prepare(
      `INSERT INTO voice_plays (conversation_id, seq, user_id, played_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (conversation_id, seq, user_id) DO NOTHING`,
    ),
    get: db.prepare<[string, number, string], { played_at: number }>(
      'SELECT played_at FROM voice_plays WHERE conversation_id = ? AND seq = ? AND user_id = ?',
    ),
  };
  return {
    async markPlayed(conversationId, seq, userId, at) {
      const created = st.insert.run(conversationId, seq, userId, at).changes > 0;
      const playedAt = st.get.get(conversationId, seq, userId)?.played_at ?? at;
      return { playedAt, created };
    },
    async playsOf(conversationId, seqs) {
      if (seqs.length === 0) return [];
      const marks = seqs.map(() => '?').join(', ');
      const rows = db
        .prepare<unknown[], PlayRow>(
          `SELECT seq, user_id, played_at FROM voice_plays
           WHERE conversation_id = ? AND seq IN (${marks}) ORDER BY seq, played_at, user_id`,
        )
        .all(conversationId, ...seqs);
      return rows.map((row): PlayRecord => ({
        conversationId,
        seq: row.seq,
        userId: row.user_id,
        playedAt: row.played_at,
      }));
    },
  };
}
