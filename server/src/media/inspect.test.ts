import { describe, expect, it } from 'vitest';
import { MEDIA_NAME_MAX_LENGTH } from '@chitchat/shared';
import { essenceOf, looksLikeText, sanitizeFileName } from './inspect';

describe('file names and types', () => {
  it('keeps the last path segment without control or direction characters', () => {
    expect(sanitizeFileName('C:\\Users\\me\\photo.jpg', 'jpg')).toBe('photo.jpg');
    expect(sanitizeFileName('../../etc/passwd', null)).toBe('passwd');
    expect(sanitizeFileName('inv\u202eoice\u0000\u200f.pdf', null)).toBe('invoice.pdf');
    expect(sanitizeFileName('  spaced.txt  ', null)).toBe('spaced.txt');
  });

  it('never answers an empty or dot-only name', () => {
    expect(sanitizeFileName(undefined, 'png')).toBe('file.png');
    expect(sanitizeFileName('', null)).toBe('file');
    expect(sanitizeFileName('..', 'txt')).toBe('file.txt');
    expect(sanitizeFileName('dir/', null)).toBe('file');
  });

  it('cuts long names without splitting a character', () => {
    const long = `${'a'.repeat(MEDIA_NAME_MAX_LENGTH - 1)}😀😀`;
    const cut = sanitizeFileName(long, null);
    expect(cut).toBe('a'.repeat(MEDIA_NAME_MAX_LENGTH - 1));
    expect(sanitizeFileName('😀'.repeat(200), null)).toHaveLength(254);
    expect(sanitizeFileName('\ud800lone', null)).toBe('lone');
  });

  it('reads the essence of a content type and tells text from binary', () => {
    expect(essenceOf('Text/CSV; charset=utf-8')).toBe('text/csv');
    expect(essenceOf('')).toBeUndefined();
    expect(looksLikeText(Buffer.from('héllo'))).toBe(true);
    // A sample may end inside a character.
    expect(looksLikeText(Buffer.from('h\u00e9').subarray(0, 2))).toBe(true);
    expect(looksLikeText(Buffer.from([0x68, 0x00]))).toBe(false);
    expect(looksLikeText(Buffer.from([0xff, 0xfe, 0x41]))).toBe(false);
  });
});
