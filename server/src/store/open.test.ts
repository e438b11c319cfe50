import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '../config';
import { openMongoStore } from './mongo/index';
import { StoreUnavailableError, openStore } from './open';
import { SQLITE_FILE_NAME } from './sqlite/index';
import { startFakeMongod } from '../../test/fake-mongod';
import { freePort } from '../../test/net';

describe('openStore: the store the configuration selects', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

  it('without MONGODB_URI opens the embedded SQLite file in DATA_DIR', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-open-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = await openStore(testConfig({ DATA_DIR: dir }));
    try {
      expect(existsSync(path.join(dir, SQLITE_FILE_NAME))).toBe(true);
      expect(store.storeEpoch()).toMatch(/^[0-9a-f-]{36}$/);
      await store.ping();
    } finally {
      await store.close();
    }
  });

  it('with MONGODB_URI pointing at nothing fails within the selection timeout, naming the server and what to check (no MongoDB needed)', async () => {
    const port = await freePort();
    const uri = `mongodb://app:s3cret@127.0.0.1:${port}/chitchat?serverSelectionTimeoutMS=500`;
    const started = Date.now();
    const failure = await openStore(
      testConfig({ MONGODB_URI: uri, DATA_DIR: '/nonexistent' }),
    ).then(
      () => new Error('opened a store on a closed port'),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    const message = failure instanceof Error ? failure.message : '';
    expect(message).toContain(`Cannot reach MongoDB at mongodb://***@127.0.0.1:${port}/chitchat`);
    expect(message).toContain('Check MONGODB_URI');
    expect(message).not.toContain('s3cret');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('an explicit selection timeout wins over the default', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(
      openMongoStore(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 300 }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('openMongoStore against a fake server (a wire-protocol stub: no MongoDB can run here)', () => {
  it('refuses a standalone mongod, saying it must be a replica set and how', async () => {
    const fake = await startFakeMongod();
    try {
      const failure = await openMongoStore(fake.uri).then(
        () => new Error('opened a store on a standalone server'),
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(StoreUnavailableError);
      expect(failure instanceof Error ? failure.message : '').toMatch(
        /standalone server, but the store needs transactions: run it as a replica set \(mongod --replSet rs0/,
      );
      expect(fake.commands).toContain('hello');
    } finally {
      await fake.close();
    }
  });
});
