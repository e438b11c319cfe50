import type { SqlDatabase } from './sql';
import type { PlayedReceipt } from '@chitchat/shared';

/** One played mark of a voice note, as the local store keeps it. */
export interface PlayedRow {
  seq: number;
  user_id: string;
  played_at: number;
  /** This device's own mark, not acknowledged by the server yet. */
  pending: number;
}

/** A voice note whose played state may still change (asked again with `played:list`). */
export interface OpenNote {
  conversation_id: string;
  seq: number;
}

/** Open notes asked about per conversation and sync: the newest ones, one `played:list` each. */
export const OPEN_NOTES_PER_CONVERSATION = 200;

/**
 * Played marks of voice notes (issue #14, `receipt:played`): who played which note, first time
 * only. Marks come from the server (pushes and `played:list`) and from this device, whose own
 * mark is kept `pending` until the server answers, so playing a note offline or just before a
 * restart still reaches the sender. Keyed by the note's seq: a mark may arrive before its note.
 */
export class LocalPlayed {
  private readonly st: ReturnType<typeof playedStatements>;

  constructor(
    private readonly db: SqlDatabase,
    private readonly userId: string,
  ) {
    this.st = playedStatements(db);
  }

  /** Marks from the server; the first time wins, and an own pending mark becomes acknowledged. */
  record(marks: readonly PlayedReceipt[]): void {
    this.db.transaction(() => {
      for (const m of marks) this.st.record.run(m.conversationId, m.seq, m.userId, m.playedAt);
    })();
  }

  /** This person played the note here: true when that is news (no mark of theirs yet). */
  markMine(conversationId: string, seq: number, at: number): boolean {
    return this.st.mine.run(conversationId, seq, this.userId, at).changes > 0;
  }

  /** Forgets an own mark the server refused for good (the note was deleted, say). */
  drop(conversationId: string, seq: number): void {
    this.st.drop.run(conversationId, seq, this.userId);
  }

  /** Own marks still to send, oldest first. */
  pendingMine(): { conversation_id: string; seq: number }[] {
    return this.st.pending.all(this.userId);
  }

  /** Marks of the notes with seqs in [fromSeq, toSeq], by note, in the order they were played. */
  between(conversationId: string, fromSeq: number, toSeq: number): Map<number, PlayedRow[]> {
    const bySeq = new Map<number, PlayedRow[]>();
    for (const row of this.st.between.all(conversationId, fromSeq, toSeq)) {
      const list = bySeq.get(row.seq);
      if (list === undefined) bySeq.set(row.seq, [row]);
      else list.push(row);
    }
    return bySeq;
  }

  /**
   * Loaded voice notes (not deleted) whose marks may still change: own notes that not every other
   * member has played, and others' notes this person has not played. The newest of each chat.
   */
  openNotes(): OpenNote[] {
    return this.st.open.all({ me: this.userId, limit: OPEN_NOTES_PER_CONVERSATION });
  }

  /**
   * Forgets every mark (a restored server): its seqs may name other notes there, so even an own
   * mark not sent yet goes rather than land on the wrong note.
   */
  reset(): void {
    this.st.clear.run();
  }
}

function playedStatements(db: SqlDatabase) {
  return {
    record: db.prepare<[string, number, string, number]>(
      `INSERT INTO voice_played (conversation_id, seq, user_id, played_at, pending)
       VALUES (?, ?, ?, ?, 0)
       ON CONFLICT (conversation_id, seq, user_id) DO UPDATE
         SET played_at = excluded.played_at, pending = 0`,
    ),
    mine: db.prepare<[string, number, string, number]>(
      `INSERT INTO voice_played (conversation_id, seq, user_id, played_at, pending)
       VALUES (?, ?, ?, ?, 1) ON CONFLICT DO NOTHING`,
    ),
    pending: db.prepare<[string], { conversation_id: string; seq: number }>(
      `SELECT conversation_id, seq FROM voice_played WHERE pending = 1 AND user_id = ?
       ORDER BY played_at`,
    ),
    between: db.prepare<[string, number, number], PlayedRow>(
      `SELECT seq, user_id, played_at, pending FROM voice_played
       WHERE conversation_id = ? AND seq BETWEEN ? AND ? ORDER BY seq, played_at`,
    ),
    // The partial index events_voice holds only voice notes, so this reads no other message.
    open: db.prepare<{ me: string; limit: number }, OpenNote>(
      `SELECT conversation_id, seq FROM (
         SELECT e.conversation_id, e.seq,
                ROW_NUMBER() OVER (PARTITION BY e.conversation_id ORDER BY e.seq DESC) AS rank
         FROM events e JOIN conversations c ON c.id = e.conversation_id
         WHERE e.type = 'message' AND json_extract(e.payload, '$.voice') IS NOT NULL
           AND e.deleted_at IS NULL
           AND CASE WHEN e.sender_user_id = @me
             THEN (SELECT COUNT(*) FROM voice_played p WHERE p.conversation_id = e.conversation_id
                     AND p.seq = e.seq AND p.user_id != @me) < MAX(c.member_count - 1, 1)
             ELSE NOT EXISTS (SELECT 1 FROM voice_played p WHERE p.conversation_id = e.conversation_id
                     AND p.seq = e.seq AND p.user_id = @me AND p.pending = 0)
           END
       ) WHERE rank <= @limit ORDER BY conversation_id, seq`,
    ),
    drop: db.prepare<[string, number, string]>(
      'DELETE FROM voice_played WHERE conversation_id = ? AND seq = ? AND user_id = ? AND pending = 1',
    ),
    clear: db.prepare('DELETE FROM voice_played'),
  };
}
