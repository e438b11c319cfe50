import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  IMAGE_MAX_PIXELS,
  MEDIA_UNREFERENCED_TTL_MS,
  type AttachmentRef,
  type MediaUploadAnswer,
} from '@chitchat/shared';
import type { Logger } from '../logger';
import { canThumbnail, describeImage, sanitizeFileName, sniffType } from '../media/inspect';
import {
  MediaTooLargeError,
  storageKeyOf,
  type ByteRange,
  type MediaIndex,
  type MediaRecord,
  type MediaStore,
} from '../media/types';
import { ServiceError, forbidden, notFound } from './errors';
import { TokenBuckets } from './token-bucket';
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

const imageTooLarge = () =>
  new ServiceError(
    'payload_too_large',
    `Images can be at most ${IMAGE_MAX_PIXELS / 1_000_000} megapixels; send a smaller one.`,
  );

/** The refusal of an upload that would take the account past MEDIA_QUOTA_BYTES. */
const overQuota = (usedBytes: number, quotaBytes: number, size?: number) =>
  new ServiceError(
    'payload_too_large',
    `Your uploads use ${formatBytes(usedBytes)} of your ${formatBytes(quotaBytes)} storage quota` +
      `${size === undefined ? '' : `, and this file (${formatBytes(size)}) would pass it`}. ` +
      'Files nobody was sent are removed after a day.',
    { usedBytes, quotaBytes },
  );

/** Upload limits per device (in memory, per process, as the send rate: a device uploads here). */
export interface UploadLimits {
  /** MEDIA_QUOTA_BYTES: what one account's uploads may occupy. */
  quotaBytes: number;
  /** RATE_LIMIT_UPLOAD: uploads per minute per device (a bucket of that many, refilled per minute). */
  perMinute: number;
  /** MEDIA_UPLOADS_CONCURRENT: uploads one device may have in progress at once. */
  concurrentPerDevice: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  quotaBytes: 5 * 1024 ** 3,
  perMinute: 60,
  concurrentPerDevice: 4,
};

/**
 * Runs tasks one at a time per key. Serializes, per storage key, "put the bytes in place and
 * record the upload" against "forget the last upload and delete the bytes", so a sweep never
 * deletes bytes an upload has just relied on. Across processes and replicas the blob stores close
 * the same race themselves: a commit that reuses stored bytes moves their time forward, and the
 * sweep's delete matches only bytes still older than its cutoff (`MediaStore.delete`).
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
 * them, attachable by whoever may read them, and removed a day after upload while no message
 * references them.
 */
export function createMediaService(deps: {
  index: MediaIndex;
  blobs: MediaStore;
  /** MEDIA_MAX_BYTES. */
  maxBytes: number;
  /** Quota, rate and concurrency (DEFAULT_UPLOAD_LIMITS when absent). */
  limits?: Partial<UploadLimits>;
  logger: Logger;
  now?: () => number;
  /** How often the periodic sweep runs (default: hourly; the first run a minute after start). */
  sweepEveryMs?: number;
}) {
  const { index, blobs, maxBytes, logger } = deps;
  const now = deps.now ?? Date.now;
  const exclusive = keyedQueue();
  const limits = { ...DEFAULT_UPLOAD_LIMITS, ...deps.limits };
  const uploadRate = new TokenBuckets(limits.perMinute / 60, limits.perMinute, now);
  const inProgress = new Map<string, number>();

  /** Takes a place among the device's uploads in progress; the returned function gives it back. */
  function admit(deviceId: string): () => void {
    if (!uploadRate.take(deviceId)) {
      throw new ServiceError(
        'rate_limited',
        `At most ${limits.perMinute} uploads a minute from one device; try again shortly.`,
        { retryAfterS: Math.max(1, Math.ceil(60 / limits.perMinute)) },
      );
    }
    const running = inProgress.get(deviceId) ?? 0;
    if (running >= limits.concurrentPerDevice) {
      throw new ServiceError(
        'rate_limited',
        `At most ${limits.concurrentPerDevice} uploads at once from one device; wait for one to finish.`,
        { retryAfterS: 1 },
      );
    }
    inProgress.set(deviceId, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (inProgress.get(deviceId) ?? 1) - 1;
      if (left <= 0) inProgress.delete(deviceId);
      else inProgress.set(deviceId, left);
    };
  }

  async function opened(key: string): Promise<Readable> {
    const stream = await blobs.open(key);
    if (stream === null) throw new Error(`stored media ${key} vanished`);
    return stream;
  }

  /**
   * Image size and thumbnail of bytes just put in place, or nulls for what is not an image. sharp
   * reads the stored file itself (a stream input it would hold whole in memory), and an image
   * over IMAGE_MAX_PIXELS is refused before it is decoded (a decompression bomb).
   */
  async function imageFacts(sha256: string, storageKey: string, mime: string) {
    if (!canThumbnail(mime)) return { width: null, height: null, thumbnailKey: null };
    // This account already uploaded these bytes: the facts of that upload hold.
    const known = await index.anyWithContent(sha256, storageKey);
    if (known !== null && known.thumbnailKey !== null) {
      return { width: known.width, height: known.height, thumbnailKey: known.thumbnailKey };
    }
    const file = await blobs.localFile(storageKey);
    if (file === null) throw new Error(`stored media ${storageKey} vanished`);
    let facts;
    try {
      facts = await describeImage(file.path);
    } finally {
      await file.release();
    }
    if (facts === 'too_many_pixels') throw imageTooLarge();
    if (facts === null) return { width: null, height: null, thumbnailKey: null };
    const thumbnailKey = await blobs.putThumbnail(storageKey, facts.thumbnail);
    return { width: facts.width, height: facts.height, thumbnailKey };
  }

  /**
   * Deletes the bytes (and thumbnail) once no upload names them any more. The sweep passes its
   * cutoff: the bytes then go only if no upload on any replica has reused them since (their time
   * is still before it, checked by the blob store atomically with the delete), and the thumbnail
   * only with them.
   */
  async function deleteUnusedBytes(
    content: Pick<MediaRecord, 'sha256' | 'storageKey' | 'thumbnailKey'>,
    storedBefore?: number,
  ) {
    if (await index.contentInUse(content.sha256, content.storageKey)) return;
    if (!(await blobs.delete(content.storageKey, storedBefore))) return;
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
        await exclusive(upload.storageKey, async () => {
          // Re-checked atomically: a message may have referenced it since it was listed.
          if (!(await index.deleteIfUnreferenced(upload.id, cutoff))) return;
          progress += 1;
          await deleteUnusedBytes(upload, cutoff);
        });
      }
      removed += progress;
      if (batch.length < SWEEP_BATCH || progress === 0) return removed;
    }
  }

  async function stageAndRecord(
    userId: string,
    body: Readable,
    hints: { name?: string; declaredMime?: string; declaredLength?: number },
  ): Promise<MediaUploadAnswer> {
    const declared = hints.declaredLength;
    if (declared !== undefined && declared > maxBytes) throw fileTooLarge(maxBytes);
    const usedBefore = await index.usedBytes(userId);
    const left = Math.max(0, limits.quotaBytes - usedBefore);
    if (declared !== undefined && declared > left) {
      throw overQuota(usedBefore, limits.quotaBytes, declared);
    }
    const cap = Math.min(maxBytes, left);
    let staged;
    try {
      staged = await blobs.stage(body, cap);
    } catch (error) {
      if (error instanceof MediaTooLargeError) {
        throw cap < maxBytes ? overQuota(usedBefore, limits.quotaBytes) : fileTooLarge(maxBytes);
      }
      throw error;
    }
    const { sha256, size, head } = staged;
    const storageKey = storageKeyOf(userId, sha256);
    try {
      return await exclusive(storageKey, async () => {
        const storedBefore = (await index.anyWithContent(sha256, storageKey)) !== null;
        // The bytes' time is the upload's: never later than the time of the record naming them,
        // so the sweep that removes the last such record can remove them too.
        const at = now();
        const storedKey = await staged.commit(storageKey, at);
        let thumbnailKey: string | null = null;
        try {
          const type = await sniffType(await opened(storedKey), head, hints.declaredMime);
          const image = await imageFacts(sha256, storedKey, type.mime);
          thumbnailKey = image.thumbnailKey;
          // Again, now that the size is known: uploads in progress at once (other devices) may
          // have used the room this one was counted against. Bytes already stored add nothing.
          const used = await index.usedBytes(userId);
          if (!storedBefore && used + size > limits.quotaBytes) {
            throw overQuota(used, limits.quotaBytes, size);
          }
          const record = await index.recordUpload({
            id: randomUUID(),
            uploaderUserId: userId,
            name: sanitizeFileName(hints.name, type.ext),
            mime: type.mime,
            size,
            sha256,
            ...image,
            storageKey: storedKey,
            createdAt: at,
          });
          return { ...attachmentRefOf(record), sha256: record.sha256 };
        } catch (error) {
          await deleteUnusedBytes({ sha256, storageKey: storedKey, thumbnailKey }).catch(
            (cleanupError: unknown) =>
              logger.error({ err: cleanupError, sha256 }, 'could not remove unrecorded media'),
          );
          throw error;
        }
      });
    } finally {
      await staged.discard();
    }
  }

  /**
   * A sender may attach media they can read (DESIGN §6.5): their own uploads, and media of a
   * message visible to them inside their periods, which is what forwarding reuses without a
   * second upload. Unknown, removed and unreadable ids get one answer, so ids reveal nothing.
   */
  const attachments: AttachmentResolver = {
    async resolve(userId, mediaIds) {
      const refs: AttachmentRef[] = [];
      for (const id of new Set(mediaIds)) {
        const record = await index.get(id);
        const readable =
          record !== null &&
          (record.uploaderUserId === userId || (await index.canRead(userId, id)));
        if (!readable) throw forbidden('Only media you can see can be attached.');
        refs.push(attachmentRefOf(record));
      }
      // Used now: a sweep on any replica keeps them until this message references them (a sweep
      // that removed one first makes it unknown, answered as above).
      if (
        (
          await index.markUsed(
            refs.map((r) => r.id),
            now(),
          )
        ).length > 0
      ) {
        throw forbidden('Only media you can see can be attached.');
      }
      return refs;
    },
  };

  return {
    maxBytes,
    attachments,
    sweep,

    /**
     * Streams an upload into storage and records it, after the device's rate and concurrency
     * limits (`rate_limited`). `body` is read until it ends or passes `maxBytes` or what is left
     * of the account's quota (then `payload_too_large`, and nothing stays stored); a declared
     * length over either is refused before a byte is read.
     */
    async upload(
      caller: { userId: string; deviceId: string },
      body: Readable,
      hints: { name?: string; declaredMime?: string; declaredLength?: number },
    ): Promise<MediaUploadAnswer> {
      const release = admit(caller.deviceId);
      try {
        return await stageAndRecord(caller.userId, body, hints);
      } finally {
        release();
      }
    },

    /**
     * Deletes every upload of an account being deleted (issue #15) and the bytes no other upload
     * names: its photos, videos, files and voice notes are gone for everyone (what others' devices
     * cached stays with them). Returns how many uploads went.
     */
    async removeUploadsOf(userId: string): Promise<number> {
      const removed = await index.removeUploadsOf(userId);
      for (const upload of removed) {
        await exclusive(upload.storageKey, () => deleteUnusedBytes(upload));
      }
      return removed.length;
    },

    /**
     * The upload, if `userId` may read it; `not_found` otherwise (existence is not revealed).
     * `orIf` is asked when the media rules refuse: someone's profile photo, within its audience.
     */
    async readable(
      userId: string,
      mediaId: string,
      orIf?: (userId: string, mediaId: string) => Promise<boolean>,
    ): Promise<MediaRecord> {
      const record = await index.get(mediaId);
      if (record === null) throw notFound('No such media.');
      if (!(await index.canRead(userId, mediaId)) && !(await orIf?.(userId, mediaId))) {
        throw notFound('No such media.');
      }
      return record;
    },

    /** True when `mediaId` is an image with a thumbnail that `userId` uploaded (a profile photo). */
    async isOwnImage(userId: string, mediaId: string): Promise<boolean> {
      const record = await index.get(mediaId);
      return (
        record !== null &&
        record.uploaderUserId === userId &&
        record.mime.startsWith('image/') &&
        record.width !== null &&
        record.thumbnailKey !== null
      );
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
