import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { timeOrderedId } from '@chitchat/shared';
import { RAISED_RATE_LIMITS } from '../config';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/index';
import type { ConversationRecord, Store } from '../store/types';
import { deviceRateLimits } from './device-limits';
import type { Fanout } from './fanout';
import { createMessagingService } from './messaging';

const silentFanout: Fanout = {
  toUsers: () => undefined,
  toPresenceWatchers: () => undefined,
  stopPresenceWatch: () => undefined,
  stopWatching: () => undefined,
  presenceWatchers: () => Promise.resolve([]),
};

describe("receipts share the turn's read of the conversation", () => {
  let dir: string;
  let store: SqliteStore;
  let members: string[];
  let conversationId: string;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'chitchat-turn-reads-'));
    store = openSqliteStore(dir);
    members = [];
    for (let i = 0; i < 40; i++) {
      const id = randomUUID();
      await store.createUser({
        id,
        username: `turn_${i}`,
        displayName: `Member ${i}`,
        passwordHash: 'not-a-password',
        createdAt: Date.now(),
      });
      members.push(id);
    }
    conversationId = randomUUID();
    const [owner, ...rest] = members;
    await store.createGroup({
      id: timeOrderedId(),
      userId: owner ?? '',
      deviceId: null,
      at: Date.now(),
      conversationId,
      title: 'receipts',
      memberIds: rest,
    });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The store, counting conversation reads; `staleNext()` makes the next read one seq behind. */
  function countingStore() {
    let reads = 0;
    let stale = false;
    const counted: Store = {
      ...store,
      async getConversation(id: string): Promise<ConversationRecord | null> {
        reads++;
        const row = await store.getConversation(id);
        if (row === null || !stale) return row;
        stale = false;
        return { ...row, lastSeq: row.lastSeq - 1 };
      },
    };
    return {
      store: counted,
      reads: () => reads,
      staleNext: () => {
        stale = true;
      },
    };
  }

  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  /** One receipt, so that the membership cache holds the group (its own reads are not counted). */
  async function warmUp(messaging: ReturnType<typeof messagingOver>) {
    const owner = members[0] ?? '';
    await messaging.receipt({ userId: owner, deviceId: 'd' }, conversationId, 1, 'delivered');
    await nextTurn();
  }

  const messagingOver = (over: Store) =>
    createMessagingService({
      store: over,
      fanout: silentFanout,
      limits: deviceRateLimits(RAISED_RATE_LIMITS),
    });

  it('reads the row once for the receipts of one turn, and again in the next turn', async () => {
    const counting = countingStore();
    const messaging = messagingOver(counting.store);
    await warmUp(messaging);
    const before = counting.reads();
    const { lastSeq } = (await store.getConversation(conversationId)) ?? { lastSeq: 0 };
    const answers = await Promise.all(
      members.map((userId) =>
        messaging.receipt(
          { userId, deviceId: `d-${userId}` },
          conversationId,
          lastSeq,
          'delivered',
        ),
      ),
    );
    expect(answers.every((a) => a.deliveredSeq === lastSeq)).toBe(true);
    expect(counting.reads() - before).toBe(1);

    await nextTurn();
    const first = members[0] ?? '';
    await messaging.receipt({ userId: first, deviceId: 'd' }, conversationId, lastSeq, 'read');
    expect(counting.reads() - before).toBe(2);
  });

  it('reads the row again when the seq named is beyond what the turn read', async () => {
    const counting = countingStore();
    const messaging = messagingOver(counting.store);
    await warmUp(messaging);
    const before = counting.reads();
    counting.staleNext();
    const { lastSeq } = (await store.getConversation(conversationId)) ?? { lastSeq: 0 };
    const member = members[1] ?? '';
    const answer = await messaging.receipt(
      { userId: member, deviceId: 'd' },
      conversationId,
      lastSeq,
      'delivered',
    );
    // Capped at the outdated lastSeq, the mark would stay one behind.
    expect(answer.deliveredSeq).toBe(lastSeq);
    expect(counting.reads() - before).toBe(2);
  });
});
