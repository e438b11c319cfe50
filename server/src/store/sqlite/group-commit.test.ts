import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreRefusal } from '../types';
import { openSqliteStore, type SqliteStore } from './index';

describe('sqlite group commit of receipts', () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'chitchat-group-commit-'));
    store = openSqliteStore(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const newUser = async () => {
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

  it('receipts of one event-loop turn share one commit; a refused one disturbs no other', async () => {
    const [owner, ...members] = [
      await newUser(),
      await newUser(),
      await newUser(),
      await newUser(),
    ];
    const stranger = await newUser();
    const conversationId = randomUUID();
    await store.createGroup({
      id: randomUUID(),
      userId: owner ?? '',
      deviceId: null,
      at: 1,
      conversationId,
      title: 'G',
      memberIds: members,
    });
    const outcomes = await Promise.allSettled([
      ...members.map((userId) => store.advanceReceipts(conversationId, userId, { readSeq: 1 })),
      store.advanceReceipts(conversationId, stranger, { deliveredSeq: 1 }),
    ]);
    expect(outcomes.slice(0, members.length).map((o) => o.status)).toEqual(
      members.map(() => 'fulfilled'),
    );
    const refused = outcomes.at(-1);
    expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(StoreRefusal);
    const after = await Promise.all(members.map((id) => store.getMembership(conversationId, id)));
    expect(after.map((m) => [m?.deliveredSeq, m?.readSeq])).toEqual(members.map(() => [1, 1]));
    // One commit, one version stamp for every membership it moved.
    expect(new Set(after.map((m) => m?.version)).size).toBe(1);
    // A later turn commits on its own, with a later stamp.
    const first = members[0] ?? '';
    await store.appendMessage({
      id: randomUUID(),
      userId: owner ?? '',
      deviceId: null,
      at: 2,
      conversationId,
      clientMsgId: randomUUID(),
      text: 'hi',
      replyToSeq: null,
      attachments: [],
    });
    await store.advanceReceipts(conversationId, first, { readSeq: 2 });
    expect((await store.getMembership(conversationId, first))?.version).toBeGreaterThan(
      after[0]?.version ?? Infinity,
    );
  });

  it('receipts of several turns within RECEIPT_GATHER_MS share one commit; closing commits what is pending', async () => {
    const owner = await newUser();
    const members = [await newUser(), await newUser(), await newUser()];
    const [a = '', b = '', c = ''] = members;
    const conversationId = randomUUID();
    await store.createGroup({
      id: randomUUID(),
      userId: owner,
      deviceId: null,
      at: 1,
      conversationId,
      title: 'G',
      memberIds: members,
    });
    const before = store.groupCommits();
    const first = store.advanceReceipts(conversationId, a, { deliveredSeq: 1 });
    // The next receipt comes in a later turn of the event loop, as spread receipts do.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const second = store.advanceReceipts(conversationId, b, { deliveredSeq: 1 });
    const answers = await Promise.all([first, second]);
    expect(answers.map((x) => x.changed)).toEqual([true, true]);
    expect(store.groupCommits()).toBe(before + 1);
    expect(answers[0]?.membership.version).toBe(answers[1]?.membership.version);

    // A receipt still gathering when the store closes is committed, not lost.
    const last = store.advanceReceipts(conversationId, c, { readSeq: 1 });
    await store.close();
    expect((await last).changed).toBe(true);
    store = openSqliteStore(dir);
    expect((await store.getMembership(conversationId, c))?.readSeq).toBe(1);
  });

  it('device stamps of one turn (a reconnect storm) share one commit, and each device keeps its newest', async () => {
    const userId = await newUser();
    const devices = Array.from({ length: 50 }, () => randomUUID());
    for (const id of devices) {
      await store.createDevice(
        {
          id,
          userId,
          name: 'Laptop',
          platform: 'linux',
          createdAt: 1,
          lastSeenAt: 1,
          refreshTokenHash: randomUUID(),
          previousRefreshTokenHash: null,
          rotatedAt: null,
          revokedAt: null,
        },
        100,
      );
    }
    const before = store.groupCommits();
    await Promise.all(devices.map((id, i) => store.touchDevice(id, 1_000 + i)));
    expect(store.groupCommits()).toBe(before + 1);
    const seen = await Promise.all(devices.map((id) => store.getDevice(id)));
    expect(seen.map((d) => d?.lastSeenAt)).toEqual(devices.map((_, i) => 1_000 + i));
    // Only forward: an older stamp arriving late changes nothing.
    await store.touchDevice(devices[0] ?? '', 5);
    expect((await store.getDevice(devices[0] ?? ''))?.lastSeenAt).toBe(1_000);
  });
});
