import { describe, expect, it } from 'vitest';
import { MEDIA_NAME_MAX_LENGTH } from '@chitchat/shared';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { oggOpusRecording, webmRecording } from './recordings';
import { essenceOf, looksLikeText, sanitizeFileName, sniffType } from './inspect';

/**
 * Sniffs `bytes` read from a file, as the media service reads stored uploads.
 */
async function sniff(bytes: Buffer, declared?: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'sniff-'));
  try {
    const file = path.join(dir, 'upload');
    await writeFile(file, bytes);
    return await sniffType(createReadStream(file), bytes, declared);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

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

  it('voice notes: Opus in WebM claimed as audio is audio/webm; Ogg Opus is audio by its bytes', async () => {
    expect(await sniff(webmRecording(), 'audio/webm;codecs=opus')).toEqual({
      mime: 'audio/webm',
      ext: 'webm',
    });
    // Unclaimed (or claimed as anything else) it stays what the bytes say.
    expect(await sniff(webmRecording())).toEqual({ mime: 'video/webm', ext: 'webm' });
    expect(await sniff(webmRecording(), 'text/plain')).toEqual({ mime: 'video/webm', ext: 'webm' });
    expect((await sniff(oggOpusRecording(), 'audio/ogg')).mime).toMatch(/^audio\/ogg/);
    // A claim never makes other bytes audio.
    expect((await sniff(Buffer.from('not a recording'), 'audio/webm')).mime).toBe(
      'application/octet-stream',
    );
  });
});
