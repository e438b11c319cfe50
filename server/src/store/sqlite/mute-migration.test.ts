import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database } from './driver';
import { SQLITE_FILE_NAME, openSqliteStore } from './index';
import { migrations } from './migrations/index';
import { migration012 } from './migrations/012-mute-account-state';

describe('sqlite migration: mute moves into the account state', () => {
  it("each muted membership becomes mute:<id> = always at the user's next versions; nothing else changes", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-migrate-mute-'));
    try {
      // Data as a server before the migration left it: muted flags on memberships and, for ann,
      // account-state entries already (versions 1 and 2).
      let store = openSqliteStore(dir);
      const user = (id: string) =>
        store.createUser({ id, username: id, displayName: id, passwordHash: 'h', createdAt: 1 });
      await user('ann');
      await user('ben');
      await user('cid');
      for (const id of ['g1', 'g2', 'g3'])
        await store.createGroup({
          id: `e-${id}`,
          userId: 'ann',
          deviceId: null,
          at: 5,
          conversationId: id,
          title: id,
          memberIds: ['ben', 'cid'],
        });
      await store.setMuted('g2', 'ann', true);
      await store.setMuted('g1', 'ann', true);
      await store.setMuted('g3', 'ben', true);
      await store.writeAccountState(
        'ann',
        [
          { key: 'star:g1:1', value: 'true' },
          { key: 'archive:g3', value: 'true' },
        ],
        { at: 1, maxEntries: 100 },
      );
      await store.close();
      // Migration 012 runs again on this data, alone: rewinding `user_version` would also re-run
      // the migrations after it (tables that exist already).
      const db = new Database(path.join(dir, SQLITE_FILE_NAME));
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      db.transaction(() => db.exec(migration012))();
      db.close();

      store = openSqliteStore(dir);
      try {
        expect((await store.accountStateSince('ann', 2, 10)).entries).toEqual([
          expect.objectContaining({ key: 'mute:g1', value: '"always"', version: 3 }),
          expect.objectContaining({ key: 'mute:g2', value: '"always"', version: 4 }),
        ]);
        expect((await store.accountStateSince('ann', 0, 10)).version).toBe(4);
        expect((await store.accountStateSince('ben', 0, 10)).entries).toEqual([
          expect.objectContaining({ key: 'mute:g3', value: '"always"', version: 1 }),
        ]);
        expect(await store.accountStateSince('cid', 0, 10)).toEqual({ version: 0, entries: [] });
        // The next write continues the versions gaplessly.
        const next = await store.writeAccountState('ann', [{ key: 'pin:g3', value: '1' }], {
          at: 2,
          maxEntries: 100,
        });
        expect(next.version).toBe(5);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
