import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Database } from './driver';
import { describe, expect, it } from 'vitest';
import { describeStoreContract } from '../contract';
import type { Store } from '../types';
import { migrations } from './migrations/index';
import { SQLITE_FILE_NAME, openSqliteStore } from './index';

const dirs = new WeakMap<Store, string>();

describeStoreContract('sqlite', {
  async create() {
    const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-store-'));
    const store = openSqliteStore(dir);
    dirs.set(store, dir);
    return store;
  },
  async reopen(store) {
    const dir = dirs.get(store);
    if (dir === undefined) throw new Error('unknown store');
    await store.close();
    const reopened = openSqliteStore(dir);
    dirs.set(reopened, dir);
    return reopened;
  },
  async destroy(store) {
    await store.close();
    const dir = dirs.get(store);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  },
});

describe('sqlite migrations', () => {
  it('bring a new file to the latest version in WAL mode, and refuse a newer schema', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-migrate-'));
    try {
      const store = openSqliteStore(dir);
      await store.close();
      const db = new Database(path.join(dir, SQLITE_FILE_NAME));
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.pragma(`user_version = ${migrations.length + 1}`);
      db.close();
      expect(() => openSqliteStore(dir)).toThrow(/newer than this server/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sqlite durability', () => {
  it("acks after the fsync: the store's own connection runs WAL with synchronous=FULL (2)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-durable-'));
    try {
      const store = openSqliteStore(dir);
      try {
        expect(store.connectionSettings()).toEqual({ journalMode: 'wal', synchronous: 2 });
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sqlite migration 7 (relationships)', () => {
  it('backfills contacts from existing direct chats, so they count as accepted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-migrate6-'));
    try {
      // A database as version 6 left it: two people with a direct chat, a third in a group only.
      const db = new Database(path.join(dir, SQLITE_FILE_NAME));
      for (const sql of migrations.slice(0, 6)) db.exec(sql);
      db.prepare("INSERT INTO meta (key, value) VALUES ('store_epoch', 'e')").run();
      db.pragma('user_version = 6');
      for (const id of ['ann', 'ben', 'cid']) {
        db.prepare(
          `INSERT INTO users (id, username, username_key, display_name, password_hash, created_at)
           VALUES (?, ?, ?, ?, 'h', 1)`,
        ).run(id, id, id, id);
      }
      const chat = db.prepare(
        `INSERT INTO conversations (id, kind, title, created_by, created_at, version, direct_key)
         VALUES (?, ?, NULL, 'ann', 7, 1, ?)`,
      );
      chat.run('d1', 'direct', 'ann:ben');
      chat.run('g1', 'group', null);
      const member = db.prepare(
        `INSERT INTO memberships (conversation_id, user_id, role, version, active, periods)
         VALUES (?, ?, 'member', 1, 1, '[[1,null]]')`,
      );
      member.run('d1', 'ann');
      member.run('d1', 'ben');
      member.run('g1', 'ann');
      member.run('g1', 'cid');
      db.close();

      const store = openSqliteStore(dir);
      try {
        expect(await store.contactsAmong('ann', ['ben', 'cid'])).toEqual(['ben']);
        expect(await store.contactsAmong('ben', ['ann', 'cid'])).toEqual(['ann']);
        expect(await store.contactsAmong('cid', ['ann'])).toEqual([]);
        expect(await store.getUser('ann')).toMatchObject({
          groupAdds: 'everyone',
          lastSeenVisibility: 'contacts',
        });
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sqlite indexes', () => {
  it('the hot lookups of the send path use their indexes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-plan-'));
    try {
      await openSqliteStore(dir).close();
      const db = new Database(path.join(dir, SQLITE_FILE_NAME));
      const plan = (sql: string) =>
        db
          .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
          .all()
          .map((row) => row.detail)
          .join('; ');
      try {
        expect(
          plan(`SELECT * FROM events WHERE sender_user_id = 'u' AND client_msg_id = 'k'`),
        ).toMatch(/USING INDEX events_client_msg_key \(client_msg_id=\? AND sender_user_id=\?\)/);
        expect(plan(`SELECT * FROM events WHERE sender_user_id = 'u' AND op_id = 'k'`)).toMatch(
          /USING INDEX events_op_key \(op_id=\? AND sender_user_id=\?\)/,
        );
        expect(
          plan(`SELECT * FROM events WHERE conversation_id = 'c' AND seq > 5 ORDER BY seq LIMIT 9`),
        ).toMatch(/USING INDEX sqlite_autoindex_events_\d \(conversation_id=\? AND seq>\?\)/);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sqlite start-up', () => {
  it('two processes opening one new file together apply each migration once', async () => {
    const { spawn } = await import('node:child_process');
    const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-race-'));
    try {
      const script = `
        const { openSqliteStore } = await import(${JSON.stringify(path.join(import.meta.dirname, 'index.ts'))});
        const store = openSqliteStore(process.argv[1]);
        process.stdout.write(store.storeEpoch());
        await store.close();
      `;
      const run = () =>
        new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
          const child = spawn(
            process.execPath,
            ['--import', 'tsx', '--input-type=module', '-e', script, dir],
            {
              stdio: ['ignore', 'pipe', 'pipe'],
            },
          );
          let out = '';
          let err = '';
          child.stdout.on('data', (c: Buffer) => (out += c.toString()));
          child.stderr.on('data', (c: Buffer) => (err += c.toString()));
          child.once('exit', (code) => resolve({ code, out, err }));
        });
      const results = await Promise.all([run(), run(), run()]);
      for (const r of results) expect(r.code, r.err).toBe(0);
      // One store epoch: the first migration ran once.
      expect(new Set(results.map((r) => r.out)).size).toBe(1);
      const db = new Database(path.join(dir, SQLITE_FILE_NAME));
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
