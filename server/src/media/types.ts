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
  /** Any upload of these bytes: its sniffed type, size and thumbnail hold for every copy. */
  anyWithContent(sha256: string): Promise<MediaRecord | null>;
  /**
   * True for the uploader, and for a user whose membership period of a conversation covers a
   * message that references the media (and is not deleted).
   */
  canRead(userId: string, mediaId: string): Promise<boolean>;
  /** Uploads created before `cutoff` that no message references, oldest first. */
  unreferencedBefore(cutoff: number, limit: number): Promise<MediaRecord[]>;
  /** Deletes the upload if it is still unreferenced and created before `cutoff`; true when it did. */
  deleteIfUnreferenced(id: string, cutoff: number): Promise<boolean>;
  /** True while any upload still names these bytes. */
  contentInUse(sha256: string): Promise<boolean>;
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
   * Puts the bytes under their content key and returns it; when the key already holds them, the
   * staged copy is dropped (identical bytes are stored once).
   */
  commit(): Promise<string>;
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
  /** Opens a stored object, optionally only `range` of it; null when it does not exist. */
  open(key: string, range?: ByteRange): Promise<Readable | null>;
  /** Deletes a stored object; a missing one is fine. */
  delete(key: string): Promise<void>;
}

/** How many leading bytes `StagedBlob.head` keeps. */
export const STAGED_HEAD_BYTES = 8 * 1024;

export class MediaTooLargeError extends Error {
  override name = 'MediaTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`the upload is larger than ${maxBytes} bytes`);
  }
}
