/** What only the GridFS media store must get right, and how a test sees what its bucket holds. */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import mongoose from 'mongoose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from './contract-support';
import { GRIDFS_BUCKET_NAME, STALE_UPLOAD_MS, openGridFsMediaStore } from './gridfs';

type Db = mongoose.mongo.Db;

/**
 * What a GridFS bucket holds, as `MediaPair.inventory` reports it: every file by name (staged ones
 * as `.upload-<id>`), chunks whose file is missing, and notes of writes not yet settled.
 */
export async function gridFsInventory(db: Db): Promise<string[]> {
  const files = await db.collection(`${GRIDFS_BUCKET_NAME}.files`).find({}).toArray();
  const ids = new Set(files.map((f) => String(f._id)));
  const chunkOwners: unknown[] = await db
    .collection(`${GRIDFS_BUCKET_NAME}.chunks`)
    .distinct('files_id', {});
  const orphans = chunkOwners.map(String).filter((id) => !ids.has(id));
  const notes = await db.collection(`${GRIDFS_BUCKET_NAME}.uploads`).find({}).toArray();
  return [
    ...files.map((f) => String(f.filename)),
    ...orphans.map((id) => `chunks of missing file ${id}`),
    ...notes.map((n) => `unsettled write ${String(n._id)}`),
  ].sort();
}

/** What only the GridFS store has to get right: crash leftovers and replicas racing each other. */
export function describeGridFsContract(
  name: string,
  factory: { open(): Promise<{ db: Db; close(): Promise<void> }> },
): void {
  describe(`GridFS media store: ${name}`, () => {
    let opened: { db: Db; close(): Promise<void> };
    let db: Db;
    beforeEach(async () => {
      opened = await factory.open();
      db = opened.db;
    });
    afterEach(async () => {
      await opened.close();
    });

    it('removes what a crashed write left once it is a day old, and never a committed file', async () => {
      let clock = Date.now();
      const blobs = await openGridFsMediaStore(db, { now: () => clock });
      const chunks = db.collection(`${GRIDFS_BUCKET_NAME}.chunks`);
      const notes = db.collection(`${GRIDFS_BUCKET_NAME}.uploads`);

      // A write cut off before its file document: chunks, and its note.
      const cut = new mongoose.mongo.ObjectId();
      await notes.insertOne({ _id: cut, startedAt: clock });
      await chunks.insertOne({ files_id: cut, n: 0, data: Buffer.alloc(10) });
      // A staged upload never committed: a whole file under its staging name.
      await blobs.stage(Readable.from([randomBytes(100)]), 1e6);
      // A commit whose note was left (the crash came just after the rename).
      const bytes = randomBytes(100);
      const key = await (await blobs.stage(Readable.from([bytes]), 1e6)).commit(sha256(bytes));
      const committed = await db
        .collection(`${GRIDFS_BUCKET_NAME}.files`)
        .findOne({ filename: key });
      await notes.insertOne({ _id: committed?._id, startedAt: clock });
      expect(await gridFsInventory(db)).toHaveLength(6);

      expect(await blobs.removeStaleUploads()).toBe(0); // too recent: may still be running
      clock += STALE_UPLOAD_MS + 1;
      expect(await blobs.removeStaleUploads()).toBe(2);
      expect(await gridFsInventory(db)).toEqual([key]);
      const stream = await blobs.open(key);
      expect(stream && (await buffer(stream)).equals(bytes)).toBe(true);
    });

    it('two replicas committing the same bytes at once keep one copy or more, and reads and deletes handle any', async () => {
      const replicas = [await openGridFsMediaStore(db), await openGridFsMediaStore(db)];
      const bytes = randomBytes(300 * 1024);
      const key = sha256(bytes);
      for (let round = 0; round < 5; round++) {
        const staged = await Promise.all(replicas.map((r) => r.stage(Readable.from([bytes]), 1e6)));
        expect(await Promise.all(staged.map((s) => s.commit(s.sha256)))).toEqual([key, key]);
        const names = await gridFsInventory(db);
        expect(names.length).toBeGreaterThanOrEqual(1);
        expect(names.every((stored) => stored === key)).toBe(true);
        const stream = await replicas[1]?.open(key);
        expect(stream && sha256(await buffer(stream))).toBe(key);
        await replicas[0]?.delete(key);
        expect(await gridFsInventory(db)).toEqual([]);
      }
    });

    it('of two thumbnails written at once, one stays', async () => {
      const replicas = [await openGridFsMediaStore(db), await openGridFsMediaStore(db)];
      const key = 'e'.repeat(64);
      await Promise.all(replicas.map((r, i) => r.putThumbnail(key, Buffer.from(`thumb ${i}`))));
      expect(await gridFsInventory(db)).toEqual([`${key}.thumb`]);
    });
  });
}
