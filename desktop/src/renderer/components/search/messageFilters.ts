import type { ConversationView, SearchKind, SearchOptions } from '../../../common/contract';

/** The filters of the chat list's message search (issue #16), as the screen holds them. */
export interface MessageFilters {
  kind: SearchKind | null;
  senderId: string | null;
  conversationId: string | null;
  date: DateRange;
}

export type DateRange = 'any' | 'today' | 'week' | 'month' | 'older';

export const NO_FILTERS: MessageFilters = {
  kind: null,
  senderId: null,
  conversationId: null,
  date: 'any',
};

export const KIND_LABELS: Record<SearchKind, string> = {
  media: 'Photos & videos',
  document: 'Documents',
  link: 'Links',
  voice: 'Voice notes',
};

export const DATE_LABELS: Record<DateRange, string> = {
  any: 'Any time',
  today: 'Today',
  week: 'Last 7 days',
  month: 'Last 30 days',
  older: 'Older than 30 days',
};

const DAY = 86_400_000;

export const hasFilters = (f: MessageFilters) =>
  f.kind !== null || f.senderId !== null || f.conversationId !== null || f.date !== 'any';

/** The engine's search options for these filters, with dates counted back from `now`. */
export function searchOptionsOf(f: MessageFilters, now: Date): SearchOptions {
  const options: SearchOptions = {};
  if (f.kind !== null) options.kinds = [f.kind];
  if (f.senderId !== null) options.senderId = f.senderId;
  if (f.conversationId !== null) options.conversationId = f.conversationId;
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  if (f.date === 'today') options.after = midnight;
  if (f.date === 'week') options.after = midnight - 6 * DAY;
  if (f.date === 'month') options.after = midnight - 29 * DAY;
  if (f.date === 'older') options.before = midnight - 29 * DAY;
  return options;
}

/** Whether a query is worth searching messages for: two characters, or one Han/kana/Hangul. */
export const searchable = (query: string) => {
  const q = query.trim();
  return q.length >= 2 || /[^\p{ASCII}]/u.test(q);
};

/** Everyone the person can filter by (peers and members of small groups), by name. */
export function peopleOf(
  conversations: readonly ConversationView[],
  me: { id: string } | null,
): { id: string; name: string }[] {
  const people = new Map<string, string>();
  for (const c of conversations) {
    if (c.peer !== null) people.set(c.peer.id, c.peer.displayName);
    for (const m of c.members) people.set(m.userId, m.displayName);
  }
  if (me !== null) people.delete(me.id);
  return [...people]
    .map(([id, name]) => ({ id, name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
