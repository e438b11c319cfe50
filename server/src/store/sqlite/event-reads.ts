import { REFERENCING_EVENT_TYPES, isHidden } from '@chitchat/shared';
import { overlappingPeriods, periodBatches } from '../periods';
import type { EventReads, EventRecord } from '../types';
import { groupHistories, viewForReader, type EditVersion, type HistoryLoader } from '../visibility';
import type { SqliteDatabase } from './database';
import { periodClause, toEvent, type EventRow } from './rows';
import { statementCache, type ConversationStatements } from './statements';

/**
 * Referencing events never become the preview, nor move the chat in the list (DESIGN §3): an SQL
 * list built from the shared constant (fixed identifiers, no input).
 */
const NOT_PREVIEWED = REFERENCING_EVENT_TYPES.map((type) => `'${type}'`).join(', ');

/** Reads of the event log, each as the reader with the given periods sees it (../visibility.ts). */
export function sqliteEventReads(db: SqliteDatabase, st: ConversationStatements): EventReads {
  const cached = statementCache(db);

  /** The versions of edited messages, for members who left before some of the edits. */
  const histories: HistoryLoader = (conversationId, targetSeqs) => {
    const marks = targetSeqs.map(() => '?').join(',');
    const originals = cached<{ seq: number; originalText: string | null }>(
      `SELECT seq, original_text AS originalText FROM events
       WHERE conversation_id = ? AND seq IN (${marks})`,
    ).all(conversationId, ...targetSeqs);
    // Matches the events_edits index (conversation_id, type, targetSeq).
    const edits = cached<EditVersion & { targetSeq: number }>(
      `SELECT seq, created_at AS at, json_extract(payload, '$.text') AS text,
         json_extract(payload, '$.editVersion') AS editVersion,
         json_extract(payload, '$.targetSeq') AS targetSeq
       FROM events WHERE conversation_id = ? AND type = 'message_edited'
         AND json_extract(payload, '$.targetSeq') IN (${marks})`,
    ).all(conversationId, ...targetSeqs);
    return groupHistories(originals, edits);
  };

  return {
    async eventByClientMsgId(userId, clientMsgId) {
      const row = st.eventByClientMsgId.get(userId, clientMsgId);
      return row ? toEvent(row) : null;
    },
    async eventByOpId(userId, opId) {
      const row = st.eventByOpId.get(userId, opId);
      return row ? toEvent(row) : null;
    },
    async getEvent(conversationId, seq) {
      const row = st.event.get(conversationId, seq);
      return row ? toEvent(row) : null;
    },
    // Each of these looks only at the periods overlapping its seq range, a bounded batch per query
    // (store/periods.ts): a member re-added a thousand times costs what one re-added once does.
    async eventsAfter(conversationId, periods, afterSeq, upToSeq, limit) {
      const found: EventRecord[] = [];
      const inRange = overlappingPeriods(periods, afterSeq + 1, upToSeq);
      for (const batch of periodBatches(inRange, 'ascending')) {
        const clause = periodClause(batch);
        const rows = cached<EventRow>(
          `SELECT * FROM events WHERE conversation_id = ? AND seq > ? AND seq <= ? AND ${clause.sql}
             ORDER BY seq ASC LIMIT ?`,
        ).all(conversationId, afterSeq, upToSeq, ...clause.params, limit - found.length);
        for (const row of rows) found.push(toEvent(row));
        if (found.length >= limit) break;
      }
      return viewForReader(conversationId, found, periods, histories);
    },
    async eventsBefore(conversationId, periods, beforeSeq, limit) {
      const found: EventRecord[] = [];
      const inRange = overlappingPeriods(periods, 0, beforeSeq - 1);
      for (const batch of periodBatches(inRange, 'descending')) {
        const clause = periodClause(batch);
        const rows = cached<EventRow>(
          `SELECT * FROM events WHERE conversation_id = ? AND seq < ? AND ${clause.sql}
             ORDER BY seq DESC LIMIT ?`,
        ).all(conversationId, beforeSeq, ...clause.params, limit - found.length);
        for (const row of rows) found.push(toEvent(row));
        if (found.length >= limit) break;
      }
      return viewForReader(conversationId, found, periods, histories);
    },
    async lastVisibleEvent(conversationId, periods, upToSeq) {
      for (const batch of periodBatches(overlappingPeriods(periods, 0, upToSeq), 'descending')) {
        const clause = periodClause(batch);
        const row = cached<EventRow>(
          `SELECT * FROM events WHERE conversation_id = ? AND seq <= ?
               AND type NOT IN (${NOT_PREVIEWED})
               AND ${clause.sql} ORDER BY seq DESC LIMIT 1`,
        ).get(conversationId, upToSeq, ...clause.params);
        if (row === undefined) continue;
        const [viewed] = await viewForReader(conversationId, [toEvent(row)], periods, histories);
        return viewed === undefined || isHidden(viewed) ? null : viewed;
      }
      return null;
    },
    async countUnread(conversationId, userId, periods, afterSeq, upToSeq, cap) {
      let count = 0;
      const inRange = overlappingPeriods(periods, afterSeq + 1, upToSeq);
      for (const batch of periodBatches(inRange, 'ascending')) {
        const clause = periodClause(batch);
        const row = cached<{ n: number }>(
          `SELECT COUNT(*) AS n FROM (SELECT 1 FROM events WHERE conversation_id = ? AND seq > ? AND seq <= ?
               AND type = 'message' AND deleted_at IS NULL AND sender_user_id != ? AND ${clause.sql} LIMIT ?)`,
        ).get(conversationId, afterSeq, upToSeq, userId, ...clause.params, cap - count);
        count += row?.n ?? 0;
        if (count >= cap) break;
      }
      return count;
    },
  };
}
