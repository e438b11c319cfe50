import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import {
  MEDIA_UNREFERENCED_TTL_MS,
  type AttachmentRef,
  type MediaUploadAnswer,
} from '@chitchat/shared';
import type { Logger } from '../logger';
import { canThumbnail, describeImage, sanitizeFileName, sniffType } from '../media/inspect';
import {
  MediaTooLargeError,
  type ByteRange,
  type MediaIndex,
  type MediaRecord,
  type MediaStore,
} from '../media/types';
import { ServiceError, forbidden, notFound } from './errors';
import type { AttachmentResolver } from './messaging';

export type MediaService = ReturnType<typeof createMediaService>;

const SWEEP_BATCH = 100;
const HOUR_MS = 60 * 60 * 1000;

export const attachmentRefOf = (record: MediaRecord): AttachmentRef => ({
  id: record.id,
  name: record.name,
  mime: record.mime,
  size: record.size,
  ...(record.width !== null && record.height !== null
    ? { width: record.width, height: record.height }
    : {}),
  thumbnail: record.thumbnailKey !== null,
});

const BYTE_UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** `1536` → "1.5 KiB", `5 * 2 ** 30` → "5 GiB": sizes as people read them in error messages. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 ? String(value) : String(Math.floor(value * 10) / 10);
  return `${shown} ${BYTE_UNITS[unit]}`;
}

/** The refusal of a file over MEDIA_MAX_BYTES, whether declared or counted. */
export const fileTooLarge = (maxBytes: number) =>
  new ServiceError('payload_too_large', `Files can be at most ${formatBytes(maxBytes)}.`);

/**
 * Runs tasks one at a time per key. Serializes, per content hash, "put the bytes in place and
 * record the upload" against "forget the last upload and delete the bytes", so a sweep never
 * deletes bytes an upload has just relied on. (Within one process: several processes sharing one
 * DATA_DIR could still race there, in the instant an expired copy of the same bytes is swept.)
 */
function keyedQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

/**
 * Uploads, downloads and the lifetime of media (DESIGN §3 Media, §6.5): bytes are checked by
 * content, readable only by the uploader and the members who can read a message that references
 * them, attachable only by their uploader, and removed a day after upload while no message
 * references them.
 */
export function createMediaService(deps: {
  index: MediaIndex;
  blobs: MediaStore;
  /** MEDIA_MAX_BYTES. */
  maxBytes: number;
  logger: Logger;
  now?: () => number;
  /** How often the periodic sweep runs (default: hourly; the first run a minute after start). */
  sweepEveryMs?: number;
}) {
  const { index, blobs, maxBytes, logger } = deps;
  const now = deps.now ?? Date.now;
  const exclusive = keyedQueue();

  async function opened(key: string): Promise<Readable> {
    const stream = await blobs.open(key);
    if (stream === null) throw new Error(`stored media ${key} vanished`);
    return stream;
  }

  /** Image size and thumbnail of bytes just put in place, or nulls for what is not an image. */
  async function imageFacts(sha256: string, storageKey: string, mime: string) {
    if (!canThumbnail(mime)) return { width: null, height: null, thumbnailKey: null };
    // Someone already uploaded these bytes: their image facts hold for every copy.
    const known = await index.anyWithContent(sha256);
    if (known !== null && known.thumbnailKey !== null) {
      return { width: known.width, height: known.height, thumbnailKey: known.thumbnailKey };
    }
    const facts = await describeImage(await buffer(await opened(storageKey)));
    if (facts === null) return { width: null, height: null, thumbnailKey: null };
    const thumbnailKey = await blobs.putThumbnail(storageKey, facts.thumbnail);
    return { width: facts.width, height: facts.height, thumbnailKey };
  }

  /** Deletes the bytes (and thumbnail) once no upload names them any more. */
  async function deleteUnusedBytes(
    content: Pick<MediaRecord, 'sha256' | 'storageKey' | 'thumbnailKey'>,
  ) {
    if (await index.contentInUse(content.sha256)) return;
    await blobs.delete(content.storageKey);
    if (content.thumbnailKey !== null) await blobs.delete(content.thumbnailKey);
  }

  /** Removes uploads that no message references and that are older than the TTL at `at`. */
  async function sweep(at = now()): Promise<number> {
    const cutoff = at - MEDIA_UNREFERENCED_TTL_MS;
    let removed = 0;
    for (;;) {
      const batch = await index.unreferencedBefore(cutoff, SWEEP_BATCH);
      let progress = 0;
      for (const upload of batch) {
        await exclusive(upload.sha256, async () => {
          // Re-checked atomically: a message may have referenced it since it was listed.
          if (!(await index.deleteIfUnreferenced(upload.id, cutoff))) return;
          progress += 1;
          await deleteUnusedBytes(upload);
        });
      }
      removed += progress;
      if (batch.length < SWEEP_BATCH || progress === 0) return removed;
    }
  }

  const attachments: AttachmentResolver = {
    async resolve(userId, mediaIds) {
      const refs: AttachmentRef[] = [];
      for (const id of new Set(mediaIds)) {
        const record = await index.get(id);
        // Unknown and someone else's alike: the answer does not tell which ids exist.
        if (record === null || record.uploaderUserId !== userId) {
          throw forbidden('Only media you uploaded can be attached.');
        }
        refs.push(attachmentRefOf(record));
      }
      return refs;
    },
  };

  return {
    maxBytes,
    attachments,
    sweep,

    /**
     * Streams an upload into storage and records it. `body` is read until it ends or passes
     * `maxBytes` (then `payload_too_large`, and nothing stays stored).
     */
    async upload(
      userId: string,
      body: Readable,
      hints: { name?: string; declaredMime?: string },
    ): Promise<MediaUploadAnswer> {
      let staged;
      try {
        staged = await blobs.stage(body, maxBytes);
      } catch (error) {
        if (error instanceof MediaTooLargeError) {
          throw fileTooLarge(maxBytes);
        }
        throw error;
      }
      const { sha256, size, head } = staged;
      try {
        return await exclusive(sha256, async () => {
          const storageKey = await staged.commit();
          let thumbnailKey: string | null = null;
          try {
            const type = await sniffType(await opened(storageKey), head, hints.declaredMime);
            const image = await imageFacts(sha256, storageKey, type.mime);
            thumbnailKey = image.thumbnailKey;
            const record = await index.recordUpload({
              id: randomUUID(),
              uploaderUserId: userId,
              name: sanitizeFileName(hints.name, type.ext),
              mime: type.mime,
              size,
              sha256,
              ...image,
              storageKey,
              createdAt: now(),
            });
            return { ...attachmentRefOf(record), sha256: record.sha256 };
          } catch (error) {
            await deleteUnusedBytes({ sha256, storageKey, thumbnailKey }).catch(
              (cleanupError: unknown) =>
                logger.error({ err: cleanupError, sha256 }, 'could not remove unrecorded media'),
            );
            throw error;
          }
        });
      } finally {
        await staged.discard();
      }
    },

    /** The upload, if `userId` may read it; `not_found` otherwise (existence is not revealed). */
    async readable(userId: string, mediaId: string): Promise<MediaRecord> {
      const record = await index.get(mediaId);
      if (record === null || !(await index.canRead(userId, mediaId))) {
        throw notFound('No such media.');
      }
      return record;
    },

    /** The stored bytes of an upload (or its thumbnail) the caller was authorized for. */
    async open(key: string, range?: ByteRange): Promise<Readable> {
      const stream = await blobs.open(key, range);
      if (stream === null) {
        logger.error({ key }, 'media is indexed but its bytes are missing');
        throw notFound('No such media.');
      }
      return stream;
    },

    /** Starts the periodic sweep; the returned function stops it and waits for a running one. */
    startSweeping(): () => Promise<void> {
      const every = deps.sweepEveryMs ?? HOUR_MS;
      let running: Promise<void> = Promise.resolve();
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const schedule = (delay: number) => {
        if (stopped) return;
        timer = setTimeout(() => {
          running = sweep().then(
            (removed) => {
              if (removed > 0) logger.info({ removed }, 'removed unreferenced media');
            },
            (error: unknown) => logger.error({ err: error }, 'media sweep failed'),
          );
          void running.then(() => schedule(every));
        }, delay);
        // Never what keeps the process alive.
        timer.unref();
      };
      schedule(Math.min(every, 60_000));
      return async () => {
        stopped = true;
        clearTimeout(timer);
        await running;
      };
    },
  };
}
