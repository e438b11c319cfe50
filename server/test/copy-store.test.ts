import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import { copyTables } from '../src/admin/copy-store/copy';
import { CopyStoreError } from '../src/admin/copy-store/rows';
import { SKIPPED_TABLES, TABLES, type Doc, type TargetName } from '../src/admin/copy-store/tables';
import {
  collectingTarget,
  targetModels,
  type CollectingTarget,
} from '../src/admin/copy-store/targets';
import { diskMediaStore, MEDIA_DIR_NAME } from '../src/media/disk';
import { toMediaRecord } from '../src/media/mongo-index';
import { sqliteMediaIndex } from '../src/media/sqlite';
import {
  toConversationRecord,
  toDeviceRecord,
  toEventRecord,
  toMembershipRecord,
  toUserRecord,
} from '../src/store/mongo/records';
import { openDatabase, type SqliteDatabase } from '../src/store/sqlite/database';
import { openSqliteStore, SQLITE_FILE_NAME } from '../src/store/sqlite/index';
import { admin, CLI_TEST_TIMEOUT_MS } from './admin-process';
import { seedServer } from './copy-store-seed';
import { startServer, tempDir } from './harness';

const count = (db: SqliteDatabase, table: string) =>
  db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()?.n ?? 0;

const docsOf = (target: CollectingTarget, name: TargetName): Doc[] => target.docs.get(name) ?? [];

describe('npm run admin -- copy-store: the SQLite -> MongoDB mapping (no MongoDB here: dry run)', () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('every row of a populated server becomes one document that fits the Mongo schemas, ids and seqs kept, read back by the Mongo store as SQLite reads it, media bytes and thumbnails included; a second pass adds nothing', async () => {
    const data = tempDir();
    cleanups.push(data.remove);
    const server = await startServer({ dataDir: data.dir });
    const seeded = await seedServer(server);
    seeded.close();
    await server.stop();

    const db = openDatabase(path.join(data.dir, SQLITE_FILE_NAME));
    cleanups.push(() => void db.close());
    const sqlite = openSqliteStore(data.dir);
    cleanups.push(() => sqlite.close());
    const models = targetModels(mongoose.createConnection());
    const target = collectingTarget();
    const blobs = diskMediaStore(data.dir);
    const report = await copyTables(db, blobs, models, target, { batchSize: 97 });

    // Counts equal, table by table, and every table took part (each mapping was exercised).
    for (const spec of TABLES) {
      const rows = count(db, spec.table);
      expect(rows, spec.table).toBeGreaterThan(0);
      expect(report.rows[spec.table], spec.table).toBe(rows);
      expect(docsOf(target, spec.target).length, spec.table).toBe(rows);
    }
    expect(count(db, 'events')).toBeGreaterThan(1_500);

    // Each record reads back through the Mongo store's own readers exactly as SQLite reads it.
    for (const doc of docsOf(target, 'User')) {
      const user = toUserRecord(models.User.hydrate(doc).toObject());
      expect(user).toEqual(await sqlite.getUser(user.id));
    }
    for (const doc of docsOf(target, 'Device')) {
      const device = toDeviceRecord(models.Device.hydrate(doc).toObject());
      expect(device).toEqual(await sqlite.getDevice(device.id));
    }
    for (const doc of docsOf(target, 'Conversation')) {
      const conversation = toConversationRecord(models.Conversation.hydrate(doc).toObject());
      expect(conversation).toEqual(await sqlite.getConversation(conversation.id));
    }
    for (const doc of docsOf(target, 'Membership')) {
      const membership = toMembershipRecord(models.Membership.hydrate(doc).toObject());
      expect(membership).toEqual(
        await sqlite.getMembership(membership.conversationId, membership.userId),
      );
    }
    const eventKeys = db
      .prepare<[], { id: string; conversation_id: string; seq: number }>(
        'SELECT id, conversation_id, seq FROM events ORDER BY conversation_id, seq',
      )
      .all();
    expect(
      docsOf(target, 'Event').map((d) => ({
        id: d._id,
        conversation_id: d.conversationId,
        seq: d.seq,
      })),
    ).toEqual(eventKeys);
    for (const doc of docsOf(target, 'Event')) {
      const event = toEventRecord(models.Event.hydrate(doc).toObject());
      expect(event).toEqual(await sqlite.getEvent(event.conversationId, event.seq));
    }
    // The edited message keeps its original text; the deleted one has none left.
    expect(docsOf(target, 'Event').some((d) => d.originalText === 'thanks')).toBe(true);
    expect(docsOf(target, 'Event').some((d) => d.type === 'message' && d.deletedAt !== null)).toBe(
      true,
    );

    // Members who joined together keep their order (SQLite: rowid; MongoDB: ordinal).
    for (const conversation of docsOf(target, 'Conversation')) {
      const byOrdinal = docsOf(target, 'Membership')
        .filter((m) => m.conversationId === conversation._id)
        .sort((a, b) => Number(a.ordinal) - Number(b.ordinal))
        .map((m) => m.userId);
      const byRowid = db
        .prepare<[unknown], { user_id: string }>(
          'SELECT user_id FROM memberships WHERE conversation_id = ? ORDER BY rowid',
        )
        .all(conversation._id)
        .map((m) => m.user_id);
      expect(byOrdinal).toEqual(byRowid);
    }

    // Media: the records as the SQLite index reads them, and the bytes they name, stored once.
    const mediaIndex = sqliteMediaIndex(db);
    for (const doc of docsOf(target, 'Media')) {
      const record = toMediaRecord(models.Media.hydrate(doc).toObject());
      expect(record).toEqual(await mediaIndex.get(record.id));
      const bytes = readFileSync(
        path.join(data.dir, MEDIA_DIR_NAME, record.storageKey.slice(0, 2), record.storageKey),
      );
      expect(target.blobs.get(record.storageKey)).toEqual({
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size: record.size,
      });
      if (record.thumbnailKey !== null) expect(target.blobs.has(record.thumbnailKey)).toBe(true);
    }
    expect(docsOf(target, 'Media').some((d) => d.thumbnailKey !== null)).toBe(true);
    expect(report.blobs).toEqual({ copied: target.blobs.size, present: 0, missing: [] });

    // Two-step: the recovery codes travel inside the document, the spent one marked.
    const twoStep = docsOf(target, 'TwoStep')[0];
    expect(twoStep?.recoveryCodes).toHaveLength(3);
    expect(
      (twoStep?.recoveryCodes as { usedAt: number | null }[]).filter((c) => c.usedAt !== null),
    ).toHaveLength(1);
    // The deleted account: a tombstone with its key released, kept as the Mongo store keeps one.
    expect(docsOf(target, 'User').some((u) => String(u.usernameKey).startsWith('deleted:'))).toBe(
      true,
    );

    // A second pass (a re-run after an interruption) replaces by unique key: no count moves,
    // no byte is copied again.
    const counts = new Map([...target.docs].map(([name, list]) => [name, list.length]));
    const again = await copyTables(db, blobs, models, target);
    expect(new Map([...target.docs].map(([name, list]) => [name, list.length]))).toEqual(counts);
    expect(again.blobs).toEqual({ copied: 0, present: target.blobs.size, missing: [] });

    // A row the Mongo schema would refuse stops the copy, naming the table, the row and field.
    const alice = seeded.people[0]?.userId ?? '';
    db.prepare("UPDATE users SET last_seen_visibility = 'sometimes' WHERE id = ?").run(alice);
    await expect(copyTables(db, blobs, models, collectingTarget())).rejects.toThrow(
      new RegExp(`users row ${alice} does not fit the MongoDB schema: .*lastSeenVisibility`),
    );
    await expect(copyTables(db, blobs, models, collectingTarget())).rejects.toBeInstanceOf(
      CopyStoreError,
    );
  }, 120_000);

  it('every table of the SQLite store is copied or named as not copied, and every Mongo collection is filled', () => {
    const data = tempDir();
    cleanups.push(data.remove);
    const db = openDatabase(path.join(data.dir, SQLITE_FILE_NAME));
    cleanups.push(() => void db.close());
    const tables = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all()
      .map((t) => t.name);
    expect(tables).toEqual([...TABLES.map((t) => t.table), ...Object.keys(SKIPPED_TABLES)].sort());
    // The one collection no table fills is the Mongo store's own identity (migrations make it).
    expect(
      Object.keys(targetModels(mongoose.createConnection())).filter(
        (name) => !TABLES.some((t) => t.target === name),
      ),
    ).toEqual(['Meta']);
  });

  it(
    'the command: --dry-run prints the counts and writes nothing; without a MongoDB to copy into it says how to name one',
    async () => {
      const data = tempDir();
      cleanups.push(data.remove);
      const server = await startServer({ dataDir: data.dir });
      const seeded = await seedServer(server);
      seeded.close();
      await server.stop();

      const dry = await admin(data.dir, 'copy-store', '--dry-run');
      expect(dry.stderr).toMatch(/events: \d+ of \d+/);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/Dry run: every row of .* fits the MongoDB schemas/);
      const db = openDatabase(path.join(data.dir, SQLITE_FILE_NAME));
      cleanups.push(() => void db.close());
      expect(dry.stdout).toMatch(new RegExp(`events +${count(db, 'events')}  -> events`));
      expect(dry.stdout).toMatch(/media files copied 3, already there 0, missing here 0/);

      const unnamed = await admin(data.dir, 'copy-store');
      expect(unnamed.code).toBe(2);
      expect(unnamed.stderr).toMatch(/--to <uri>, or MONGODB_URI/);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
