import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import mongoose, { type Connection } from 'mongoose';
import { BLOB_KEY_PATTERN, KEY_PATTERN } from './disk';
import { ContentMeter } from './meter';
import type { ByteRange, MediaStore, StagedBlob } from './types';

const { GridFSBucket, ObjectId } = mongoose.mongo;
type ObjectId = mongoose.mongo.ObjectId;
type Db = mongoose.mongo.Db;

/*
 * Uploaded bytes in GridFS, for the scaled mode: every replica reads what any replica stored, and
 * the bytes live (and are backed up) with the database. Same contract as the disk store: a file's
 * GridFS `filename` is its content key (hex SHA-256, or `<sha256>.thumb` for its thumbnail), so
 * identical bytes are stored once.
 *
 * An upload streams into a file named `.upload-<id>` (never a content key, so no reader finds it)
 * and is renamed to its key on commit; GridFS writes a file's document only after its last chunk,
 * so a file that can be found is complete. Each write is announced first in `<bucket>.uploads`
 * (`{ _id: file id, startedAt }`) and the note removed when the write is settled, so what a crash
 * leaves (chunks without a file, a staged file never committed) is found and removed later.
 */

/** The GridFS bucket: collections `blobs.files` and `blobs.chunks` (plus `blobs.uploads`). */
export const GRIDFS_BUCKET_NAME = 'blobs';
const STAGING_PREFIX = '.upload-';
/** Writes announced this long ago were cut off by a crash (no upload takes a day). */
export const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;

export const stagingName = (id: ObjectId): string => `${STAGING_PREFIX}${id.toHexString()}`;
export const isStagingName = (filename: string): boolean => filename.startsWith(STAGING_PREFIX);

function requireKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new Error(`not a media key: ${JSON.stringify(key)}`);
}

/**
 * The GridFS download window for an inclusive byte range of a file of `length` bytes: GridFS's
 * `end` is exclusive and must not pass the file's end (disk streams just stop there). Null when
 * nothing of the file lies in the range.
 */
export function downloadWindow(
  range: ByteRange,
  length: number,
): { start: number; end: number } | null {
  const start = Math.max(0, range.start);
  const end = Math.min(range.end + 1, length);
  return start < end ? { start, end } : null;
}

interface FileDoc {
  _id: ObjectId;
  filename: string;
  length: number;
  uploadDate: Date;
}

interface UploadNote {
  _id: ObjectId;
  startedAt: number;
}

/** Writes one chunk and waits until GridFS has taken it (inserted, or buffered for the next). */
const write = (stream: Writable, chunk: Buffer) =>
  new Promise<void>((resolve, reject) => {
    stream.write(chunk, (error) => (error ? reject(error) : resolve()));
  });

export interface GridFsMediaStore extends MediaStore {
  /** Removes what crashed writes left (announced over STALE_UPLOAD_MS ago); returns how many. */
  removeStaleUploads(): Promise<number>;
}

/** The database of an open mongoose connection (the store's). */
export function databaseOf(connection: Connection): Db {
  const db = connection.db;
  if (db === undefined) throw new Error('The MongoDB connection is not open.');
  return db;
}

/**
 * Opens the GridFS media store in `db` (the store's database): creates the bucket's indexes when
 * missing (the driver would on first upload, but this deployment creates nothing lazily).
 */
export async function openGridFsMediaStore(
  db: Db,
  options: { bucketName?: string; now?: () => number } = {},
): Promise<GridFsMediaStore> {
  const bucketName = options.bucketName ?? GRIDFS_BUCKET_NAME;
  const files = db.collection<FileDoc>(`${bucketName}.files`);
  const chunks = db.collection(`${bucketName}.chunks`);
  const uploads = db.collection<UploadNote>(`${bucketName}.uploads`);
  // The indexes GridFS itself expects, and the one the clean-up of crashed writes needs.
  await files.createIndex({ filename: 1, uploadDate: 1 }, { name: 'filename_1_uploadDate_1' });
  await chunks.createIndex({ files_id: 1, n: 1 }, { unique: true, name: 'files_id_1_n_1' });
  await uploads.createIndex({ startedAt: 1 }, { name: 'uploads_by_started_at' });
  return gridFsMediaStore(db, { ...options, bucketName });
}

export function gridFsMediaStore(
  db: Db,
  options: { bucketName?: string; now?: () => number } = {},
): GridFsMediaStore {
  const now = options.now ?? Date.now;
  const bucketName = options.bucketName ?? GRIDFS_BUCKET_NAME;
  const bucket = new GridFSBucket(db, { bucketName });
  const files = db.collection<FileDoc>(`${bucketName}.files`);
  const chunks = db.collection(`${bucketName}.chunks`);
  const uploads = db.collection<UploadNote>(`${bucketName}.uploads`);

  /** The file doc first, so no reader finds it while its chunks go. */
  const removeFile = async (id: ObjectId) => {
    await files.deleteOne({ _id: id });
    await chunks.deleteMany({ files_id: id });
  };

  /**
   * The copy readers get, and the one twins committed at once keep: the first by id. Not by
   * upload time, which a commit reusing the bytes moves forward, so the order would change while
   * two commits compare (and both could remove themselves).
   */
  const firstFile = (key: string) => files.find({ filename: key }).sort({ _id: 1 }).limit(1).next();

  /**
   * Moves the time of every stored copy of `key` forward to `at`, each in one atomic write; false
   * when none exists (a sweep deleted it: the caller stores its own).
   */
  const refresh = async (key: string, at: Date) =>
    (await files.updateMany({ filename: key }, { $max: { uploadDate: at } })).matchedCount > 0;

  /** Copies of `key` stored before `file` (by upload time, then id). */
  const copiesBefore = (key: string, file: Pick<FileDoc, '_id' | 'uploadDate'>) =>
    files
      .find({
        filename: key,
        $or: [
          { uploadDate: { $lt: file.uploadDate } },
          { uploadDate: file.uploadDate, _id: { $lt: file._id } },
        ],
      })
      .project<Pick<FileDoc, '_id'>>({ _id: 1 })
      .toArray();

  const announce = async (id: ObjectId) => {
    await uploads.insertOne({ _id: id, startedAt: now() });
  };
  const settle = async (id: ObjectId) => {
    await uploads.deleteOne({ _id: id });
  };

  return {
    async stage(source: Readable, maxBytes: number): Promise<StagedBlob> {
      const id = new ObjectId();
      await announce(id);
      const upload = bucket.openUploadStream(stagingName(id), { id });
      // Its errors reach the write and end callbacks; this keeps them from being unhandled.
      upload.on('error', () => undefined);
      const meter = new ContentMeter(maxBytes);
      // As in the disk store: piped, so a failure never destroys the source.
      const onSourceError = (error: Error) => meter.destroy(error);
      const onSourceClose = () => {
        if (!source.readableEnded) meter.destroy(new Error('the upload was cut off'));
      };
      source.once('error', onSourceError);
      source.once('close', onSourceClose);
      source.pipe(meter);
      let databaseFailed = false;
      try {
        // One chunk at a time, each awaited: when this fails, no insert is still in flight, so
        // removing the chunks written so far really removes them all.
        for await (const chunk of meter as AsyncIterable<Buffer>) {
          try {
            await write(upload, chunk);
          } catch (error) {
            databaseFailed = true;
            throw error;
          }
        }
        upload.end();
        try {
          await finished(upload);
        } catch (error) {
          databaseFailed = true;
          throw error;
        }
      } catch (error) {
        source.unpipe(meter);
        meter.destroy();
        upload.destroy();
        await removeFile(id);
        // After a database error a chunk insert may still land: the note stays for the clean-up.
        if (!databaseFailed) await settle(id);
        throw error;
      } finally {
        source.off('error', onSourceError);
        source.off('close', onSourceClose);
      }

      let done = false;
      return {
        sha256: meter.sha256,
        size: meter.size,
        head: meter.head,
        async commit(key: string, at = now()) {
          if (!BLOB_KEY_PATTERN.test(key)) throw new Error('not a content key');
          done = true;
          const uploadDate = new Date(at);
          if (await refresh(key, uploadDate)) {
            await removeFile(id);
          } else {
            // GridFS's rename, with the time the sweep compares set in the same write.
            await files.updateOne({ _id: id }, { $set: { filename: key, uploadDate } });
            // Another replica may have committed the same bytes at the same moment: the first copy
            // stays, later ones remove themselves (reads and deletes handle copies anyway).
            const first = await firstFile(key);
            if (first !== null && !first._id.equals(id)) await removeFile(id);
          }
          await settle(id);
          return key;
        },
        async discard() {
          if (done) return;
          done = true;
          await removeFile(id);
          await settle(id);
        },
      };
    },

    async putThumbnail(storageKey: string, bytes: Buffer): Promise<string> {
      if (!BLOB_KEY_PATTERN.test(storageKey)) throw new Error('not a content key');
      const key = `${storageKey}.thumb`;
      const id = new ObjectId();
      await announce(id);
      const upload = bucket.openUploadStream(key, { id });
      try {
        upload.end(bytes);
        await finished(upload);
      } catch (error) {
        await removeFile(id);
        throw error;
      }
      // Replaces any earlier thumbnail; of two written at once, the later one stays.
      const written = upload.gridFSFile;
      if (written !== null) {
        for (const older of await copiesBefore(key, written)) await removeFile(older._id);
      }
      await settle(id);
      return key;
    },

    async localFile(key) {
      requireKey(key);
      const file = await firstFile(key);
      if (file === null) return null;
      // A private temp copy: GridFS objects have no path, and sharp must not get the whole file in
      // memory (it buffers a stream input whole).
      const folder = await mkdtemp(path.join(tmpdir(), 'chitchat-media-'));
      const copy = path.join(folder, 'object');
      const remove = () => rm(folder, { recursive: true, force: true });
      try {
        await pipeline(
          bucket.openDownloadStream(file._id),
          createWriteStream(copy, { flags: 'wx' }),
        );
      } catch (error) {
        await remove();
        throw error;
      }
      return { path: copy, release: remove };
    },

    async open(key, range) {
      requireKey(key);
      const file = await firstFile(key);
      if (file === null) return null;
      if (range === undefined) return bucket.openDownloadStream(file._id);
      const window = downloadWindow(range, file.length);
      if (window === null) return Readable.from([]);
      return bucket.openDownloadStream(file._id, window);
    },

    async delete(key, storedBefore) {
      requireKey(key);
      // Only the copies there now: one committed meanwhile by another replica stays.
      const copies = await files
        .find({ filename: key })
        .project<{ _id: ObjectId }>({ _id: 1 })
        .toArray();
      if (storedBefore === undefined) {
        for (const copy of copies) await removeFile(copy._id);
        return true;
      }
      let kept = false;
      for (const copy of copies) {
        // The file document only while a commit has not refreshed it; its chunks only when that
        // delete matched (no reader can find them after it).
        const { deletedCount } = await files.deleteOne({
          _id: copy._id,
          uploadDate: { $lt: new Date(storedBefore) },
        });
        if (deletedCount === 1) await chunks.deleteMany({ files_id: copy._id });
        else if ((await files.findOne({ _id: copy._id }, { projection: { _id: 1 } })) !== null) {
          kept = true;
        }
      }
      return !kept;
    },

    async removeStaleUploads() {
      const cutoff = now() - STALE_UPLOAD_MS;
      let removed = 0;
      for await (const note of uploads.find({ startedAt: { $lt: cutoff } })) {
        const file = await files.findOne({ _id: note._id }, { projection: { filename: 1 } });
        // A file renamed to its key was committed (the crash came just before the note went).
        if (file === null || isStagingName(file.filename)) {
          await removeFile(note._id);
          removed += 1;
        }
        await settle(note._id);
      }
      return removed;
    },
  };
}
