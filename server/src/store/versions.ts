/*
 * Version stamps: the change cursor of `conversation:list` (docs/change-cursor.md).
 *
 * Every write stamps the rows it changes (its conversation, the memberships it touches) with a
 * number from here, and `conversation:list { since }` returns the caller's summaries whose rows carry
 * a stamp above `since`. No row or document is shared between conversations: two sends to
 * different conversations write disjoint rows, in both stores.
 */

/**
 * How far behind the clock a MongoDB cursor is handed out. Transactions on different conversations
 * commit concurrently, so a stamp may become visible after a later one; MongoDB aborts a
 * transaction open longer than `transactionLifetimeLimitSeconds` (60 s by default), so a stamp is
 * visible to majority reads within that of being taken. Twice that also covers clock skew between
 * server processes (NTP keeps it to milliseconds). A summary changed within the lag is sent again on
 * the next list: repeats are harmless (summaries replace each other), losses are not.
 */
export const MONGO_CURSOR_LAG_MS = 120_000;

let lastStamp = 0;

/**
 * A stamp from this process's clock, above every stamp this process handed out before (the clock
 * may step back). Stamps of different processes are ordered only up to their clock skew.
 */
export function clockStamp(now: number = Date.now()): number {
  lastStamp = Math.max(now, lastStamp + 1);
  return lastStamp;
}
