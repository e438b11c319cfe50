import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewMessage } from '../types';
import { CommitThreadStopped } from './commit-queue';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './index';

describe('sqlite commit thread', () => {
  const dirs: string[] = [];
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A store (with the fault, if any) holding a direct chat of two users. */
  const openChat = async (fault?: SqliteStoreOptions['commitFault']) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-commit-thread-'));
    dirs.push(dir);
    const failures: string[] = [];
    const store = openSqliteStore(dir, {
      ...(fault !== undefined ? { commitFault: fault } : {}),
      onCommitFailure: (message) => failures.push(message),
    });
    stores.push(store);
    const [alice, bob] = [randomUUID(), randomUUID()];
    for (const id of [alice, bob]) {
      await store.createUser({
        id,
        username: `u_${id.slice(0, 8)}`,
        displayName: 'U',
        passwordHash: 'h',
        createdAt: 1,
      });
    }
    const { conversation } = await store.getOrCreateDirect({
      id: randomUUID(),
      userId: alice,
      peerId: bob,
      at: 1,
    });
    const message = (clientMsgId: string): NewMessage => ({
      id: randomUUID(),
      userId: alice,
      deviceId: null,
      at: 2,
      conversationId: conversation.id,
      clientMsgId,
      text: `text of ${clientMsgId}`,
      replyToSeq: null,
      attachments: [],
    });
    const events = async () =>
      (
        await store.eventsAfter(
          conversation.id,
          (await store.getMembership(conversation.id, bob))?.periods ?? [],
          0,
          Number.MAX_SAFE_INTEGER,
          100,
        )
      ).map((event) => [event.seq, event.type === 'message' ? event.clientMsgId : null]);
    return { store, message, events, failures, conversationId: conversation.id };
  };

  it('a thread that dies inside a batch acks none of it, commits none of it, and a new thread takes the retry', async () => {
    const { store, message, events, conversationId } = await openChat({
      at: 'before-commit',
      batch: 1,
    });
    const ids = ['a', 'b', 'c'];
    const outcomes = await Promise.allSettled(ids.map((id) => store.appendMessage(message(id))));
    for (const outcome of outcomes) {
      expect(outcome.status === 'rejected' && outcome.reason).toBeInstanceOf(CommitThreadStopped);
    }
    // The transaction died with its thread: nothing of it is visible, the write lock is free.
    expect(await events()).toEqual([]);
    expect((await store.getConversation(conversationId))?.lastSeq).toBe(0);
    const retried = await Promise.all(ids.map((id) => store.appendMessage(message(id))));
    expect(retried.map((r) => [r.event.seq, r.duplicate])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
    expect(await events()).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(store.commits.stats()).toMatchObject({ restarts: 1, failure: null });
    await store.ping();
  });

  it('a thread that dies after COMMIT but before answering acks nothing; the retry returns the first seqs, written once', async () => {
    const { store, message, events } = await openChat({ at: 'after-commit', batch: 1 });
    const outcomes = await Promise.allSettled(
      ['a', 'b'].map((id) => store.appendMessage(message(id))),
    );
    for (const outcome of outcomes) {
      expect(outcome.status === 'rejected' && outcome.reason).toBeInstanceOf(CommitThreadStopped);
    }
    // Committed, so visible, but never acked: the sender's retry gets the first answer.
    expect(await events()).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    const retried = await Promise.all(['a', 'b'].map((id) => store.appendMessage(message(id))));
    expect(retried.map((r) => [r.event.seq, r.duplicate])).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(await events()).toHaveLength(2);
  });

  it('a thread that cannot start fails every batched write loudly, and the store reports itself not ready', async () => {
    const { store, message, failures } = await openChat({ at: 'start' });
    await expect(store.appendMessage(message('a'))).rejects.toThrow(/commit thread failed/);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/fault injected at start/);
    await expect(store.ping()).rejects.toThrow(/commit thread failed/);
    await expect(store.advanceReceipts(randomUUID(), randomUUID(), { readSeq: 1 })).rejects.toThrow(
      /commit thread failed/,
    );
  });

  it('a thread that dies again and again is given up after three restarts', async () => {
    const { store, message, failures } = await openChat({
      at: 'before-commit',
      batch: 1,
      everyThread: true,
    });
    for (let attempt = 0; attempt < 4; attempt++) {
      await expect(store.appendMessage(message('a'))).rejects.toBeInstanceOf(CommitThreadStopped);
    }
    expect(failures).toHaveLength(1);
    await expect(store.appendMessage(message('a'))).rejects.toThrow(/commit thread failed/);
    await expect(store.ping()).rejects.toThrow(/commit thread failed/);
    expect(store.commits.stats()).toMatchObject({ restarts: 3, running: false });
  });
});
