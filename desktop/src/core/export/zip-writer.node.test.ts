import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { crc32 } from './zip-writer';
import { fileZipWriter } from './zip-writer.node.ts';

describe('ZipWriter', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const temp = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'zip-'));
    dirs.push(dir);
    return dir;
  };

  it('computes CRC-32 as the standard check value says', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it('writes an archive that Info-ZIP reads back byte for byte: deflated text, stored binary, UTF-8 names', async () => {
    const file = path.join(temp(), 'out.zip');
    const zip = fileZipWriter(file, new Date(2026, 11, 5, 14, 30, 10));
    const text = Buffer.from('שלום '.repeat(2_000));
    const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256));
    await zip.add('chats/001-שלום.txt', text);
    await zip.add('media/bytes.bin', binary, { compress: false });
    await zip.add('empty.txt', new Uint8Array());
    await expect(zip.add('empty.txt', new Uint8Array())).rejects.toThrow(/duplicate/);
    await zip.finish();

    expect(execFileSync('unzip', ['-tq', file]).toString()).toMatch(/No errors detected/);
    expect(execFileSync('unzip', ['-Z1', file]).toString().trim().split('\n')).toEqual([
      'chats/001-שלום.txt',
      'media/bytes.bin',
      'empty.txt',
    ]);
    expect(Buffer.compare(execFileSync('unzip', ['-p', file, 'chats/001-שלום.txt']), text)).toBe(0);
    expect(Buffer.compare(execFileSync('unzip', ['-p', file, 'media/bytes.bin']), binary)).toBe(0);
    // The text was compressed, the binary stored; the time is the export's.
    const listing = execFileSync('unzip', ['-v', file]).toString();
    expect(listing).toMatch(/Defl:N.*2026-12-05 14:30.*001-/s);
    expect(listing).toMatch(/Stored\s+70000\s+0%/);
  });
});
