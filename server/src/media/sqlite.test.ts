import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/harness';
import { migrations } from '../store/sqlite/migrations/index';
import { SQLITE_FILE_NAME, openSqliteStore } from '../store/sqlite/index';
import { openSqliteMediaIndex } from './sqlite';
import type { MediaRecord } from './types';

const upload = (over: Partial<MediaRecord> = {}): MediaRecord => ({
  id: 'm1',
  uploaderUserId: 'alice',
  name: 'a.png',
  mime: 'image/png',
  size: 10,
  sha256: 'a'.repeat(64),
  width: 2,
  height: 3,
  storageKey: 'a'.repeat(64),
  thumbnailKey: `${'a'.repeat(64)}.thumb`,
  createdAt: 1_000,
  ...over,
});

const origin = (userId: string, at = 5_000) => ({
  id: `${userId}-${at}`,
  userId,
  deviceId: null,
  at,
});

describe('sqlite media index', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
  const fresh = () => {
    const dir = tempDir('chitchat-media-index-');
    dirs.push(dir);
    return dir.dir;
  };

  async function withPeople(dir: string) {
    const store = openSqliteStore(dir);
    for (const id of ['alice', 'bob', 'carol']) {
      await store.createUser({
        id,
        username: id,
        displayName: id,
        passwordHash: 'x',
        createdAt: 0,
      });
    }
    return store;
  }

  it('records an upload once per (uploader, bytes, name) and only moves its time forward', async () => {
    const dir = fresh();
    const store = await withPeople(dir);
    const index = openSqliteMediaIndex(dir);
    try {
      const first = await index.recordUpload(upload());
      const retried = await index.recordUpload(upload({ id: 'm2', createdAt: 2_000 }));
      expect(retried).toEqual({ ...first, createdAt: 2_000 });
      const older = await index.recordUpload(upload({ id: 'm3', createdAt: 500 }));
      expect(older).toEqual({ ...first, createdAt: 2_000 });
      const renamed = await index.recordUpload(upload({ id: 'm4', name: 'b.png' }));
      expect(renamed.id).toBe('m4');
      expect(await index.anyWithContent('a'.repeat(64))).not.toBeNull();
      expect(await index.get('m2')).toBeNull();
    } finally {
      await index.close();
      await store.close();
    }
  });

  it('references follow messages: readable within membership periods, gone with a delete, swept when unreferenced', async () => {
    const dir = fresh();
    const store = await withPeople(dir);
    const index = openSqliteMediaIndex(dir);
    try {
      await index.recordUpload(upload());
      await index.recordUpload(upload({ id: 'lonely', sha256: 'b'.repeat(64), name: 'b' }));
      await store.createGroup({
        ...origin('alice'),
        conversationId: 'g',
        title: 'G',
        memberIds: ['bob'],
      });
      const ref = { id: 'm1', name: 'a.png', mime: 'image/png', size: 10, thumbnail: true };
      const { event } = await store.appendMessage({
        ...origin('alice', 6_000),
        conversationId: 'g',
        clientMsgId: 'c1',
        text: null,
        replyToSeq: null,
        attachments: [ref, ref],
      });
      await store.changeGroup('g', origin('alice', 7_000), { add: ['carol'], remove: ['bob'] });

      expect(await index.canRead('alice', 'm1')).toBe(true);
      expect(await index.canRead('bob', 'm1')).toBe(true); // removed later: keeps what he saw
      expect(await index.canRead('carol', 'm1')).toBe(false); // joined after the message
      expect(await index.canRead('bob', 'lonely')).toBe(false);

      expect((await index.unreferencedBefore(10_000, 10)).map((m) => m.id)).toEqual(['lonely']);
      expect(await index.deleteIfUnreferenced('m1', 10_000)).toBe(false);
      expect(await index.deleteIfUnreferenced('lonely', 500)).toBe(false);
      expect(await index.deleteIfUnreferenced('lonely', 10_000)).toBe(true);
      expect(await index.contentInUse('b'.repeat(64))).toBe(false);

      await store.deleteMessage('g', event.seq, origin('alice', 8_000));
      expect(await index.canRead('bob', 'm1')).toBe(false);
      expect(await index.canRead('alice', 'm1')).toBe(true);
      expect((await index.unreferencedBefore(10_000, 10)).map((m) => m.id)).toEqual(['m1']);
    } finally {
      await index.close();
      await store.close();
    }
  });

  it('migration 003 indexes the attachments of messages already in the log', async () => {
    const dir = fresh();
    const db = new Database(path.join(dir, SQLITE_FILE_NAME));
    db.exec(migrations[0] ?? '');
    db.prepare("INSERT INTO meta (key, value) VALUES ('store_epoch', 'e')").run();
    db.exec(migrations[1] ?? '');
    db.pragma('user_version = 2');
    for (const id of ['alice', 'bob']) {
      db.prepare(
        `INSERT INTO users (id, username, username_key, display_name, password_hash, created_at)
         VALUES (?, ?, ?, ?, 'x', 0)`,
      ).run(id, id, id, id);
    }
    db.prepare(
      `INSERT INTO conversations (id, kind, created_by, created_at, last_seq, version, direct_key)
       VALUES ('d', 'direct', 'alice', 0, 1, 1, 'alice:bob')`,
    ).run();
    for (const id of ['alice', 'bob']) {
      db.prepare(
        `INSERT INTO memberships (conversation_id, user_id, role, version, active, periods)
         VALUES ('d', ?, 'member', 1, 1, '[[1,null]]')`,
      ).run(id);
    }
    db.prepare(
      `INSERT INTO events (conversation_id, seq, id, type, sender_user_id, client_msg_id, created_at, payload)
       VALUES ('d', 1, 'e1', 'message', 'alice', 'c1', 0, ?)`,
    ).run(JSON.stringify({ text: null, replyToSeq: null, attachments: [{ id: 'old' }] }));
    db.close();

    const index = openSqliteMediaIndex(dir);
    try {
      expect(await index.canRead('bob', 'old')).toBe(true);
    } finally {
      await index.close();
    }
  });
});
