/*
 * How message text becomes searchable words, for every script people write in (issue #16).
 *
 * Neither better-sqlite3 nor the browser's sqlite-wasm can register an FTS5 tokenizer written in
 * JavaScript, and both hosts must search alike, so the text is segmented here, in portable code, and
 * FTS5 only splits what this file wrote at its spaces (the `ascii` tokenizer: every non-ASCII
 * character is part of a word, and the words written here hold no ASCII punctuation).
 *
 * - Scripts that separate words (Latin, Cyrillic, Greek, Arabic, Hebrew, Hangul, Devanagari...): a
 *   word is a run of letters, marks and digits.
 * - Han, Hiragana, Katakana and Bopomofo: each character is a word of its own, and a query's run is
 *   searched as a phrase of its characters. A dictionary segmenter splits "吃饭" one way in one
 *   sentence and another way in the next; characters always match, so any word inside a long
 *   sentence is found (two-character words too, which a trigram index would miss). Signal does the
 *   same.
 * - Thai, Lao, Khmer and Myanmar: characters carry no meaning alone and words are not separated,
 *   so the platform's dictionary segmenter (`Intl.Segmenter`, ICU) splits the run into words, and
 *   a query's run is segmented the same way. Its dictionaries change with the ICU version: the
 *   cache records `segmenterVersion()` and re-indexes in the background when it changes.
 * - Emoji are words (skin tones and variation selectors folded away, so 👍🏽 finds 👍).
 *
 * Every word is folded: lower case, compatibility forms (full-width Latin, half-width kana), and
 * the diacritics of Latin, Greek, Cyrillic, Hebrew and Arabic removed, so "Café" finds "cafe".
 */

import { ASCII_ONLY, foldForSearch } from '../../common/fold';

/** Bumped whenever the words written for a text change: caches re-index on a new value. */
const TOKENIZER_VERSION = 1;

/** One word of a text: where it is in the original (UTF-16 offsets) and its folded form. */
export interface Word {
  start: number;
  end: number;
  folded: string;
  /** A single Han/kana character (searched as part of a phrase, never as a prefix). */
  ideograph: boolean;
}

export const IDEOGRAPHIC = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Bopomofo}]/u;
export const DICTIONARY = /[\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
/**
 * A word: letters, marks and digits; or an emoji with its modifiers and joined parts. The emoji
 * branch comes first so a keycap or flag is not split.
 */
const WORD =
  /\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\uFE0F|\u20E3|\u200D\p{Extended_Pictographic})*|\p{Regional_Indicator}{2}|[\p{L}\p{M}\p{N}]+/gu;
const EMOJI_NOISE = /\p{Emoji_Modifier}|\uFE0F/gu;

let segmenter: Intl.Segmenter | null = null;
const wordSegmenter = () => (segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' }));

/** A word as the index holds it: folded as every search of the apps folds (common/fold.ts). */
const fold = foldForSearch;

/** The words of a text with their places in it, in order. */
export function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  for (const match of text.matchAll(WORD)) {
    const run = match[0];
    const at = match.index;
    if (/^\p{Extended_Pictographic}|^\p{Regional_Indicator}/u.test(run)) {
      const folded = run.replace(EMOJI_NOISE, '');
      words.push({ start: at, end: at + run.length, folded, ideograph: false });
    } else if (IDEOGRAPHIC.test(run)) {
      splitIdeographs(run, at, words);
    } else if (DICTIONARY.test(run)) {
      for (const part of wordSegmenter().segment(run)) {
        if (part.isWordLike !== true) continue;
        const start = at + part.index;
        words.push({
          start,
          end: start + part.segment.length,
          folded: fold(part.segment),
          ideograph: false,
        });
      }
    } else {
      words.push({ start: at, end: at + run.length, folded: fold(run), ideograph: false });
    }
  }
  return words;
}

/** Each Han/kana character alone; the other letters between them stay together. */
function splitIdeographs(run: string, at: number, words: Word[]): void {
  let pending = -1;
  let offset = 0;
  const flush = (end: number) => {
    if (pending < 0) return;
    words.push({
      start: at + pending,
      end: at + end,
      folded: fold(run.slice(pending, end)),
      ideograph: false,
    });
    pending = -1;
  };
  for (const char of run) {
    const start = offset;
    offset += char.length;
    if (IDEOGRAPHIC.test(char)) {
      flush(start);
      words.push({ start: at + start, end: at + offset, folded: fold(char), ideograph: true });
    } else if (/^\p{M}$/u.test(char) && pending < 0 && words.at(-1)?.end === at + start) {
      // A combining mark after a kana (a voicing mark typed apart) belongs to it.
      const last = words.at(-1);
      if (last !== undefined) {
        last.end = at + offset;
        last.folded = fold(run.slice(last.start - at, last.end - at));
      }
    } else if (pending < 0) {
      pending = start;
    }
  }
  flush(offset);
}

/** What the index holds for a message's text: its folded words, separated by spaces. */
export function indexedWords(text: string): string {
  if (ASCII_ONLY.test(text)) {
    // Most messages: the same words as wordsOf, without its per-word work.
    return text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 0)
      .join(' ');
  }
  return wordsOf(text)
    .map((w) => w.folded)
    .join(' ');
}

/** A sample of every dictionary-segmented script: its segmentation changes when ICU's does. */
const SAMPLE = 'ฉันชอบกินข้าวผัดมาก ຂ້ອຍມັກກິນເຂົ້າ ខ្ញុំចូលចិត្តញ៉ាំបាយ ကျွန်တော်ထမင်းစားတယ်';

/**
 * Names how this runtime segments text. Recorded in the cache; a different value (a new ICU in an
 * app update, or a new TOKENIZER_VERSION) re-indexes every message in the background. Node and
 * Electron name their ICU version; a browser has none to read, so the segmentation of a fixed
 * sample stands for it there.
 */
export function segmenterVersion(): string {
  const sample = [...wordSegmenter().segment(SAMPLE)].map((s) => s.segment).join('|');
  let hash = 0x811c9dc5;
  for (let i = 0; i < sample.length; i++) {
    hash ^= sample.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  const icu = typeof process === 'undefined' ? undefined : process.versions.icu;
  return `v${TOKENIZER_VERSION}/icu=${icu ?? 'unknown'}/sample=${hash.toString(16)}`;
}
