import type { SqlDatabase } from './sql';

/**
 * The message an outbox entry refers to (an edit's or delete's target, a reply's quote), named
 * by what survives a restore of the server (DESIGN §3 store epoch): a seq may name another message
 * on the restored server, but the event id and the sender's clientMsgId stay with the message.
 * All null when the target was not in the local cache: it cannot be found again.
 */
export interface OutboxTarget {
  id: string | null;
  clientMsgId: string | null;
  senderUserId: string | null;
}

interface TargetRow {
  id: string;
  client_msg_id: string | null;
  sender_user_id: string;
}

/** The seq an entry's payload refers to, and where it keeps the target once the seq is stale. */
interface Reference {
  seq: number | undefined;
  targetField: 'target' | 'replyTarget';
}

function referenceOf(kind: string, payload: Record<string, unknown>): Reference | null {
  const seqField = kind === 'send' ? 'replyToSeq' : 'seq';
  const targetField = kind === 'send' ? 'replyTarget' : 'target';
  if (payload[targetField] !== undefined) return null; // already detached by an earlier restore
  const seq = payload[seqField];
  return typeof seq === 'number' ? { seq, targetField } : null;
}

/**
 * Before the cache of a restored server is dropped: every outbox entry that refers to a message
 * by seq keeps that message's identity instead (its seq is resolved again before sending).
 * Runs inside the caller's transaction, while the old events are still there.
 */
export function detachOutboxTargets(db: SqlDatabase): void {
  const entries = db
    .prepare<[], { key: string; conversation_id: string; kind: string; payload: string }>(
      'SELECT key, conversation_id, kind, payload FROM outbox',
    )
    .all();
  const eventAt = db.prepare<[string, number], TargetRow>(
    'SELECT id, client_msg_id, sender_user_id FROM events WHERE conversation_id = ? AND seq = ?',
  );
  const update = db.prepare('UPDATE outbox SET payload = ? WHERE key = ?');
  for (const entry of entries) {
    const payload = JSON.parse(entry.payload) as Record<string, unknown>;
    const reference = referenceOf(entry.kind, payload);
    if (reference?.seq === undefined) continue;
    const row = eventAt.get(entry.conversation_id, reference.seq);
    const target: OutboxTarget = {
      id: row?.id ?? null,
      clientMsgId: row?.client_msg_id ?? null,
      senderUserId: row?.sender_user_id ?? null,
    };
    update.run(JSON.stringify({ ...payload, [reference.targetField]: target }), entry.key);
  }
}

/**
 * The target's seq on the current server, from what is known locally: an own message sent
 * again from the outbox (its new seq), else the loaded events. Null when not found (yet).
 */
export function resolveOutboxTarget(
  db: SqlDatabase,
  conversationId: string,
  target: OutboxTarget,
): number | null {
  if (target.clientMsgId !== null) {
    const resent = db
      .prepare<[string, string], { seq: number | null }>(
        'SELECT seq FROM outbox WHERE key = ? AND conversation_id = ?',
      )
      .get(target.clientMsgId, conversationId);
    if (resent?.seq != null) return resent.seq;
  }
  const found = db
    .prepare<[string, string, string, string], { seq: number }>(
      `SELECT seq FROM events WHERE conversation_id = ?
         AND (id = ? OR (client_msg_id = ? AND sender_user_id = ?)) LIMIT 1`,
    )
    .get(conversationId, target.id ?? '', target.clientMsgId ?? '', target.senderUserId ?? '');
  return found?.seq ?? null;
}

/**
 * Where one of this account's own messages is, named by its key (clientMsgId) as the screen knows
 * it while it waits in the outbox: its seq once the server acknowledged it (the outbox entry keeps
 * the seq until its event is applied, then the event row has it), else the outbox entry still
 * waiting (or failed), else nothing (discarded, or never written here).
 */
export type OwnMessage =
  { seq: number } | { entry: { key: string; state: string; attempts: number } } | null;

export function resolveOwnMessage(
  db: SqlDatabase,
  userId: string,
  conversationId: string,
  key: string,
): OwnMessage {
  const entry = db
    .prepare<
      [string, string],
      { key: string; state: string; attempts: number; seq: number | null }
    >(
      "SELECT key, state, attempts, seq FROM outbox WHERE key = ? AND conversation_id = ? AND kind = 'send'",
    )
    .get(key, conversationId);
  if (entry?.seq != null) return { seq: entry.seq };
  const applied = db
    .prepare<[string, string, string], { seq: number }>(
      `SELECT seq FROM events WHERE conversation_id = ? AND client_msg_id = ? AND sender_user_id = ?
         AND type = 'message'`,
    )
    .get(conversationId, key, userId);
  if (applied !== undefined) return { seq: applied.seq };
  return entry === undefined
    ? null
    : { entry: { key: entry.key, state: entry.state, attempts: entry.attempts } };
}
