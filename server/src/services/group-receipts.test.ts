import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { timeOrderedId } from '@chitchat/shared';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/index';
import type { Fanout } from './fanout';
import {
  GROUP_RECEIPT_SLOW_MEMBERS,
  GROUP_RECEIPT_SLOW_TICK_MS,
  GROUP_RECEIPT_TICK_MS,
  GroupReceipts,
} from './group-receipts';
import { MembershipCache } from './membership-cache';

interface Announcement {
  conversationId: string;
  recipients: number;
  payload: unknown;
}

/** Records `receipt:group` announcements; nothing else is sent by GroupReceipts. */
function recordingFanout(announced: Announcement[]): Fanout {
  return {
    toUsers(userIds, name, payload) {
      if (name !== 'receipt:group') throw new Error(`unexpected ${String(name)}`);
      const { conversationId } = payload as { conversationId: string };
      announced.push({ conversationId, recipients: userIds.length, payload });
    },
    toPresenceWatchers: () => undefined,
    stopPresenceWatch: () => undefined,
    stopWatching: () => undefined,
    presenceWatchers: () => Promise.resolve([]),
  };
}

describe('GroupReceipts', () => {
  let dir: string;
  let store: SqliteStore;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'chitchat-group-receipts-'));
    store = openSqliteStore(dir);
  });

  afterEach(async () => {
    vi.useRealTimers();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A group of `size` members, each of whom has received its first event (seq 1). */
  async function groupWithEveryoneAt1(size: number): Promise<string> {
    const ids: string[] = [];
    for (let i = 0; i < size; i++) {
      const id = randomUUID();
      await store.createUser({
        id,
        username: `m${size}_${i}`,
        displayName: `Member ${i}`,
        passwordHash: 'not-a-password',
        createdAt: Date.now(),
      });
      ids.push(id);
    }
    const conversationId = randomUUID();
    const [owner, ...rest] = ids;
    if (owner === undefined) throw new Error('a group needs members');
    await store.createGroup({
      id: timeOrderedId(),
      userId: owner,
      deviceId: null,
      at: Date.now(),
      conversationId,
      title: `group of ${size}`,
      memberIds: rest,
    });
    await Promise.all(
      ids.map((id) => store.advanceReceipts(conversationId, id, { deliveredSeq: 1 })),
    );
    return conversationId;
  }

  it("announces a large group's minimum after 100 ms, the biggest groups' after 300 ms", async () => {
    const slowSize = GROUP_RECEIPT_SLOW_MEMBERS + 1;
    const big = await groupWithEveryoneAt1(slowSize);
    const large = await groupWithEveryoneAt1(40);
    const announced: Announcement[] = [];
    const receipts = new GroupReceipts({
      store,
      fanout: recordingFanout(announced),
      members: new MembershipCache(store),
    });
    // Only the timers: the store's group commit runs on setImmediate.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    receipts.touch(big, slowSize);
    receipts.touch(large, 40);

    await vi.advanceTimersByTimeAsync(GROUP_RECEIPT_TICK_MS);
    expect(announced).toEqual([
      {
        conversationId: large,
        recipients: 40,
        payload: { conversationId: large, deliveredSeq: 1, readSeq: 0 },
      },
    ]);

    // More receipts of the biggest group meanwhile gather into the same announcement.
    receipts.touch(big, slowSize);
    await vi.advanceTimersByTimeAsync(GROUP_RECEIPT_SLOW_TICK_MS - GROUP_RECEIPT_TICK_MS - 1);
    expect(announced).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(announced.slice(1)).toEqual([
      {
        conversationId: big,
        recipients: slowSize,
        payload: { conversationId: big, deliveredSeq: 1, readSeq: 0 },
      },
    ]);
    await receipts.close();
    expect(announced).toHaveLength(2);
  });

  it('announces what is pending when closed, whatever its tick', async () => {
    const slowSize = GROUP_RECEIPT_SLOW_MEMBERS + 1;
    const big = await groupWithEveryoneAt1(slowSize);
    const announced: Announcement[] = [];
    const receipts = new GroupReceipts({
      store,
      fanout: recordingFanout(announced),
      members: new MembershipCache(store),
    });
    receipts.touch(big, slowSize);
    await receipts.close();
    expect(announced.map((a) => a.conversationId)).toEqual([big]);
  });
});
