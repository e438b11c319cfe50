import { describe, expect, it } from 'vitest';
import { hasUnsafeNameCharacter, withoutUnsafeNameCharacters } from './names';
import { displayNameSchema, groupTitleSchema, mediaFileNameSchema } from './schemas';

const REFUSED = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i),
  0x200b,
  0x202a,
  0x202b,
  0x202c,
  0x202d,
  0x202e,
  0x2060,
  0x2066,
  0x2067,
  0x2068,
  0x2069,
  0xfeff,
];

describe('the name rule', () => {
  it('refuses every listed code point in display names, group titles and file names', () => {
    for (const code of REFUSED) {
      const name = `Al${String.fromCodePoint(code)}ice`;
      expect(hasUnsafeNameCharacter(name), code.toString(16)).toBe(true);
      expect(displayNameSchema.safeParse(name).success, code.toString(16)).toBe(false);
      expect(groupTitleSchema.safeParse(name).success, code.toString(16)).toBe(false);
      expect(mediaFileNameSchema.safeParse(`${name}.png`).success, code.toString(16)).toBe(false);
      expect(withoutUnsafeNameCharacters(name)).toBe('Alice');
    }
    // Trimming never hides a refused character at either end.
    expect(displayNameSchema.safeParse('\uFEFFAlice').success).toBe(false);
    expect(displayNameSchema.safeParse('Alice\t').success).toBe(false);
  });

  it('keeps ZWNJ, ZWJ, marks and ordinary text', () => {
    for (const name of [
      'مهر\u200Cنوش',
      '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}',
      'שלום\u200F',
      'Zoë',
      'Ana María',
    ]) {
      expect(hasUnsafeNameCharacter(name), name).toBe(false);
      expect(displayNameSchema.parse(name)).toBe(name);
      expect(groupTitleSchema.parse(name)).toBe(name);
      expect(mediaFileNameSchema.parse(name)).toBe(name);
    }
  });
});
