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
