import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

/** One upload as the media index keeps it (DESIGN §3 Media). */
export interface MediaRecord {
  id: string;
  uploaderUserId: string;
  /** Sanitized file name, as given at upload. */
  name: string;
  /** Sniffed from the bytes. */
  mime: string;
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  width: number | null;
  height: number | null;
  /** Where the MediaStore keeps the bytes. */
  storageKey: string;
  /** Where the MediaStore keeps the thumbnail, if there is one. */
  thumbnailKey: string | null;
  /** The (last) upload time; an unreferenced upload expires a day after it. */
  createdAt: number;
}

/**
 * Metadata of uploads and who may read them. Separate from the `Store` so that each store backend
 * can bring its own (SQLite: `media/sqlite.ts`; MongoDB: `media/mongo-index.ts`). Both are held to
 * `media/contract.ts`.
 */
export interface MediaIndex {
  /**
   * Records an upload. When the same user already uploaded the same bytes under the same name, that
   * upload is returned instead (its time moved forward to `createdAt`), so a retried upload gets the
   * same id and nothing is duplicated.
   */
  recordUpload(upload: MediaRecord): Promise<MediaRecord>;
  get(id: string): Promise<MediaRecord | null>;
  /**
   * Any upload whose bytes (`sha256`) are stored under `storageKey`: its image facts and thumbnail
   * hold for every upload of that object. (Objects are per account, see `storageKeyOf`.)
   */
  anyWithContent(sha256: string, storageKey: string): Promise<MediaRecord | null>;
  /**
   * The bytes this user's uploads occupy: each stored object counted once, however many uploads
   * name it (MEDIA_QUOTA_BYTES is checked against this).
   */
  usedBytes(uploaderUserId: string): Promise<number>;
  /**
   * True for the uploader, and for a user whose membership period of a conversation covers a
   * message that references the media (and is not deleted).
   */
  canRead(userId: string, mediaId: string): Promise<boolean>;
  /** Uploads created before `cutoff` that no message references, oldest first. */
  unreferencedBefore(cutoff: number, limit: number): Promise<MediaRecord[]>;
  /**
   * Marks uploads as used at `at` (their time moves forward to it, never back) before a message
   * that attaches them is written, so a sweep running meanwhile on any replica, which deletes only
   * uploads older than its cutoff (`deleteIfUnreferenced`), leaves them: of the two, whichever
   * writes first wins atomically, and the message never names a deleted upload. Returns the ids
   * that no longer exist (a sweep removed them first).
   */
  markUsed(ids: readonly string[], at: number): Promise<string[]>;
  /** Deletes the upload if it is still unreferenced and created before `cutoff`; true when it did. */
  deleteIfUnreferenced(id: string, cutoff: number): Promise<boolean>;
  /** True while any upload still names the object stored under `storageKey` (bytes `sha256`). */
  contentInUse(sha256: string, storageKey: string): Promise<boolean>;
  /**
   * Forgets every upload of this user, referenced or not (delete account, issue #15): `get`
   * finds none of them afterwards, so nobody can download them. Returns what was removed, for the
   * caller to delete the bytes.
   */
  removeUploadsOf(uploaderUserId: string): Promise<MediaRecord[]>;
  close(): Promise<void>;
}

/** Inclusive byte offsets, as in a `Range` header. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Bytes streamed into a MediaStore but not yet in place. */
export interface StagedBlob {
  sha256: string;
  size: number;
  /** The first bytes (at most `STAGED_HEAD_BYTES`), for sniffing. */
  head: Buffer;
  /**
   * Puts the bytes under `key` (64 hex digits: `storageKeyOf(uploader, sha256)`) and returns it;
   * when the key already holds them, the staged copy is dropped (stored once per key). Either way
   * the stored object's time becomes `at` (default: now; it never moves back), in one atomic step
   * with finding it there: a sweep on another replica then deletes it only if it is still older
   * than its cutoff (`delete`'s `storedBefore`), and when the sweep won, this finds nothing and
   * stores the staged copy (issue #18).
   */
  commit(key: string, at?: number): Promise<string>;
  /** Drops the staged bytes. Safe to call after commit (then a no-op). */
  discard(): Promise<void>;
}

/**
 * Where uploaded bytes live. Kept narrow so a GridFS implementation fits: stream in with a limit,
 * stream out with a range, store a small derived object, delete.
 */
export interface MediaStore {
  /**
   * Streams `source` to a staging place while hashing and counting it. Rejects with
   * MediaTooLargeError as soon as more than `maxBytes` arrive, and with the source's error if it
   * fails; either way nothing stays behind. `source` itself is never destroyed.
   */
  stage(source: Readable, maxBytes: number): Promise<StagedBlob>;
  /** Stores a thumbnail of the object at `storageKey`, replacing any; returns its key. */
  putThumbnail(storageKey: string, bytes: Buffer): Promise<string>;
  /**
   * The stored object as a file on local disk, for decoders that read files without holding them
   * in memory (sharp): the disk store's own file, or a temporary copy that `release` removes.
   * Null when the object does not exist.
   */
  localFile(key: string): Promise<LocalFile | null>;
  /** Opens a stored object, optionally only `range` of it; null when it does not exist. */
  open(key: string, range?: ByteRange): Promise<Readable | null>;
  /**
   * Deletes a stored object; a missing one is fine. With `storedBefore` (the sweep's cutoff), only
   * while its time (last commit) is still before it, checked atomically with the delete, so bytes
   * that an upload on any replica has just reused stay. False when a copy was kept for that
   * reason (the caller then keeps what belongs to it, such as its thumbnail).
   */
  delete(key: string, storedBefore?: number): Promise<boolean>;
}

export interface LocalFile {
  path: string;
  /** Removes the file when it is a temporary copy; the stored object stays either way. */
  release(): Promise<void>;
}

/**
 * Where one account's copy of some bytes is stored. Identical bytes are stored once per account,
 * never shared between accounts: a first upload costs the same whether or not someone else holds
 * the same bytes, so its timing reveals nothing about other people's files.
 */
export const storageKeyOf = (uploaderUserId: string, sha256: string): string =>
  createHash('sha256').update(`${uploaderUserId}\n${sha256}`).digest('hex');

/** How many leading bytes `StagedBlob.head` keeps. */
export const STAGED_HEAD_BYTES = 8 * 1024;

export class MediaTooLargeError extends Error {
  override name = 'MediaTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`the upload is larger than ${maxBytes} bytes`);
  }
}
