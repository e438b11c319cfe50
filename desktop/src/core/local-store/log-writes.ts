import { isHidden, type LogEntry } from '@chitchat/shared';
import { recountUnread } from './conversation-writes';
import { finishBatch, insertEvent, startBatch } from './event-writer';
import type { StoreContext } from './store-context';

/**
 * Applies events that continue the log (catch-up pages and live events), ascending, in one
 * transaction. Events at or below `last_seq` are skipped: applying twice changes nothing.
 * `progress` is how far the log is known to be complete (a page's lastSeq when it returned
 * nothing beyond the visible events).
 */
export function appendEvents(
  ctx: StoreContext,
  conversationId: string,
  events: readonly LogEntry[],
  progress?: number,
): number {
  ctx.changes.touch(conversationId);
  return ctx.db.transaction(() => {
    const row = ctx.statements.conversation.get(conversationId);
    if (row === undefined) return 0;
    const batch = startBatch(ctx, row);
    let lastSeq = row.last_seq;
    let applied = 0;
    for (const event of events) {
      if (event.seq <= lastSeq) continue;
      // A `hidden` stub (an event this account may not see) only moves the log forward.
      if (!isHidden(event)) insertEvent(ctx, event, batch, false);
      lastSeq = event.seq;
      applied++;
    }
    finishBatch(ctx, batch);
    const newLast = Math.max(lastSeq, progress ?? 0);
    const firstLoaded = row.oldest_seq === 0 ? (events[0]?.seq ?? 0) : row.oldest_seq;
    ctx.statements.setLogRange.run({
      id: conversationId,
      lastSeq: newLast,
      oldestSeq: firstLoaded,
    });
    if (
      row.oldest_seq === 0 &&
      row.last_seq === 0 &&
      events[0] !== undefined &&
      events[0].seq <= 1
    ) {
      ctx.statements.setHistoryComplete.run(conversationId);
    }
    recountUnread(ctx, conversationId);
    return applied;
  })();
}

/**
 * Stores a page of older history (`events:before`, descending) below what is loaded. With
 * `latest`, the page is the newest page of a conversation seen for the first time: the log
 * counts as applied up to `progress`.
 */
export function applyHistory(
  ctx: StoreContext,
  conversationId: string,
  events: readonly LogEntry[],
  options: { complete: boolean; latest?: { progress: number } },
): void {
  ctx.changes.touch(conversationId);
  ctx.db.transaction(() => {
    const row = ctx.statements.conversation.get(conversationId);
    if (row === undefined) return;
    const ascending = [...events].sort((a, b) => a.seq - b.seq);
    const batch = startBatch(ctx, row);
    // Stubs count as loaded (the range below is known) but store nothing.
    for (const event of ascending)
      if (!isHidden(event)) insertEvent(ctx, event, batch, options.latest === undefined);
    finishBatch(ctx, batch);
    const lowest = ascending[0]?.seq;
    const oldest =
      lowest === undefined
        ? row.oldest_seq
        : row.oldest_seq === 0
          ? lowest
          : Math.min(row.oldest_seq, lowest);
    const lastSeq = options.latest ? Math.max(row.last_seq, options.latest.progress) : row.last_seq;
    ctx.statements.setLogRange.run({ id: conversationId, lastSeq, oldestSeq: oldest });
    if (options.complete) ctx.statements.setHistoryComplete.run(conversationId);
    recountUnread(ctx, conversationId);
  })();
}
