import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReceiptUpdate, TypingUpdate } from '@chitchat/shared';
import { call, nextEvent, type ClientSocket } from './harness';
import { group, person, recorder, send, textsOf } from './fixtures';
import { startCluster, type Cluster } from './cluster';
import { redisAvailable } from './redis-server';
import type { ServerProcess } from './server-process';

/*
 * Each process keeps every conversation's members in memory (services/membership-cache.ts). A
 * membership change made through one process must reach the other's fan-out at once: these tests
 * warm process B's entry, change the group through process A, then send through B.
 */

const suiteName = 'server/test/cluster-membership.test.ts (two server processes + redis-server)';

describe.skipIf(!redisAvailable(suiteName))('membership changes across processes', () => {
  let cluster: Cluster;
  const sockets: ClientSocket[] = [];
  beforeAll(async () => {
    cluster = await startCluster();
  }, 90_000);
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));
  afterAll(async () => {
    await cluster?.stop();
  });
  const on = async (server: ServerProcess, name: string) => {
    const p = await person(server, name);
    sockets.push(p.socket);
    return p;
  };

  it('a member removed on process A receives nothing more via process B; one added on A receives what B sends', async () => {
    const alice = await on(cluster.a, 'alice');
    const bob = await on(cluster.b, 'bob');
    const carol = await on(cluster.b, 'carol');
    const dave = await on(cluster.b, 'dave');
    const chat = await group(alice, [bob, carol]);

    // B fans out to the group once, so it now remembers Alice, Bob and Carol as its members.
    const carolGotWarmUp = nextEvent(carol.socket, 'event', (e) => e.type === 'message');
    await send(bob, chat.id, 'warm up');
    await carolGotWarmUp;

    const carolLive = recorder(carol.socket);
    const carolTyping: TypingUpdate[] = [];
    const carolReceipts: ReceiptUpdate[] = [];
    carol.socket.on('typing', (t) => carolTyping.push(t));
    carol.socket.on('receipt', (r) => carolReceipts.push(r));
    const carolLeft = nextEvent(
      carol.socket,
      'conversation',
      (s) => s.id === chat.id && s.status === 'left',
    );
    const removal = await call(alice.socket, 'group:update', {
      conversationId: chat.id,
      remove: [carol.userId],
      add: [dave.userId],
    });
    await carolLeft;
    const removedAt = removal.lastSeq;

    // Through B, whose entry predates the change.
    const daveGets = nextEvent(dave.socket, 'event', (e) => e.type === 'message');
    const aliceGets = nextEvent(alice.socket, 'event', (e) => e.type === 'message');
    const after = await send(bob, chat.id, 'after the change');
    expect((await daveGets).seq).toBe(after.seq);
    expect((await aliceGets).seq).toBe(after.seq);
    const aliceSeesTyping = nextEvent(alice.socket, 'typing', (t) => t.userId === bob.userId);
    bob.socket.emit('typing', { conversationId: chat.id, typing: true });
    await aliceSeesTyping;
    const aliceSeesReceipt = nextEvent(alice.socket, 'receipt', (r) => r.userId === dave.userId);
    await call(dave.socket, 'receipt:read', { conversationId: chat.id, seq: after.seq });
    await aliceSeesReceipt;

    // Sync point: a message Carol's own device sends elsewhere arrives after anything B sent her.
    const elsewhere = await group(alice, [carol], 'sync');
    const synced = nextEvent(carol.socket, 'event', (e) => e.conversationId === elsewhere.id);
    await send(alice, elsewhere.id, 'sync');
    await synced;

    expect(carolLive.of(chat.id).every((e) => e.seq <= removedAt)).toBe(true);
    expect(textsOf(carolLive.of(chat.id))).toEqual([]);
    expect(carolTyping).toEqual([]);
    expect(carolReceipts.filter((r) => r.conversationId === chat.id)).toEqual([]);
  });

  it('a summary read through B after a change on A counts the members as they are now', async () => {
    const alice = await on(cluster.a, 'alice');
    const bob = await on(cluster.b, 'bob');
    const carol = await on(cluster.a, 'carol');
    const chat = await group(alice, [bob]);
    const before = await call(bob.socket, 'conversation:list', {});
    expect(before.conversations.find((c) => c.id === chat.id)?.memberCount).toBe(2);
    await call(alice.socket, 'group:update', { conversationId: chat.id, add: [carol.userId] });
    const list = await call(bob.socket, 'conversation:list', { since: before.cursor });
    const summary = list.conversations.find((c) => c.id === chat.id);
    expect(summary?.memberCount).toBe(3);
    expect(summary?.members?.map((m) => m.userId).sort()).toEqual(
      [alice.userId, bob.userId, carol.userId].sort(),
    );
  });
});
