import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/harness';
import { MEDIA_DIR_NAME, diskMediaStore } from './disk';
import { MediaTooLargeError, STAGED_HEAD_BYTES } from './types';

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

  it('stages while hashing and counting, and commits identical bytes once', async () => {
    const { dir, root } = fresh();
    const store = diskMediaStore(dir);
    const bytes = randomBytes(3 * STAGED_HEAD_BYTES);
    const first = await store.stage(
      Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]),
      1e6,
    );
    expect(first).toMatchObject({ sha256: sha256(bytes), size: bytes.length });
    expect(first.head.equals(bytes.subarray(0, STAGED_HEAD_BYTES))).toBe(true);
    const key = await first.commit();
    expect(key).toBe(sha256(bytes));

    const second = await store.stage(Readable.from([bytes]), 1e6);
    expect(await second.commit()).toBe(key);
    await second.discard();
    expect(files(root)).toEqual([path.join(key.slice(0, 2), key)]);

    const whole = await store.open(key);
    expect(whole && (await buffer(whole)).equals(bytes)).toBe(true);
    const slice = await store.open(key, { start: 10, end: 19 });
    expect(slice && (await buffer(slice)).equals(bytes.subarray(10, 20))).toBe(true);
    expect(await store.open('0'.repeat(64))).toBeNull();
    await expect(store.open('../../etc/passwd')).rejects.toThrow(/not a media key/);
  });

  it('an upload over the limit is cut off, leaves nothing, and does not destroy its source', async () => {
    const { dir, root } = fresh();
    const store = diskMediaStore(dir);
    const source = new PassThrough();
    const staging = store.stage(source, 1000);
    for (let i = 0; i < 10; i++) source.write(Buffer.alloc(500));
    await expect(staging).rejects.toBeInstanceOf(MediaTooLargeError);
    expect(files(root)).toEqual([]);
    expect(source.destroyed).toBe(false);
  });

  it('an upload whose source fails leaves nothing', async () => {
    const { dir, root } = fresh();
    const store = diskMediaStore(dir);
    const source = new PassThrough();
    const staging = store.stage(source, 1e6);
    source.write(Buffer.alloc(500));
    source.destroy(new Error('connection reset'));
    await expect(staging).rejects.toThrow(/connection reset/);
    expect(files(root)).toEqual([]);
  });

  it('a discarded stage and a thumbnail leave exactly what they should', async () => {
    const { dir, root } = fresh();
    const store = diskMediaStore(dir);
    const staged = await store.stage(Readable.from([Buffer.from('hello')]), 100);
    await staged.discard();
    expect(files(root)).toEqual([]);
    const key = sha256(Buffer.from('x'));
    const thumb = await store.putThumbnail(key, Buffer.from('thumb'));
    expect(thumb).toBe(`${key}.thumb`);
    await store.delete(thumb);
    await store.delete(thumb);
    expect(files(root)).toEqual([]);
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
