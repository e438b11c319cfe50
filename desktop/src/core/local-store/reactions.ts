import type { SqlDatabase } from './sql';

/** One person's current reaction to one message, as the local store folded it from the log. */
export interface ReactionRow {
  target_seq: number;
  user_id: string;
  emoji: string;
}

/**
 * Reactions folded from the log (issue #14): per (message, person) the reaction event with the
 * highest seq wins, whatever order pages arrive in, and a removal (emoji null) stays as a row so
 * an older reaction loaded later cannot bring it back. Rows are keyed by the target's seq, so a
 * reaction that arrives before its message (pages load in any order) waits here until the message
 * is loaded: it is kept for later by construction. Whether the message was deleted is decided when
 * it is shown (a deleted message shows no reactions).
 */
export class LocalReactions {
  private readonly st: ReturnType<typeof reactionStatements>;

  constructor(db: SqlDatabase) {
    this.st = reactionStatements(db);
  }

  /** Records a reaction event (or the answer to this device's own `message:react`). */
  apply(reaction: {
    conversationId: string;
    targetSeq: number;
    userId: string;
    emoji: string | null;
    seq: number;
    at: number;
  }): void {
    this.st.upsert.run(reaction);
  }

  /** Current reactions to the messages with seqs in [fromSeq, toSeq], by target. */
  between(conversationId: string, fromSeq: number, toSeq: number): Map<number, ReactionRow[]> {
    const byTarget = new Map<number, ReactionRow[]>();
    for (const row of this.st.between.all(conversationId, fromSeq, toSeq)) {
      const list = byTarget.get(row.target_seq);
      if (list === undefined) byTarget.set(row.target_seq, [row]);
      else list.push(row);
    }
    return byTarget;
  }

  /** Forgets every reaction (the server was restored: its log is loaded again). */
  reset(): void {
    this.st.clear.run();
  }
}

function reactionStatements(db: SqlDatabase) {
  return {
    upsert: db.prepare<{
      conversationId: string;
      targetSeq: number;
      userId: string;
      emoji: string | null;
      seq: number;
      at: number;
    }>(
      `INSERT INTO reactions (conversation_id, target_seq, user_id, emoji, seq, created_at)
       VALUES (@conversationId, @targetSeq, @userId, @emoji, @seq, @at)
       ON CONFLICT (conversation_id, target_seq, user_id) DO UPDATE
         SET emoji = excluded.emoji, seq = excluded.seq, created_at = excluded.created_at
         WHERE excluded.seq > reactions.seq`,
    ),
    // Oldest first, so chips keep the order in which their emoji first appeared.
    between: db.prepare<[string, number, number], ReactionRow>(
      `SELECT target_seq, user_id, emoji FROM reactions
       WHERE conversation_id = ? AND target_seq BETWEEN ? AND ? AND emoji IS NOT NULL
       ORDER BY target_seq, seq`,
    ),
    clear: db.prepare('DELETE FROM reactions'),
  };
}
