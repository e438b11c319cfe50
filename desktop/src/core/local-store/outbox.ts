import type { OutboxKind, OutboxPayload, OutboxRow, SendPayload } from './rows';
import type { StoreContext } from './store-context';

/** Writes an entry to the outbox (sent in order by outbox-sender.ts) and returns its row. */
export function addToOutbox(
  ctx: StoreContext,
  entry: {
    key: string;
    conversationId: string;
    kind: OutboxKind;
    payload: OutboxPayload;
    at: number;
  },
): OutboxRow {
  ctx.changes.touch(entry.conversationId);
  ctx.statements.addOutbox.run({
    key: entry.key,
    conversationId: entry.conversationId,
    kind: entry.kind,
    payload: JSON.stringify(entry.payload),
    createdAt: entry.at,
  });
  const row = ctx.statements.outboxByKey.get(entry.key);
  if (row === undefined) throw new Error('outbox row vanished');
  return row;
}

export function markOutboxSent(ctx: StoreContext, key: string, seq: number): void {
  touchOutbox(ctx, key);
  ctx.statements.outboxSent.run(seq, key);
}

export function markOutboxFailed(ctx: StoreContext, key: string, code: string): void {
  touchOutbox(ctx, key);
  ctx.statements.outboxFailed.run(code, key);
}

export function retryOutbox(ctx: StoreContext, key: string): void {
  touchOutbox(ctx, key);
  ctx.statements.outboxRetry.run(key);
}

export function removeOutbox(ctx: StoreContext, key: string): void {
  touchOutbox(ctx, key);
  ctx.statements.deleteOutboxByKey.run(key);
}

/** An outbox entry's conversation (its preview shows the newest pending send). */
function touchOutbox(ctx: StoreContext, key: string): void {
  const entry = ctx.statements.outboxByKey.get(key);
  if (entry !== undefined) ctx.changes.touch(entry.conversation_id);
}

/**
 * Rewrites the text of a send that has never been tried (attempts 0): nothing of it can have
 * reached the server, so an edit made now simply becomes the message. False when a send was
 * tried already (the server may hold the first text: a retry with the same clientMsgId returns
 * the first answer, so the new text would be lost) and the edit must follow as its own entry.
 */
export function rewritePendingSend(ctx: StoreContext, key: string, text: string): boolean {
  const entry = ctx.statements.outboxByKey.get(key);
  if (entry?.kind !== 'send' || entry.state !== 'pending' || entry.attempts !== 0) return false;
  const payload = JSON.parse(entry.payload) as SendPayload;
  ctx.changes.touch(entry.conversation_id);
  ctx.statements.outboxPayload.run(JSON.stringify({ ...payload, text }), key);
  return true;
}
