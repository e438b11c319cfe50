/**
 * When a device says `receipt:delivered` (DESIGN §5 step 4): after applying events it waits a
 * debounce, so that a burst of events costs one receipt. Shared by the engine and the group bench,
 * which plays the engine's members.
 */

/** The engine's wait after applying events before saying delivered, in chats of every size below. */
export const DELIVERED_DEBOUNCE_MS = 300;

/**
 * Groups with more current members than this wait longer before saying delivered (and the server
 * gathers their `receipt:group` announcements longer: GROUP_RECEIPT_SLOW_MEMBERS there).
 */
export const LARGE_GROUP_RECEIPT_MEMBERS = 256;

/**
 * The wait before a device says delivered in a conversation of `memberCount` current members:
 * `debounceMs` in direct chats and groups up to LARGE_GROUP_RECEIPT_MEMBERS; above, 3 to 5 times
 * as long, at a random point of that window (0.9 to 1.5 s with the default debounce).
 *
 * Every member of a group receives a message at the same moment, so with one fixed debounce every
 * member's receipt reached the server at the same moment too: in a 1,000-member group at 50 msg/s,
 * a flood of 1,000 receipts every 300 ms (3,300 a second, each a request the server reads,
 * validates, stores and acknowledges), and a message arriving during a flood waited behind it.
 * The longer wait sends each member about a receipt a second instead of three; the random point
 * spreads them over the window instead of a burst. What the sender sees moves no slower than it
 * can: a large group's ticks follow its minimum, which waits for the slowest members anyway and is
 * announced at most every 300 ms.
 */
export function deliveredReceiptDelayMs(
  memberCount: number,
  debounceMs: number = DELIVERED_DEBOUNCE_MS,
  random: () => number = Math.random,
): number {
  if (memberCount <= LARGE_GROUP_RECEIPT_MEMBERS) return debounceMs;
  return debounceMs * (3 + 2 * random());
}
