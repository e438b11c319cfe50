import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationEvent } from '@chitchat/shared';
import { summaryOf } from '../../../test/factories';
import type { SqlDriver } from './sql';
import { localMigrations } from './migrations';
import { WORD_INDEX_MIGRATION } from './search-index';
import { LocalStore } from './index';
import { sqlDriversForTests } from '../../../test/sql-drivers';

const drivers = await sqlDriversForTests();

const message = (seq: number, text: string, createdAt = 1_000 * seq): ConversationEvent => ({
  id: `e${seq}`,
  conversationId: 'c1',
  seq,
  type: 'message',
  senderUserId: 'peer',
  senderDeviceId: null,
  createdAt,
  clientMsgId: `m${seq}`,
  payload: { text, replyToSeq: null, attachments: [] },
  editedAt: null,
  editVersion: 0,
  deletedAt: null,
});

const seqsOf = (store: LocalStore, query: string) => store.search(query, 50).map((h) => h.seq);
const tableExists = (store: LocalStore, name: string) =>
  store.db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(name) !== undefined;

/**
 * A cache as the app before issue #16 left it: the migrations before the word index's (later
 * ones belong to other areas), with messages in it.
 */
function formerCache(driver: SqlDriver, file: string, texts: string[]): void {
  const db = driver.openDatabase(file);
  const before = localMigrations.indexOf(WORD_INDEX_MIGRATION);
  for (const sql of localMigrations.slice(0, before)) db.exec(sql);
  db.pragma(`user_version = ${before}`);
  db.prepare(
    `INSERT INTO conversations (id, kind, title, status, role, created_at, last_activity_at, last_seq, oldest_seq)
     VALUES ('c1', 'direct', 'Ana', 'active', 'member', 0, 0, ?, 1)`,
  ).run(texts.length);
  const insert = db.prepare(
    `INSERT INTO events (conversation_id, seq, id, type, sender_user_id, created_at, payload, text)
     VALUES ('c1', ?, ?, 'message', 'peer', ?, ?, ?)`,
  );
  texts.forEach((text, i) =>
    insert.run(i + 1, `e${i + 1}`, 1_000 * (i + 1), JSON.stringify({ text }), text),
  );
  db.close();
}

describe.each(drivers)('the word index of the local cache over $name', (driver) => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'chitchat-words-'));
    file = path.join(dir, 'cache.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('an upgraded cache searches the former way at once, then indexes in batches with progress', () => {
    const texts = Array.from({ length: 250 }, (_, i) => `note ${i} about lunch`);
    texts.push('我们明天一起吃饭吧', 'Café crème');
    formerCache(driver, file, texts);
    const store = new LocalStore(driver.openDatabase(file), 'me');
    try {
      // Nothing is re-indexed while opening: the former index answers meanwhile.
      expect(store.searchIndex.progress()).toEqual({ percent: 0 });
      expect(seqsOf(store, 'creme')).toEqual([252]);
      expect(seqsOf(store, '吃饭')).toEqual([]);
      // A message arriving meanwhile is found both ways.
      store.appendEvents('c1', [message(253, 'fresh sandwich')]);
      expect(seqsOf(store, 'sandw')).toEqual([253]);

      const seen: number[] = [];
      expect(store.searchIndex.step(100)).toBe(true);
      seen.push(store.searchIndex.progress()?.percent ?? 100);
      while (store.searchIndex.step(100)) seen.push(store.searchIndex.progress()?.percent ?? 100);
      expect(seen[0]).toBeGreaterThan(0);
      expect(seen.at(-1)).toBeGreaterThan(seen[0] ?? 0);
      expect(store.searchIndex.progress()).toBeNull();
      expect(tableExists(store, 'events_fts')).toBe(false);

      expect(seqsOf(store, '吃饭')).toEqual([251]);
      expect(seqsOf(store, 'creme')).toEqual([252]);
      expect(seqsOf(store, 'sandw')).toEqual([253]);
      expect(seqsOf(store, 'lunch')).toHaveLength(50);
      expect(store.search('note 7', 50).map((h) => h.seq)).toContain(8);
    } finally {
      store.close();
    }
    // Opened again: complete, and nothing left of the former index.
    const again = new LocalStore(driver.openDatabase(file), 'me');
    expect(again.searchIndex.progress()).toBeNull();
    expect(seqsOf(again, '吃饭')).toEqual([251]);
    again.close();
  });

  it('a new segmenter (an ICU update) re-indexes in the background; search keeps working', () => {
    const store = new LocalStore(driver.openDatabase(file), 'me');
    store.applySummary(summaryOf({ id: 'c1' }));
    store.appendEvents('c1', [message(1, 'ฉันชอบกินข้าวผัดมาก'), message(2, 'hello there')]);
    expect(store.searchIndex.progress()).toBeNull();
    store.setMeta('search_segmenter', 'v1/icu=70.1/sample=0');
    // Message 2 as the former segmenter wrote it: its words are stale until re-indexed.
    const row = store.db
      .prepare<[], { rowid: number; created_at: number }>(
        'SELECT rowid, created_at FROM events WHERE seq = 2',
      )
      .get();
    if (row === undefined) throw new Error('message 2 is not cached');
    const key = row.created_at * 2_097_152 + row.rowid;
    store.db.prepare('DELETE FROM message_words WHERE rowid = ?').run(key);
    store.db
      .prepare("INSERT INTO message_words (rowid, words, ref) VALUES (?, 'stale', ?)")
      .run(key, row.rowid);
    store.close();

    const reopened = new LocalStore(driver.openDatabase(file), 'me');
    try {
      expect(reopened.searchIndex.progress()).toEqual({ percent: 0 });
      expect(seqsOf(reopened, 'ข้าว')).toEqual([1]);
      expect(seqsOf(reopened, 'stale')).toEqual([2]);
      while (reopened.searchIndex.step(1));
      expect(reopened.searchIndex.progress()).toBeNull();
      expect(seqsOf(reopened, 'ข้าว')).toEqual([1]);
      expect(seqsOf(reopened, 'hello')).toEqual([2]);
      expect(seqsOf(reopened, 'stale')).toEqual([]);
      expect(reopened.getMeta('search_segmenter')).not.toBe('v1/icu=70.1/sample=0');
    } finally {
      reopened.close();
    }
  });

  it('hits come newest first by time, whatever order their pages arrived in', () => {
    const store = new LocalStore(driver.openDatabase(file), 'me');
    try {
      store.applySummary(summaryOf({ id: 'c1' }));
      store.applyHistory('c1', [message(90, 'lunch today', 90_000)], {
        complete: false,
        latest: { progress: 90 },
      });
      // Older history, loaded later (its rows are newer than the first page's).
      store.applyHistory(
        'c1',
        [message(10, 'lunch long ago', 10_000), message(50, 'lunch then', 50_000)],
        {
          complete: true,
        },
      );
      expect(seqsOf(store, 'lunch')).toEqual([90, 50, 10]);
    } finally {
      store.close();
    }
  });
});
