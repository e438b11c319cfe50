import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/harness';
import { memoryDb } from '../../test/memory-db';
import { openSqliteStore } from '../store/sqlite/index';
import {
  describeGridFsContract,
  describeMediaContract,
  gridFsInventory,
  type MediaPair,
  type MediaPairFactory,
} from './contract';
import { KEY_PATTERN } from './disk';
import {
  GRIDFS_BUCKET_NAME,
  STALE_UPLOAD_MS,
  databaseOf,
  downloadWindow,
  isStagingName,
  openGridFsMediaStore,
  stagingName,
} from './gridfs';
import { describeSweepRaceContract } from './contract-sweep-race';
import { openSqliteMediaIndex } from './sqlite';

// The GridFS store without a MongoDB server (none can run here, DESIGN §8): its pure parts, and
// its whole code path (with the driver's real GridFS upload and download streams) over an
// in-memory stand-in for the database's collections (test/memory-db.ts). The same contracts run
// against MongoDB itself in mongo.test.ts when MONGODB_URI is set.

describe('GridFS download window (inclusive HTTP ranges -> GridFS start/end, end exclusive)', () => {
  it('moves the end one past the last byte asked for', () => {
    expect(downloadWindow({ start: 0, end: 0 }, 10)).toEqual({ start: 0, end: 1 });
    expect(downloadWindow({ start: 2, end: 5 }, 10)).toEqual({ start: 2, end: 6 });
    expect(downloadWindow({ start: 0, end: 9 }, 10)).toEqual({ start: 0, end: 10 });
    expect(downloadWindow({ start: 9, end: 9 }, 10)).toEqual({ start: 9, end: 10 });
  });

  it('stops at the end of the file, which GridFS requires (a disk stream just stops there)', () => {
    expect(downloadWindow({ start: 5, end: 100 }, 10)).toEqual({ start: 5, end: 10 });
    expect(downloadWindow({ start: 0, end: Number.MAX_SAFE_INTEGER }, 10)).toEqual({
      start: 0,
      end: 10,
    });
  });

  it('is empty when nothing of the file lies in the range', () => {
    expect(downloadWindow({ start: 10, end: 20 }, 10)).toBeNull();
    expect(downloadWindow({ start: 50, end: 60 }, 10)).toBeNull();
    expect(downloadWindow({ start: 0, end: 0 }, 0)).toBeNull();
    expect(downloadWindow({ start: 5, end: 4 }, 10)).toBeNull();
  });
});

describe('GridFS staging names', () => {
  it('are never a content key, so no reader finds a file before it is committed', () => {
    const id = new mongoose.mongo.ObjectId();
    const name = stagingName(id);
    expect(name).toBe(`.upload-${id.toHexString()}`);
    expect(isStagingName(name)).toBe(true);
    expect(KEY_PATTERN.test(name)).toBe(false);
    expect(isStagingName('a'.repeat(64))).toBe(false);
    expect(isStagingName(`${'a'.repeat(64)}.thumb`)).toBe(false);
  });
});

describe('GridFS media store without a server', () => {
  it('needs an open connection', () => {
    expect(() => databaseOf(mongoose.createConnection())).toThrow(/not open/);
  });
});

// The index half of this pair is SQLite's: the media contract only needs some index beside the
// blob store, and MongoDB's index needs a server.
const dirs = new WeakMap<MediaPair, { remove(): void }>();
const standIn: MediaPairFactory = {
  async create() {
    const dir = tempDir('chitchat-gridfs-');
    const memory = memoryDb();
    const pair: MediaPair = {
      store: openSqliteStore(dir.dir),
      index: openSqliteMediaIndex(dir.dir),
      blobs: await openGridFsMediaStore(memory.db),
      inventory: () => gridFsInventory(memory.db),
    };
    dirs.set(pair, dir);
    return pair;
  },
  async destroy(pair) {
    await pair.index.close();
    await pair.store.close();
    dirs.get(pair)?.remove();
  },
};
describeMediaContract('sqlite index + GridFS blobs on an in-memory stand-in db', standIn);
describeSweepRaceContract('sqlite index + GridFS blobs on an in-memory stand-in db', standIn);

describeGridFsContract('in-memory stand-in db', {
  async open() {
    return { db: memoryDb().db, close: async () => undefined };
  },
});

describe('GridFS media store: races and failures (in-memory stand-in db, deterministic order)', () => {
  it('when two commits of the same bytes both find none stored, the later copy removes itself', async () => {
    const memory = memoryDb();
    const replicas = [await openGridFsMediaStore(memory.db), await openGridFsMediaStore(memory.db)];
    const bytes = randomBytes(1000);
    const staged = await Promise.all(replicas.map((r) => r.stage(Readable.from([bytes]), 1e6)));
    // Both look before either renames (each step is one await here).
    const keys = await Promise.all(staged.map((s) => s.commit(s.sha256)));
    expect(await gridFsInventory(memory.db)).toEqual([keys[0]]);
  });

  it('when the database fails mid-upload: removes the chunks written so far, leaves the note for the clean-up', async () => {
    const memory = memoryDb();
    let clock = Date.now();
    const blobs = await openGridFsMediaStore(memory.db, { now: () => clock });
    // The third chunk insert fails (chunks are 255 KiB).
    memory.collection(`${GRIDFS_BUCKET_NAME}.chunks`).failInsertAt = 3;
    const bytes = randomBytes(1024 * 1024);
    const chunks = Array.from({ length: 16 }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));
    await expect(blobs.stage(Readable.from(chunks), 10e6)).rejects.toThrow(/injected/);
    const left = await gridFsInventory(memory.db);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^unsettled write /);
    clock += STALE_UPLOAD_MS + 1;
    expect(await blobs.removeStaleUploads()).toBe(1);
    expect(await gridFsInventory(memory.db)).toEqual([]);
    // The store keeps working afterwards.
    const stagedChunks = await blobs.stage(Readable.from(chunks), 10e6);
    const key = await stagedChunks.commit(stagedChunks.sha256);
    expect(await gridFsInventory(memory.db)).toEqual([key]);
  });
});
