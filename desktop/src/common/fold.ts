/*
 * How the apps fold text wherever a person searches it (issue #15 member search and mentions,
 * issue #16 message search): lower case, compatibility forms (full-width Latin, half-width kana)
 * and the diacritics of Latin, Greek, Cyrillic, Hebrew and Arabic removed, so "Émile" finds
 * "emile", "Ｆｕｌｌ" finds "full" and pointed Hebrew finds unpointed. One implementation: the
 * engine's search index (core/search/words.ts) and the renderer's searches fold alike.
 */

/** Combining marks of Latin/Greek/Cyrillic, Hebrew points and cantillation, Arabic harakat. */
const DIACRITICS =
  /[\u0300-\u036f\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u064b-\u065f\u0670]/g;
export const ASCII_ONLY = /^\p{ASCII}*$/u;

/** `text` as a search compares it; plain ASCII takes the quick path. */
export function foldForSearch(text: string): string {
  const lower = text.toLowerCase();
  if (ASCII_ONLY.test(lower)) return lower;
  return lower.normalize('NFKD').replace(DIACRITICS, '').normalize('NFC');
}
