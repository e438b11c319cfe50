import type { MediaCacheRow } from './rows';
import type { SqlDatabase } from './sql';
import type { Statements } from './statements';

/** Which of these seqs are deleted messages (loaded, or with a delete kept for later). */
export function deletedAmong(
  db: SqlDatabase,
  conversationId: string,
  seqs: readonly number[],
): Set<number> {
  if (seqs.length === 0) return new Set();
  const marks = seqs.map(() => '?').join(',');
  const rows = db
    .prepare<(string | number)[], { seq: number }>(
      `SELECT seq FROM events WHERE conversation_id = ? AND seq IN (${marks}) AND deleted_at IS NOT NULL
       UNION SELECT target_seq FROM pending_changes WHERE conversation_id = ?
         AND type = 'message_deleted' AND target_seq IN (${marks})`,
    )
    .all(conversationId, ...seqs, conversationId, ...seqs);
  return new Set(rows.map((r) => r.seq));
}

/** Media cache entries to drop so the cache fits in `capBytes`, least recently used first. */
export function mediaOverCap(statements: Statements, capBytes: number): MediaCacheRow[] {
  const rows = statements.mediaByUse.all();
  let total = rows.reduce((sum, r) => sum + r.size, 0);
  const evict: MediaCacheRow[] = [];
  for (const row of rows) {
    if (total <= capBytes) break;
    evict.push(row);
    total -= row.size;
  }
  return evict;
}
