import type { ConversationView } from '../../../common/contract';

/** The filter chips above the list (as WhatsApp): every chat, those with something unread, groups. */
export type ChatFilter = 'all' | 'unread' | 'groups';

export const CHAT_FILTERS: readonly { id: ChatFilter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'unread', label: 'Unread' },
  { id: 'groups', label: 'Groups' },
];

const matches = (c: ConversationView, filter: ChatFilter): boolean =>
  filter === 'all'
    ? true
    : filter === 'unread'
      ? c.unreadCount > 0 || c.markedUnread
      : c.kind === 'group';

/**
 * What the list shows: the archived chats alone (under "Archived"), or the others through the
 * filter, pinned ones on top (the most recently pinned first), the rest by last activity as the
 * engine sorted them. `archivedCount` feeds the "Archived" row. One pass over the chats: the
 * list holds a thousand.
 */
export function arrangeChats(
  conversations: readonly ConversationView[],
  options: { filter: ChatFilter; archived: boolean; query: string },
): { rows: ConversationView[]; archivedCount: number } {
  const needle = options.query.trim().toLowerCase();
  const pinned: ConversationView[] = [];
  const rest: ConversationView[] = [];
  let archivedCount = 0;
  for (const c of conversations) {
    if (c.archived) archivedCount += 1;
    if (c.archived !== options.archived) continue;
    if (needle !== '' && !c.title.toLowerCase().includes(needle)) continue;
    if (!matches(c, options.filter)) continue;
    if (!options.archived && c.pinnedAt !== null) pinned.push(c);
    else rest.push(c);
  }
  pinned.sort((a, b) => (b.pinnedAt ?? 0) - (a.pinnedAt ?? 0));
  return { rows: [...pinned, ...rest], archivedCount };
}

/**
 * The line under the list when it shows no chat row, or null for none: a list holding only message
 * requests (or only archived chats, behind the "Archived" row) is not an empty search, so it says
 * nothing rather than "No chats match." under a request. `others` counts the rows shown above the
 * chats (message requests).
 */
export function emptyListNote(options: {
  filter: ChatFilter;
  archived: boolean;
  query: string;
  others: number;
}): string | null {
  if (options.archived) return 'No archived chats.';
  if (options.others > 0) return null;
  if (options.filter === 'unread') return 'No unread chats.';
  if (options.filter === 'groups') return 'No groups.';
  return options.query.trim() !== '' ? 'No chats match.' : null;
}
