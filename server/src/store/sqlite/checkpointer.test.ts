import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Database } from './driver';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SQLITE_FILE_NAME, openSqliteStore, type SqliteStore } from './index';

const TIMEOUT_MS = 10_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), TIMEOUT_MS);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

describe('background WAL checkpoints', () => {
  const dirs: string[] = [];
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function open(startAtWalBytes: number, driver?: string) {
    const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-checkpoint-'));
    dirs.push(dir);
    const store = openSqliteStore(dir, {
      checkpoints: { startAtWalBytes, intervalMs: 10, ...(driver ? { driver } : {}) },
    });
    stores.push(store);
    const users = [randomUUID(), randomUUID()];
    for (const [i, id] of users.entries()) {
      await store.createUser({
        id,
        username: `user_${i}`,
        displayName: `User ${i}`,
        passwordHash: 'x',
        createdAt: 1,
      });
    }
    const { conversation } = await store.getOrCreateDirect({
      id: randomUUID(),
      userId: users[0] ?? '',
      peerId: users[1] ?? '',
      at: 1,
    });
    let sent = 0;
    /** Sends `count` messages, `perTurn` in each group commit. */
    const sendMessages = async (count: number, perTurn = 20) => {
      for (let done = 0; done < count; done += perTurn) {
        await Promise.all(
          Array.from({ length: perTurn }, () =>
            store.appendMessage({
              id: randomUUID(),
              userId: users[sent % 2] ?? '',
              deviceId: null,
              at: 1,
              conversationId: conversation.id,
              clientMsgId: randomUUID(),
              text: `message ${sent++} ${'x'.repeat(200)}`,
              replyToSeq: null,
              attachments: [],
            }),
          ),
        );
      }
    };
    return { dir, store, conversationId: conversation.id, sendMessages, sent: () => sent };
  }

  it('a thread takes over once the log has grown, copies it into the database, and loses nothing', async () => {
    const { dir, store, conversationId, sendMessages, sent } = await open(256 * 1024);
    expect(store.checkpoints.stats().running).toBe(false);
    while (!store.checkpoints.stats().running) await sendMessages(100);
    const copied = store.checkpoints.nextCheckpoint();
    await sendMessages(200);
    const report = await withTimeout(copied, 'a checkpoint');
    expect(report.checkpointed).toBeGreaterThan(0);
    expect(store.checkpoints.stats()).toMatchObject({ running: true, failure: null });
    // The database file itself has grown: pages reached it without the server's thread copying them.
    expect(statSync(path.join(dir, SQLITE_FILE_NAME)).size).toBeGreaterThan(256 * 1024);

    // Another connection sees every message, and the file is sound.
    const reader = new Database(path.join(dir, SQLITE_FILE_NAME), { readonly: true });
    try {
      expect(reader.pragma('integrity_check', { simple: true })).toBe('ok');
      const row = reader
        .prepare<[string], { n: number; top: number }>(
          'SELECT COUNT(*) AS n, MAX(seq) AS top FROM events WHERE conversation_id = ?',
        )
        .get(conversationId);
      expect(row).toEqual({ n: sent(), top: sent() });
    } finally {
      reader.close();
    }

    await store.close();
    stores.splice(stores.indexOf(store), 1);
    expect(store.checkpoints.stats().running).toBe(false);
    const reopened = openSqliteStore(dir);
    stores.push(reopened);
    expect((await reopened.getConversation(conversationId))?.lastSeq).toBe(sent());
  });

  it('when the thread fails, the server connection checkpoints again as SQLite does by default', async () => {
    const brokenDir = mkdtempSync(path.join(tmpdir(), 'chitchat-broken-driver-'));
    dirs.push(brokenDir);
    const broken = path.join(brokenDir, 'driver.cjs');
    writeFileSync(broken, "throw new Error('this driver does not load');\n");
    const { dir, store, sendMessages, conversationId, sent } = await open(256 * 1024, broken);
    // Write until the thread starts, then wait for it to fail without growing the log further (the
    // log file keeps its largest size when it is started over, so it must stay small until then).
    while (!store.checkpoints.stats().running && store.checkpoints.stats().failure === null) {
      await sendMessages(100);
    }
    await vi.waitFor(() => expect(store.checkpoints.stats().failure).not.toBeNull(), {
      timeout: 10_000,
    });
    expect(store.checkpoints.stats()).toMatchObject({
      running: false,
      failure: expect.stringContaining('this driver does not load') as unknown,
    });
    // 12 MiB more: with the thread's 64 MiB safety net the log would hold all of it; with SQLite's
    // default (1,000 pages) it is copied into the database and started over every 4 MiB or so.
    const walFile = path.join(dir, `${SQLITE_FILE_NAME}-wal`);
    const startSize = statSync(path.join(dir, SQLITE_FILE_NAME)).size;
    while (statSync(path.join(dir, SQLITE_FILE_NAME)).size < startSize + 12 * 1024 * 1024) {
      await sendMessages(200);
    }
    expect(statSync(walFile).size).toBeLessThan(8 * 1024 * 1024);
    expect((await store.getConversation(conversationId))?.lastSeq).toBe(sent());
  });

  it('a quiet store starts no thread', async () => {
    const { store, sendMessages } = await open(4 * 1024 * 1024);
    await sendMessages(100);
    expect(store.checkpoints.stats()).toEqual({
      running: false,
      checkpoints: 0,
      last: null,
      failure: null,
    });
  });
});
