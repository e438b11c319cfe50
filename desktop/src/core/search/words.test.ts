import { describe, expect, it } from 'vitest';
import { indexedWords, segmenterVersion, wordsOf } from './words';
import { matchedRanges, parseQuery, snippetOf } from './query';
import { foldForSearch } from '../../common/fold';

const marks = { start: '[', end: ']' };
/** The text with the words `query` matches in brackets (what a snippet highlights). */
const highlighted = (text: string, query: string) => {
  const parsed = parseQuery(query);
  if (parsed === null) throw new Error('empty query');
  return snippetOf(text, matchedRanges(text, parsed.runs), marks);
};

describe('the words of a text, in every script', () => {
  it('splits Chinese and Japanese into characters, Thai by its dictionary, others at spaces', () => {
    expect(indexedWords('我们明天一起吃饭吧')).toBe('我 们 明 天 一 起 吃 饭 吧');
    expect(indexedWords('東京で寿司を食べました')).toBe('東 京 で 寿 司 を 食 べ ま し た');
    expect(indexedWords('ฉันชอบกินข้าวผัดมาก')).toBe('ฉัน ชอบ กิน ข้าว ผัด มาก');
    expect(indexedWords('안녕하세요 학교에 갑니다')).toBe('안녕하세요 학교에 갑니다');
    expect(indexedWords('iPhone用户很多')).toBe('iphone 用 户 很 多');
  });

  it('folds case, diacritics and compatibility forms, and keeps emoji as words', () => {
    expect(indexedWords('Café CRÈME Ünïcode ＡＢＣ ﾃｽﾄ')).toBe('cafe creme unicode abc テ ス ト');
    expect(indexedWords('Привет, МИР!')).toBe('привет мир');
    expect(indexedWords('great 👍🏽 👨‍👩‍👧 🇫🇷!')).toBe('great 👍 👨‍👩‍👧 🇫🇷');
  });

  it('folds a word exactly as the renderer folds member and mention searches (common/fold.ts)', () => {
    for (const word of ['Crème', 'BRÛLÉE', 'Ｆｕｌｌ', 'שָׁלוֹם', 'Ünal', 'Ζωή', 'Ёлка', 'KELVIN'])
      expect(indexedWords(word)).toBe(foldForSearch(word));
  });

  it('writes the same words for ASCII text through its shortcut as through the full rules', () => {
    const text = "Don't e-mail me at 3.14, OK?? (really)";
    expect(indexedWords(text)).toBe(
      wordsOf(text)
        .map((w) => w.folded)
        .join(' '),
    );
  });

  it('keeps the places of words in the original text', () => {
    const text = 'Él dijo: 吃饭';
    expect(wordsOf(text).map((w) => text.slice(w.start, w.end))).toEqual([
      'Él',
      'dijo',
      '吃',
      '饭',
    ]);
  });

  it('names the segmenter with the tokenizer version and the ICU version', () => {
    expect(segmenterVersion()).toMatch(/^v\d+\/icu=[\d.]+\/sample=[0-9a-f]+$/);
  });
});

describe('a query', () => {
  it('matches every run, each a phrase; the last word typed is a prefix (never a Han character)', () => {
    expect(parseQuery('qu FOX')?.match).toBe('"qu" AND "fox"*');
    expect(parseQuery('fox qu')?.match).toBe('"fox" AND "qu"*');
    expect(parseQuery('吃饭')?.match).toBe('"吃 饭"');
    expect(parseQuery('e-mail')?.match).toBe('"e mail"*');
    expect(parseQuery('ข้าวผัด')?.match).toBe('("ข้าว ผัด"* OR "ข้าวผัด"*)');
    expect(parseQuery('  ?! ')).toBeNull();
  });

  it('never lets typed quotes or operators into the expression', () => {
    expect(parseQuery('"; DROP TABLE events; -- NEAR( OR')?.match).toBe(
      '"drop" AND "table" AND "events" AND "near" AND "or"*',
    );
  });

  it('highlights what matched in the original text', () => {
    expect(highlighted('我们明天一起吃饭吧', '吃饭')).toBe('我们明天一起[吃饭]吧');
    expect(highlighted('Banana split, bananas!', 'banan')).toBe('[Banana] split, [bananas]!');
    expect(highlighted('Un café crème', 'creme')).toBe('Un café [crème]');
    expect(highlighted('ฉันชอบกินข้าวผัดมาก', 'ข้าว')).toBe('ฉันชอบกิน[ข้าว]ผัดมาก');
  });

  it('cuts a long message around the first hit, at word boundaries', () => {
    const text = `${'word '.repeat(40)}Banana split ${'tail '.repeat(40)}`;
    const snippet = highlighted(text, 'banana');
    expect(snippet.startsWith('…word')).toBe(true);
    expect(snippet).toContain('[Banana] split tail');
    expect(snippet.endsWith('tail…')).toBe(true);
    expect(snippet.length).toBeLessThan(160);
  });
});
