import { foldForSearch } from '../../../common/fold';
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
