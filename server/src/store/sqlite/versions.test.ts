import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Database } from './driver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from './index';
import { SQLITE_FILE_NAME, openSqliteStore } from './index';
import { migrations } from './migrations/index';

/* The change cursor in SQLite (docs/change-cursor.md): version stamps on the rows, no shared row. */

const newUser = async (store: SqliteStore) => {
  const id = randomUUID();
  await store.createUser({
    id,
    username: `u_${id.slice(0, 8)}`,
    displayName: 'U',
    passwordHash: 'h',
    createdAt: 1,
  });
  return id;
};

const send = (store: SqliteStore, conversationId: string, userId: string, text: string) =>
  store.appendMessage({
    id: randomUUID(),
    userId,
    deviceId: null,
    at: Date.now(),
    conversationId,
    clientMsgId: randomUUID(),
    text,
    replyToSeq: null,
    attachments: [],
  });

describe('sqlite change cursor', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'chitchat-versions-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a send writes only its own conversation: no shared row (the old meta counter stays untouched)', async () => {
    const store = openSqliteStore(dir);
    const [a, b, c] = [await newUser(store), await newUser(store), await newUser(store)];
    const ab = await store.getOrCreateDirect({ id: randomUUID(), userId: a, peerId: b, at: 1 });
    const ac = await store.getOrCreateDirect({ id: randomUUID(), userId: a, peerId: c, at: 1 });
    await store.close();
    const db = new Database(path.join(dir, SQLITE_FILE_NAME), { readonly: true });
    const outside = () =>
      JSON.stringify([
        db.prepare('SELECT * FROM meta ORDER BY key').all(),
        db.prepare('SELECT * FROM conversations WHERE id != ?').all(ab.conversation.id),
        db.prepare('SELECT * FROM memberships WHERE conversation_id != ?').all(ab.conversation.id),
      ]);
    try {
      const before = outside();
      const reopened = openSqliteStore(dir);
      const cursor = await reopened.changeCursor();
      await Promise.all([
        send(reopened, ab.conversation.id, a, 'one'),
        send(reopened, ab.conversation.id, b, 'two'),
      ]);
      await send(reopened, ab.conversation.id, a, 'three');
      expect(outside()).toBe(before);
      expect((await reopened.changedSummaries(c, cursor)).map((r) => r.conversation.id)).toEqual(
        [],
      );
      expect((await reopened.changedSummaries(a, cursor)).map((r) => r.conversation.id)).toEqual([
        ab.conversation.id,
      ]);
      expect(ac.conversation.id).not.toBe(ab.conversation.id);
      await reopened.close();
    } finally {
      db.close();
    }
  });

  it('is exact across two connections on one file: nothing since a cursor taken after the last commit', async () => {
    const one = openSqliteStore(dir);
    const two = openSqliteStore(dir);
    try {
      const [a, b] = [await newUser(one), await newUser(one)];
      const chat = await one.getOrCreateDirect({ id: randomUUID(), userId: a, peerId: b, at: 1 });
      for (let i = 0; i < 5; i++) {
        const cursor = await one.changeCursor();
        // The other connection writes; its stamp is above the cursor this one handed out.
        await send(i % 2 === 0 ? two : one, chat.conversation.id, i % 2 === 0 ? a : b, `m${i}`);
        expect(await one.changedSummaries(b, cursor)).toHaveLength(1);
        expect(await two.changedSummaries(a, cursor)).toHaveLength(1);
        const after = await two.changeCursor();
        expect(after).toBeGreaterThan(cursor);
        expect(await one.changedSummaries(a, after)).toEqual([]);
        expect(await one.changeCursor()).toBe(after);
      }
    } finally {
      await one.close();
      await two.close();
    }
  });

  it("migration 9 keeps the old counter's versions: an old client's cursor selects exactly what changed after it", async () => {
    // A database as version 8 left it: versions are values of the store-wide counter (now 12).
    const db = new Database(path.join(dir, SQLITE_FILE_NAME));
    for (const sql of migrations.slice(0, 8)) db.exec(sql);
    db.prepare("INSERT INTO meta (key, value) VALUES ('store_epoch', 'e')").run();
    db.prepare("UPDATE meta SET value = '12' WHERE key = 'change_counter'").run();
    db.pragma('user_version = 8');
    for (const id of ['ann', 'ben']) {
      db.prepare(
        `INSERT INTO users (id, username, username_key, display_name, password_hash, created_at)
         VALUES (?, ?, ?, ?, 'h', 1)`,
      ).run(id, id, id, id);
    }
    const chat = db.prepare(
      `INSERT INTO conversations (id, kind, title, created_by, created_at, version, direct_key)
       VALUES (?, 'group', 'G', 'ann', 1, ?, NULL)`,
    );
    const member = db.prepare(
      `INSERT INTO memberships (conversation_id, user_id, role, version, active, periods)
       VALUES (?, ?, 'member', ?, 1, '[[1,null]]')`,
    );
    chat.run('old', 5);
    chat.run('newer', 11);
    for (const [conversation, version] of [
      ['old', 5],
      ['newer', 11],
    ] as const) {
      member.run(conversation, 'ann', version);
      member.run(conversation, 'ben', version);
    }
    db.close();

    const store = openSqliteStore(dir);
    try {
      const changedFor = async (since: number) =>
        (await store.changedSummaries('ann', since)).map((r) => r.conversation.id).sort();
      // An old client that last listed at 8 saw 'old' but not 'newer'.
      expect(await changedFor(8)).toEqual(['newer']);
      expect(await changedFor(12)).toEqual([]);
      await send(store, 'old', 'ben', 'hello');
      expect(await changedFor(12)).toEqual(['old']);
      expect(await store.changeCursor()).toBeGreaterThan(12);
    } finally {
      await store.close();
    }
  });

  it('finds the highest stamp through the version indexes, not by scanning', async () => {
    await openSqliteStore(dir).close();
    const db = new Database(path.join(dir, SQLITE_FILE_NAME), { readonly: true });
    try {
      const plan = db
        .prepare<[], { detail: string }>(
          `EXPLAIN QUERY PLAN SELECT MAX(COALESCE((SELECT MAX(version) FROM conversations), 0),
             COALESCE((SELECT MAX(version) FROM memberships), 0)) AS v`,
        )
        .all()
        .map((row) => row.detail)
        .join('; ');
      expect(plan).toMatch(/conversations USING COVERING INDEX conversations_by_version/);
      expect(plan).toMatch(/memberships USING COVERING INDEX memberships_by_version/);
    } finally {
      db.close();
    }
  });
});
