import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ContentMeter } from './meter';
import type { MediaStore, StagedBlob } from './types';

/** The folder under DATA_DIR that holds uploaded bytes and thumbnails. */
export const MEDIA_DIR_NAME = 'media';

/** Content keys (hex SHA-256) and their thumbnails' keys; nothing else ever becomes a path. */
export const KEY_PATTERN = /^[0-9a-f]{64}(?:\.thumb)?$/;
export const BLOB_KEY_PATTERN = /^[0-9a-f]{64}$/;
const TEMP_PREFIX = '.upload-';
/** Temp files this old are left over from a crash (no upload takes a day). */
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;

const isMissing = (error: unknown) =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';

/**
 * Uploaded bytes on local disk under `DATA_DIR/media/`: each file is named by its key (64 hex
 * digits, `storageKeyOf`; files from before per-account keys are named by their SHA-256) in a
 * folder named by its first two hex digits; a thumbnail sits
 * beside its original as `<sha256>.thumb`. Uploads are written to a temp file in `media/` itself
 * (same file system) and renamed into place, so a reader never sees a partial file.
 */
export function diskMediaStore(dataDir: string, options: { now?: () => number } = {}): MediaStore {
  const now = options.now ?? Date.now;
  const root = path.join(dataDir, MEDIA_DIR_NAME);
  mkdirSync(root, { recursive: true });
  removeStaleTemps(root, now());

  const pathOf = (key: string) => {
    if (!KEY_PATTERN.test(key)) throw new Error(`not a media key: ${JSON.stringify(key)}`);
    return path.join(root, key.slice(0, 2), key);
  };
  const tempPath = () => path.join(root, `${TEMP_PREFIX}${randomUUID()}.tmp`);

  async function moveIntoPlace(temp: string, key: string): Promise<void> {
    const destination = pathOf(key);
    await mkdir(path.dirname(destination), { recursive: true });
    await rename(temp, destination);
  }

  return {
    async stage(source: Readable, maxBytes: number): Promise<StagedBlob> {
      const temp = tempPath();
      const meter = new ContentMeter(maxBytes);
      const file = createWriteStream(temp, { flags: 'wx' });
      // Piped, not part of the pipeline: a failure must not destroy the source (for an HTTP
      // request that would reset the connection before the 413 could be sent).
      const onSourceError = (error: Error) => meter.destroy(error);
      const onSourceClose = () => {
        if (!source.readableEnded) meter.destroy(new Error('the upload was cut off'));
      };
      source.once('error', onSourceError);
      source.once('close', onSourceClose);
      source.pipe(meter);
      try {
        await pipeline(meter, file);
      } catch (error) {
        source.unpipe(meter);
        // Not `once(file, 'close')`: that rejects with the error the pipeline destroyed it with.
        if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
        await rm(temp, { force: true });
        throw error;
      } finally {
        source.off('error', onSourceError);
        source.off('close', onSourceClose);
      }

      let settled = false;
      return {
        sha256: meter.sha256,
        size: meter.size,
        head: meter.head,
        async commit(key: string, at = now()) {
          if (!BLOB_KEY_PATTERN.test(key)) throw new Error('not a content key');
          settled = true;
          // The file's mtime is the time a sweep compares (see `delete`). Setting it is the one
          // atomic step that both finds the file and protects it.
          const time = new Date(at);
          try {
            const stored = await stat(pathOf(key));
            if (stored.mtimeMs < at) await utimes(pathOf(key), time, time);
            await rm(temp, { force: true });
          } catch (error) {
            if (!isMissing(error)) throw error;
            await utimes(temp, time, time);
            await moveIntoPlace(temp, key);
          }
          return key;
        },
        async discard() {
          if (settled) return;
          settled = true;
          await rm(temp, { force: true });
        },
      };
    },

    async putThumbnail(storageKey: string, bytes: Buffer): Promise<string> {
      if (!BLOB_KEY_PATTERN.test(storageKey)) throw new Error('not a content key');
      const key = `${storageKey}.thumb`;
      const temp = tempPath();
      try {
        await writeFile(temp, bytes, { flag: 'wx' });
        await moveIntoPlace(temp, key);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return key;
    },

    async localFile(key) {
      const file = pathOf(key);
      try {
        await stat(file);
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
      return { path: file, release: async () => undefined };
    },

    async open(key, range) {
      let handle;
      try {
        handle = await open(pathOf(key), 'r');
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    },

    async delete(key, storedBefore) {
      const file = pathOf(key);
      if (storedBefore === undefined) {
        await rm(file, { force: true });
        return true;
      }
      // Several processes may share DATA_DIR, and a file system has no conditional delete: the
      // file is first moved aside (atomic), then judged by its mtime. A commit that refreshed it
      // before the move shows in that mtime, and the file goes back; one after the move finds no
      // file and puts its own in place. (Readers miss it in between, only in that race.)
      const aside = tempPath();
      try {
        await rename(file, aside);
      } catch (error) {
        if (isMissing(error)) return true;
        throw error;
      }
      if ((await stat(aside)).mtimeMs < storedBefore) {
        await rm(aside, { force: true });
        return true;
      }
      await rename(aside, file);
      return false;
    },
  };
}

/** Removes temp files a crash left behind (only old ones: another process may be uploading). */
function removeStaleTemps(root: string, now: number): void {
  for (const name of readdirSync(root)) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const file = path.join(root, name);
    try {
      if (now - statSync(file).mtimeMs > STALE_TEMP_MS) rmSync(file, { force: true });
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
}
