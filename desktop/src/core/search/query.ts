import { DICTIONARY, wordsOf, type Word } from './words';

/*
 * A search as typed, turned into an FTS5 query over the words of words.ts, and the highlights of
 * a hit found again in the original text (the index keeps no text: snippets are cut here).
 */

/** One run of the query (what the person typed between spaces): any of its spellings must match. */
export interface QueryRun {
  /** Word sequences, each matched as a phrase; the last word may be a prefix. */
  spellings: { words: string[]; prefix: boolean }[];
}

export interface ParsedQuery {
  runs: QueryRun[];
  /** The FTS5 MATCH expression; built only from folded words, each quoted. */
  match: string;
}

/** At most this many runs count; more would only slow the search down. */
const MAX_RUNS = 8;
const MAX_WORDS_PER_RUN = 16;

const quoted = (words: readonly string[]) => `"${words.join(' ').replaceAll('"', '""')}"`;

/**
 * Every run must match (AND). A run is a phrase of its words, so "e-mail" finds "e-mail" and
 * "吃饭" finds 吃 followed by 饭; the last word of the last run matches as a prefix while typing,
 * except a Han/kana character (each is a whole word). A Thai, Lao, Khmer or Myanmar run may be
 * segmented alone differently than inside a sentence: it also matches as one word.
 */
export function parseQuery(query: string): ParsedQuery | null {
  const parts = query
    .split(/\s+/u)
    .filter((part) => wordsOf(part).length > 0)
    .slice(0, MAX_RUNS);
  const runs = parts.map((part, index): QueryRun => {
    const words = wordsOf(part).slice(0, MAX_WORDS_PER_RUN);
    const folded = words.map((w) => w.folded);
    // Only the run being typed is a prefix: FTS5 merges the whole doclist of every term a prefix
    // names before it can stop at the newest hits, so a prefix per run would cost that per run.
    const typing = index === parts.length - 1;
    const spellings = [{ words: folded, prefix: typing && words.at(-1)?.ideograph !== true }];
    if (words.length > 1 && DICTIONARY.test(part)) {
      spellings.push({ words: [folded.join('')], prefix: typing });
    }
    return { spellings };
  });
  if (runs.length === 0) return null;
  const match = runs
    .map(({ spellings }) => {
      const phrases = spellings.map((s) => quoted(s.words) + (s.prefix ? '*' : ''));
      return phrases.length === 1 ? phrases[0] : `(${phrases.join(' OR ')})`;
    })
    .join(' AND ');
  return { runs, match };
}

/** The words of `text` that a query's runs match: [start, end) ranges in the text, in order. */
export function matchedRanges(text: string, runs: readonly QueryRun[]): [number, number][] {
  const words = wordsOf(text);
  const hit = new Array<boolean>(words.length).fill(false);
  for (const run of runs) {
    for (const spelling of run.spellings) {
      for (let i = 0; i + spelling.words.length <= words.length; i++) {
        if (matchesAt(words, i, spelling)) {
          for (let k = 0; k < spelling.words.length; k++) hit[i + k] = true;
        }
      }
    }
  }
  const ranges: [number, number][] = [];
  words.forEach((word, i) => {
    if (!hit[i]) return;
    const previous = ranges.at(-1);
    // Neighbouring highlighted characters (a CJK phrase) read as one highlight.
    if (previous !== undefined && previous[1] === word.start) previous[1] = word.end;
    else ranges.push([word.start, word.end]);
  });
  return ranges;
}

function matchesAt(
  words: readonly Word[],
  at: number,
  spelling: { words: string[]; prefix: boolean },
): boolean {
  const n = spelling.words.length;
  for (let k = 0; k < n; k++) {
    const word = words[at + k]?.folded;
    const wanted = spelling.words[k];
    if (word === undefined || wanted === undefined) return false;
    const ok = k === n - 1 && spelling.prefix ? word.startsWith(wanted) : word === wanted;
    if (!ok) return false;
  }
  return true;
}

/** Characters of context kept before the first highlight of a long message. */
const LEAD = 30;
/** The most characters a snippet shows. */
const SNIPPET_LENGTH = 140;

/**
 * The part of `text` around its first highlight, with `start`/`end` marks around each highlighted
 * range and '…' where text was cut.
 */
export function snippetOf(
  text: string,
  ranges: readonly [number, number][],
  marks: { start: string; end: string },
): string {
  const first = ranges[0]?.[0] ?? 0;
  let from = 0;
  let to = text.length;
  if (text.length > SNIPPET_LENGTH) {
    // Some context before the first highlight, starting at a word where one starts near.
    from = Math.max(0, first - LEAD);
    const space = from === 0 ? -1 : text.indexOf(' ', from);
    if (space !== -1 && space < first) from = space + 1;
    to = Math.min(text.length, from + SNIPPET_LENGTH);
    const end = to === text.length ? -1 : text.lastIndexOf(' ', to);
    if (end > first) to = end;
    // Never inside a surrogate pair.
    if (isLowSurrogate(text, from)) from--;
    if (isLowSurrogate(text, to)) to++;
  }
  let out = from > 0 ? '…' : '';
  let at = from;
  for (const [start, end] of ranges) {
    if (end <= from || start >= to) continue;
    const s = Math.max(start, from);
    const e = Math.min(end, to);
    out += text.slice(at, s) + marks.start + text.slice(s, e) + marks.end;
    at = e;
  }
  out += text.slice(at, to);
  if (to < text.length) out += '…';
  return out;
}

const isLowSurrogate = (text: string, i: number) => {
  const code = text.charCodeAt(i);
  return code >= 0xdc00 && code <= 0xdfff;
};
