import { nameCollator } from '../../format';

/*
 * The member list of a group's info panel (issue #15): who comes first and who a search finds.
 * Pure, so it is tested without a screen and costs the same in a test as with 1,000 members.
 */

export interface ListedMember {
  userId: string;
  username: string;
  displayName: string;
  role: 'owner' | 'admin' | 'member';
}

/** Combining marks of Latin/Greek/Cyrillic, Hebrew points and cantillation, Arabic harakat. */
const DIACRITICS =
  /[\u0300-\u036f\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u064b-\u065f\u0670]/g;
const ASCII_ONLY = /^\p{ASCII}*$/u;

/**
 * A text as a search compares it: lower case, compatibility forms and diacritics folded ("Émile"
 * and "emile", "Ｆｕｌｌ" and "full", pointed and unpointed Hebrew match). The engine's search
 * index folds the same way (core/search/words.ts), which the renderer cannot import.
 */
export function foldForSearch(text: string): string {
  const lower = text.toLowerCase();
  if (ASCII_ONLY.test(lower)) return lower;
  return lower.normalize('NFKD').replace(DIACRITICS, '').normalize('NFC');
}

/**
 * Members in the order WhatsApp lists them: "You" first, then the owner and admins, then everyone
 * else, each part by name as the person's language sorts (Intl.Collator).
 */
export function orderMembers<T extends ListedMember>(
  members: readonly T[],
  me: string,
  locale?: string,
): T[] {
  const collator = nameCollator(locale);
  const rank = (m: T) => (m.userId === me ? 0 : m.role === 'member' ? 2 : 1);
  return [...members].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      collator.compare(a.displayName, b.displayName) ||
      collator.compare(a.username, b.username),
  );
}

/** A member with its folded name and username, made once per list rather than per keystroke. */
export interface SearchableMember<T> {
  member: T;
  name: string;
  username: string;
}

export const searchable = <T extends ListedMember>(members: readonly T[]): SearchableMember<T>[] =>
  members.map((member) => ({
    member,
    name: foldForSearch(member.displayName),
    username: foldForSearch(member.username),
  }));

/**
 * The members whose name contains the query, or whose username starts with it (a leading "@" is
 * allowed), case and diacritics folded; the order stays as given. An empty query keeps everyone.
 */
export function matchMembers<T>(list: readonly SearchableMember<T>[], query: string): T[] {
  const q = foldForSearch(query.trim());
  if (q === '') return list.map((s) => s.member);
  const handle = q.startsWith('@') ? q.slice(1) : q;
  return list
    .filter((s) => s.name.includes(q) || (handle !== '' && s.username.startsWith(handle)))
    .map((s) => s.member);
}
