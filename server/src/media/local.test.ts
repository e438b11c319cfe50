import { readdirSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../test/harness';
import { openSqliteStore } from '../store/sqlite/index';
import { describeMediaContract, type MediaPair, type MediaPairFactory } from './contract';
import { describeProfilePhotoContract } from './contract-photos';
import { describeSweepRaceContract } from './contract-sweep-race';
import { MEDIA_DIR_NAME, diskMediaStore } from './disk';
import { openSqliteMediaIndex } from './sqlite';

// The embedded mode's media: the index in the store's SQLite file, the bytes under DATA_DIR/media.
// (media/mongo.test.ts holds MongoDB + GridFS to the same contract.)
const dirs = new WeakMap<MediaPair, { remove(): void }>();

const factory: MediaPairFactory = {
  async create() {
    const dir = tempDir('chitchat-media-');
    const store = openSqliteStore(dir.dir);
    const root = path.join(dir.dir, MEDIA_DIR_NAME);
    const pair: MediaPair = {
      store,
      index: openSqliteMediaIndex(dir.dir),
      blobs: diskMediaStore(dir.dir),
      async inventory() {
        return readdirSync(root, { recursive: true, withFileTypes: true })
          .filter((entry) => entry.isFile())
          .map((entry) => entry.name)
          .sort();
      },
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
describeMediaContract('sqlite + disk', factory);
describeProfilePhotoContract('sqlite + disk', factory);
describeSweepRaceContract('sqlite + disk', factory);
