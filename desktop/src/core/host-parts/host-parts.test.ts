import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqlDriversForTests } from '../../../test/sql-drivers';
import type { HostFiles } from '../host';
import type { SqlDatabase } from '../local-store/sql';
import { sha256Hex } from './sha256';
import { sqlFiles } from './sql-files';

const drivers = await sqlDriversForTests();

describe('the browser host’s SHA-256', () => {
  it('agrees with node:crypto on text in several scripts and bytes of every padding length', () => {
    const node = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
    for (const text of ['', 'abc', 'https://chat.example.org', '我们明天一起吃饭吧', 'café 🙂']) {
      expect(sha256Hex(text)).toBe(node(text));
    }
    for (let length = 0; length < 200; length++) {
      const bytes = new Uint8Array(randomBytes(length));
      expect(sha256Hex(bytes)).toBe(node(bytes));
    }
    const large = new Uint8Array(randomBytes(1 << 20));
    expect(sha256Hex(large)).toBe(node(large));
  });
});

describe.each(drivers)('files kept in SQLite (the browser host’s) over $name', (driver) => {
  let dir: string;
  let db: SqlDatabase;
  let files: HostFiles;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'chitchat-files-'));
    db = driver.openDatabase(path.join(dir, 'files.sqlite'));
    files = sqlFiles(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes, reads, overwrites and removes files, and a folder with everything under it', () => {
    const photo = new Uint8Array([0, 1, 2, 255]);
    const outbox = files.join('/profile', 'outbox-files');
    files.write(files.join(outbox, 'k1-0'), photo);
    files.write(files.join(outbox, 'k1-1'), 'text');
    files.write('/profile/outbox-files0', 'a neighbour, not inside the folder');
    files.write('/profile/session.json', '{"a":1}');
    expect(files.read('/profile/outbox-files/k1-0')).toEqual(photo);
    expect(new TextDecoder().decode(files.read('/profile/outbox-files/k1-1') ?? undefined)).toBe(
      'text',
    );
    expect(files.dirname('/profile/outbox-files/k1-0')).toBe('/profile/outbox-files');
    files.write('/profile/session.json', '{"a":2}');
    expect(new TextDecoder().decode(files.read('/profile/session.json') ?? undefined)).toBe(
      '{"a":2}',
    );
    files.remove('/profile/outbox-files/k1-1');
    files.remove('/profile/never-there');
    expect(files.exists('/profile/outbox-files/k1-1')).toBe(false);
    expect(files.read('/profile/outbox-files/k1-1')).toBeNull();
    files.removeTree(outbox);
    expect(files.exists('/profile/outbox-files/k1-0')).toBe(false);
    expect(files.exists('/profile/outbox-files0')).toBe(true);
    expect(files.exists('/profile/session.json')).toBe(true);
  });

  it('keeps files across close and reopen', () => {
    files.write('/media/ab/abcd', new Uint8Array([7, 8, 9]));
    db.close();
    db = driver.openDatabase(path.join(dir, 'files.sqlite'));
    files = sqlFiles(db);
    expect(files.read('/media/ab/abcd')).toEqual(new Uint8Array([7, 8, 9]));
  });
});
