import type { MessageView } from '../../../common/contract';
import { dayLabel, startOfDay } from '../../format';

/** How many messages a page of history holds. */
export const PAGE = 50;
/** Virtuoso counts items from here so that older pages can be prepended without a jump. */
export const BASE_INDEX = 1_000_000;

export type Item =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: string; count: number }
  | { kind: 'message'; key: string; message: MessageView; runStart: boolean };

export function buildItems(
  messages: MessageView[],
  unreadFromKey: string | null,
  unreadCount: number,
): Item[] {
  const items: Item[] = [];
  let lastDay = -1;
  let previous: MessageView | null = null;
  for (const message of messages) {
    const day = startOfDay(message.createdAt);
    if (day !== lastDay) {
      items.push({ kind: 'day', key: `day-${day}`, label: dayLabel(message.createdAt) });
      lastDay = day;
      previous = null;
    }
    if (message.key === unreadFromKey && unreadCount > 0)
      items.push({ kind: 'unread', key: 'unread', count: unreadCount });
    const runStart =
      previous === null ||
      previous.senderUserId !== message.senderUserId ||
      previous.systemText !== null ||
      message.createdAt - previous.createdAt > 5 * 60_000;
    items.push({ kind: 'message', key: message.key, message, runStart });
    previous = message;
  }
  return items;
}

/**
 * How many items were added before what was on screen, so Virtuoso's first index can move by as
 * much and nothing jumps. Anchored on the first message, not the first item: the first item is
 * usually a day header, and older messages of the same day go below it (its index stays 0).
 */
export function prependShift(before: readonly Item[], after: readonly Item[]): number {
  const oldIndex = before.findIndex((item) => item.kind === 'message');
  const anchor = before[oldIndex];
  if (anchor === undefined) return 0;
  const newIndex = after.findIndex((item) => item.key === anchor.key);
  return newIndex < 0 ? 0 : newIndex - oldIndex;
}

/** The first unread message: the `count`-th newest message from someone else. */
export function firstUnreadKey(messages: readonly MessageView[], count: number): string | null {
  if (count <= 0) return null;
  let seen = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m === undefined || m.own || m.type !== 'message') continue;
    seen++;
    if (seen === count) return m.key;
  }
  // Fewer loaded than unread: the divider goes above the oldest loaded message from someone else.
  return messages.find((m) => !m.own && m.type === 'message')?.key ?? null;
}

/**
 * The newest page re-read, keeping the older history loaded before it: a re-read that was asked
 * for before an older page arrived must not drop that page (the list would jump).
 */
export function mergeNewest(
  current: readonly MessageView[] | null,
  newest: readonly MessageView[],
): MessageView[] {
  if (current === null) return [...newest];
  const oldestSeq = newest.find((m) => m.seq !== null)?.seq ?? null;
  if (oldestSeq === null) return [...newest];
  const keys = new Set(newest.map((m) => m.key));
  const older = current.filter((m) => m.seq !== null && m.seq < oldestSeq && !keys.has(m.key));
  return [...older, ...newest];
}

/** An older page put before what is loaded (what is already there wins). */
export function prependOlder(
  current: readonly MessageView[],
  older: readonly MessageView[],
): MessageView[] {
  const keys = new Set(current.map((m) => m.key));
  return [...older.filter((m) => !keys.has(m.key)), ...current];
}
