import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LARGE_GROUP_RECEIPT_MEMBERS } from '@chitchat/shared';
import {
  call,
  connect,
  nextEvent,
  register,
  startServer,
  type ClientSocket,
  type TestServer,
} from '@chitchat/server/testing';
import { type Engine, signedInEngine, stopAll } from './engines';
import { seedPerson } from './seed';

/**
 * Issue #13: every member of a large group receives a message at the same moment, so with one
 * fixed debounce every member's `receipt:delivered` reached the server at the same moment too (a
 * flood of 1,000 requests every 300 ms in a 1,000-member group at 50 msg/s). Above
 * LARGE_GROUP_RECEIPT_MEMBERS the engine waits 3 to 5 debounces, at a random point.
 */
describe('delivered receipts in a large group', () => {
  const DEBOUNCE_MS = 100;
  let server: TestServer;
  const engines: Engine[] = [];
  const sockets: ClientSocket[] = [];

  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await stopAll(engines, server);
  });

  /**
   * A group of `others` seeded people, Ana and Bob; Ana's engine (debounce DEBOUNCE_MS) and her
   * phone's socket are online, Bob sends one message. Resolves with the time from Ana's phone
   * receiving the message to it hearing that her engine said delivered (her own `receipt`).
   */
  async function deliveredAfter(others: number): Promise<number> {
    const ana = await register(server);
    const bob = await register(server);
    const seeded: string[] = [];
    for (let i = 0; i < others; i++) seeded.push(await seedPerson(server.store, `Member ${i + 1}`));
    const groupId = randomUUID();
    await server.store.createGroup({
      id: randomUUID(),
      userId: ana.user.id,
      deviceId: null,
      at: Date.now(),
      conversationId: groupId,
      title: 'Everyone',
      memberIds: [bob.user.id, ...seeded],
    });
    const phone = await connect(server, ana.accessToken);
    const bobSocket = await connect(server, bob.accessToken);
    sockets.push(phone, bobSocket);
    const ownReceipt = (seq: number) =>
      nextEvent(
        phone,
        'receipt',
        (r) => r.conversationId === groupId && r.userId === ana.user.id && r.deliveredSeq >= seq,
        10_000,
      );
    await signedInEngine(server.url, ana.user.username, engines, {
      sync: { deliveredDebounceMs: DEBOUNCE_MS },
    });
    const timed = async (text: string) => {
      const arrived = nextEvent(phone, 'event', (e) => e.conversationId === groupId, 10_000);
      const { seq } = await call(bobSocket, 'message:send', {
        conversationId: groupId,
        clientMsgId: randomUUID(),
        text,
      });
      const delivered = ownReceipt(seq);
      await arrived;
      const arrivedAt = performance.now();
      await delivered;
      return performance.now() - arrivedAt;
    };
    // The first message may land in a wait the engine's first sync started: the second one's
    // wait starts at it.
    await timed('hello');
    return timed('hello everyone');
  }

  it('a member of a group above the large-group size says delivered 3 to 5 debounces later', async () => {
    // The engine's wait starts when it applied the event, after the phone received the same one.
    const waited = await deliveredAfter(LARGE_GROUP_RECEIPT_MEMBERS - 1);
    expect(waited).toBeGreaterThanOrEqual(3 * DEBOUNCE_MS - 5);
  });

  it('a member of a smaller group still says delivered after one debounce', async () => {
    const waited = await deliveredAfter(LARGE_GROUP_RECEIPT_MEMBERS - 2);
    expect(waited).toBeGreaterThan(0);
  });
});
