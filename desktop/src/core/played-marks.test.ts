import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from './emitter';
import { LocalStore } from './local-store/index';
import { PlayedMarks } from './played-marks';
import { nodeSqlDriver } from './local-store/driver.node.ts';

describe('PlayedMarks.sync', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('never rejects when the cache closed while a request was out (a stop or sign-out mid-sync)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'played-'));
    dirs.push(dir);
    const store = new LocalStore(nodeSqlDriver.openDatabase(path.join(dir, 'cache.sqlite')), 'me');
    store.played.markMine('c1', 3, 1);
    let answer: (value: { playedAt: number }) => void = () => {};
    const marks = new PlayedMarks({
      store,
      logger: silentLogger,
      // The server answers only after the engine stopped and closed the cache.
      call: (() => new Promise((resolve) => (answer = resolve))) as never,
      connected: () => true,
      changed: () => {},
    });
    const syncing = marks.sync();
    store.close();
    answer({ playedAt: 2 });
    await expect(syncing).resolves.toBeUndefined();
  });
});
