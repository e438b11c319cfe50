import path from 'node:path';
import { Database } from '../store/sqlite/driver';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/harness';
import { migrations } from '../store/sqlite/migrations/index';
import { SQLITE_FILE_NAME } from '../store/sqlite/index';
import { openSqliteMediaIndex } from './sqlite';

// What every media index must do is in ./contract.ts (run by local.test.ts); this is SQLite's own.
describe('sqlite media index', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
  const fresh = () => {
    const dir = tempDir('chitchat-media-index-');
    dirs.push(dir);
    return dir.dir;
  };

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
