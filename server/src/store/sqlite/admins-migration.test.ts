import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Database } from './driver';
import { describe, expect, it } from 'vitest';
import { SQLITE_FILE_NAME, openSqliteStore } from './index';
import { migrations } from './migrations/index';
import { migration010 } from './migrations/010-admins-invites';

describe('sqlite migration: admins and invites', () => {
  it('keeps existing accounts, as members, except the oldest, which becomes admin', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-migrate-admins-'));
    try {
      // A database as the migration before this one left it, with three people.
      const before = migrations.indexOf(migration010);
      const db = new Database(path.join(dir, SQLITE_FILE_NAME));
      for (const sql of migrations.slice(0, before)) db.exec(sql);
      db.prepare("INSERT INTO meta (key, value) VALUES ('store_epoch', 'e')").run();
      db.pragma(`user_version = ${before}`);
      const insert = db.prepare(
        `INSERT INTO users (id, username, username_key, display_name, password_hash, created_at)
         VALUES (?, ?, ?, ?, 'h', ?)`,
      );
      insert.run('ben', 'ben', 'ben', 'Ben', 2);
      insert.run('ann', 'ann', 'ann', 'Ann', 1);
      insert.run('cid', 'cid', 'cid', 'Cid', 3);
      db.close();

      const store = openSqliteStore(dir);
      try {
        const users = await store.listUsers();
        expect(users.map((u) => [u.id, u.role, u.disabledAt])).toEqual([
          ['ann', 'admin', null],
          ['ben', 'member', null],
          ['cid', 'member', null],
        ]);
        expect(await store.listInvites()).toEqual([]);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
