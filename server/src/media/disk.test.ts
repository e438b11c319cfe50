import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/harness';
import { MEDIA_DIR_NAME, diskMediaStore } from './disk';

// What every blob store must do is in ./contract.ts (run by local.test.ts); this is the disk's own.
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('disk media store', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
  const fresh = () => {
    const dir = tempDir('chitchat-media-');
    dirs.push(dir);
    return { dir: dir.dir, root: path.join(dir.dir, MEDIA_DIR_NAME) };
  };
  const files = (root: string) =>
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
      .sort();

  it('keeps each object in a folder named by its first two hex digits, its thumbnail beside it', async () => {
    const { dir, root } = fresh();
    const store = diskMediaStore(dir);
    const bytes = randomBytes(1000);
    const key = await (await store.stage(Readable.from([bytes]), 1e6)).commit(sha256(bytes));
    expect(key).toBe(sha256(bytes));
    const thumb = await store.putThumbnail(key, Buffer.from('thumb'));
    expect(files(root)).toEqual(
      [path.join(key.slice(0, 2), key), path.join(key.slice(0, 2), thumb)].sort(),
    );
  });

  it('temp files left by a crash are removed at start once they are a day old', () => {
    const { dir, root } = fresh();
    diskMediaStore(dir);
    const old = path.join(root, '.upload-old.tmp');
    const recent = path.join(root, '.upload-recent.tmp');
    writeFileSync(old, 'partial');
    writeFileSync(recent, 'partial');
    const now = Date.now();
    utimesSync(old, new Date(now - 25 * 3600_000), new Date(now - 25 * 3600_000));
    diskMediaStore(dir, { now: () => now });
    expect(files(root)).toEqual(['.upload-recent.tmp']);
  });
});
