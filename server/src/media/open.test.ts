import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/harness';
import { testConfig } from '../config';
import { createLogger } from '../logger';
import { openSqliteStore } from '../store/sqlite/index';
import { openMedia, openMongoMedia } from './open';

const logger = createLogger('silent');

describe('openMedia: the media of the store the configuration selected', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
  const fresh = () => {
    const dir = tempDir('chitchat-open-media-');
    dirs.push(dir);
    return dir.dir;
  };

  it('without MONGODB_URI: the SQLite index and DATA_DIR/media', async () => {
    const dir = fresh();
    const store = openSqliteStore(dir);
    const media = await openMedia(testConfig({ DATA_DIR: dir }), store, logger);
    try {
      await store.createUser({
        id: 'alice',
        username: 'alice',
        displayName: 'A',
        passwordHash: 'x',
        createdAt: 0,
      });
      const answer = await media.service.upload(
        { userId: 'alice', deviceId: 'd' },
        Readable.from([Buffer.from('hi\n')]),
        {
          name: 'hi.txt',
          declaredMime: 'text/plain',
        },
      );
      const record = await media.service.readable('alice', answer.id);
      expect((await buffer(await media.service.open(record.storageKey))).toString()).toBe('hi\n');
    } finally {
      await media.close();
      await store.close();
    }
  });

  it('with MONGODB_URI it needs the MongoDB store, and says so (the wiring itself: mongo.test.ts)', async () => {
    const dir = fresh();
    const store = openSqliteStore(dir);
    try {
      const config = testConfig({ DATA_DIR: dir, MONGODB_URI: 'mongodb://127.0.0.1:1/x' });
      await expect(openMedia(config, store, logger)).rejects.toThrow(/openMongoStore/);
      await expect(openMongoMedia(store, config, logger)).rejects.toThrow(/openMongoStore/);
    } finally {
      await store.close();
    }
  });
});
