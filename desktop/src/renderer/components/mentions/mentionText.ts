import type { MemberView, MentionView } from '../../../common/contract';
import { foldForSearch } from '../../../common/fold';

/** A run of a message's text: plain, or a mention token ("@Ana") naming one of its mentions. */
export interface TextPart {
  text: string;
  mention: MentionView | null;
}

/** A letter or digit right after a token means it is a longer word ("@Bob" in "@Bobby"). */
const WORD_CHARACTER = /[\p{L}\p{N}_]/u;

/**
 * Splits text into plain runs and mention tokens. The sender's composer wrote each mention as
 * "@" + the name it knew; here a token is "@" + the name this device knows (or the username), so
 * the names stay local (DESIGN §10) and the server never reads the text. At each "@" the longest
 * token wins ("@Ana Lopez" over "@Ana"), and only where it ends a word.
 */
export function mentionParts(
  text: string,
  mentions: readonly MentionView[] | undefined,
): TextPart[] {
  if (mentions === undefined || mentions.length === 0 || !text.includes('@')) {
    return [{ text, mention: null }];
  }
  const tokens = mentions
    .flatMap((mention) =>
      [mention.name, mention.username]
        .filter((name): name is string => name !== null && name !== '')
        .map((name) => ({ token: `@${name}`, lower: `@${name}`.toLocaleLowerCase(), mention })),
    )
    .sort((a, b) => b.token.length - a.token.length);
  const lowerText = text.toLocaleLowerCase();
  const parts: TextPart[] = [];
  let plainStart = 0;
  let at = text.indexOf('@');
  while (at !== -1) {
    const found = tokens.find(
      (t) =>
        lowerText.startsWith(t.lower, at) && !WORD_CHARACTER.test(text.charAt(at + t.token.length)),
    );
    if (found === undefined) {
      at = text.indexOf('@', at + 1);
      continue;
    }
    if (at > plainStart) parts.push({ text: text.slice(plainStart, at), mention: null });
    const end = at + found.token.length;
    parts.push({ text: text.slice(at, end), mention: found.mention });
    plainStart = end;
    at = text.indexOf('@', end);
  }
  if (plainStart < text.length) parts.push({ text: text.slice(plainStart), mention: null });
  return parts;
}

/**
 * The "@" query being typed at the caret: the text from an "@" that starts a word up to the
 * caret, without spaces. Null when the caret is not in such a word.
 */
export function mentionQueryAt(
  text: string,
  caret: number,
): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([^\s@]*)$/u.exec(before);
  if (match === null) return null;
  const query = match[2] ?? '';
  return { start: caret - query.length - 1, query };
}

/**
 * Members whose display name (any of its words) or username starts with the query, the
 * viewer left out: names that start with it first, then by name. Case and diacritics are folded
 * as every search of the apps folds them (common/fold.ts): "@emi" finds Émile. Quick enough for
 * a group of a thousand on every key press.
 */
export function matchingMembers(
  members: readonly MemberView[],
  query: string,
  viewerId: string,
  limit: number,
): MemberView[] {
  const q = foldForSearch(query);
  const ranked: { member: MemberView; rank: number }[] = [];
  for (const member of members) {
    if (member.userId === viewerId) continue;
    const name = foldForSearch(member.displayName);
    const rank = name.startsWith(q)
      ? 0
      : foldForSearch(member.username).startsWith(q)
        ? 1
        : name.split(/\s+/u).some((word) => word.startsWith(q))
          ? 2
          : -1;
    if (rank >= 0) ranked.push({ member, rank });
  }
  ranked.sort(
    (a, b) => a.rank - b.rank || a.member.displayName.localeCompare(b.member.displayName),
  );
  return ranked.slice(0, limit).map((r) => r.member);
}

/** The picked members whose "@Name" token is still in the text (deleted ones are not sent). */
export function mentionsIn(
  text: string,
  picks: readonly { userId: string; token: string }[],
): string[] {
  const ids: string[] = [];
  for (const pick of picks) {
    if (text.includes(pick.token) && !ids.includes(pick.userId)) ids.push(pick.userId);
  }
  return ids;
}
