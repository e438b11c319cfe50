import { randomUUID } from 'node:crypto';
import { Database } from '../src/store/sqlite/driver';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SMALL_GROUP_MAX, type PresenceInfo } from '@chitchat/shared';
import { SQLITE_FILE_NAME } from '../src/store/sqlite/index';
import { call, connect, http, nextEvent, startServer, tempDir, type TestServer } from './harness';
import {
  direct,
  group,
  person,
  send,
  world,
  worldPerTest,
  type Person,
  type World,
} from './fixtures';

describe('conversation list, receipts, typing and presence', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  it('conversation:list with a cursor returns only what changed since', async () => {
    const withBob = await direct(w.alice, w.bob);
    const withCarol = await direct(w.alice, w.carol);
    await send(w.bob, withBob.id, 'hi alice');
    const first = await call(w.alice.socket, 'conversation:list', {});
    expect(first.storeEpoch).toBe(server.store.storeEpoch());
    expect(first.conversations.map((c) => c.id).sort()).toEqual([withBob.id, withCarol.id].sort());
    expect(first.conversations[0]).toMatchObject({
      id: withBob.id,
      unreadCount: 1,
      lastSeq: 1,
      lastEvent: { seq: 1, type: 'message', text: 'hi alice', senderUserId: w.bob.userId },
    });

    const unchanged = await call(w.alice.socket, 'conversation:list', { since: first.cursor });
    expect(unchanged.conversations).toEqual([]);
    expect(unchanged.cursor).toBe(first.cursor);

    await send(w.carol, withCarol.id, 'hey');
    const changed = await call(w.alice.socket, 'conversation:list', { since: first.cursor });
    expect(changed.conversations.map((c) => c.id)).toEqual([withCarol.id]);

    // Bob reading his own chat changes only Bob's summary, not Alice's.
    await call(w.bob.socket, 'receipt:read', { conversationId: withBob.id, seq: 1 });
    expect(
      (await call(w.alice.socket, 'conversation:list', { since: changed.cursor })).conversations,
    ).toEqual([]);
    // Alice's own read changes hers (the unread count).
    await call(w.alice2.socket, 'receipt:read', { conversationId: withBob.id, seq: 1 });
    const afterRead = await call(w.alice.socket, 'conversation:list', { since: changed.cursor });
    expect(afterRead.conversations).toEqual([
      expect.objectContaining({ id: withBob.id, unreadCount: 0, readSeq: 1 }),
    ]);

    const muted = await call(w.alice.socket, 'conversation:settings', {
      conversationId: withCarol.id,
      muted: true,
    });
    expect(muted.muted).toBe(true);
    const afterMute = await call(w.alice2.socket, 'conversation:list', { since: afterRead.cursor });
    expect(afterMute.conversations).toEqual([
      expect.objectContaining({ id: withCarol.id, muted: true }),
    ]);
  });

  it("receipts move forward only, reach the reader's other device and the sender, and drive ticks", async () => {
    const chat = await direct(w.alice, w.bob);
    // Read receipts reach the sender once the chat is accepted (a request shows delivered only).
    await call(w.bob.socket, 'request:accept', { conversationId: chat.id });
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(await send(w.alice, chat.id, `m${i}`));
    const aliceSeesDelivered = nextEvent(
      w.alice.socket,
      'receipt',
      (r) => r.userId === w.bob.userId && r.deliveredSeq === 3,
    );
    expect(
      await call(w.bob.socket, 'receipt:delivered', { conversationId: chat.id, seq: 3 }),
    ).toEqual({
      deliveredSeq: 3,
      readSeq: 0,
    });
    expect(await aliceSeesDelivered).toEqual({
      conversationId: chat.id,
      userId: w.bob.userId,
      deliveredSeq: 3,
      readSeq: 0,
    });

    const aliceSeesRead = nextEvent(
      w.alice2.socket,
      'receipt',
      (r) => r.userId === w.bob.userId && r.readSeq === 2,
    );
    expect(await call(w.bob.socket, 'receipt:read', { conversationId: chat.id, seq: 2 })).toEqual({
      deliveredSeq: 3,
      readSeq: 2,
    });
    await aliceSeesRead;
    // Backwards and beyond the end are harmless: never below, never past lastSeq.
    expect(await call(w.bob.socket, 'receipt:read', { conversationId: chat.id, seq: 1 })).toEqual({
      deliveredSeq: 3,
      readSeq: 2,
    });
    expect(await call(w.bob.socket, 'receipt:read', { conversationId: chat.id, seq: 999 })).toEqual(
      { deliveredSeq: 3, readSeq: 3 },
    );
    const members = await call(w.alice.socket, 'conversation:members', { conversationId: chat.id });
    expect(members.members.find((m) => m.userId === w.bob.userId)).toMatchObject({
      deliveredSeq: 3,
      receiptSeq: 3,
    });
  });

  it("a read on one device clears unread on the same user's other device", async () => {
    const chat = await direct(w.alice, w.bob);
    await send(w.bob, chat.id, 'one');
    await send(w.bob, chat.id, 'two');
    const before = await call(w.alice2.socket, 'conversation:list', {});
    expect(before.conversations.find((c) => c.id === chat.id)?.unreadCount).toBe(2);
    const phoneTold = nextEvent(w.alice2.socket, 'receipt', (r) => r.userId === w.alice.userId);
    await call(w.alice.socket, 'receipt:read', { conversationId: chat.id, seq: 2 });
    expect(await phoneTold).toEqual({
      conversationId: chat.id,
      userId: w.alice.userId,
      deliveredSeq: 2,
      readSeq: 2,
    });
    const after = await call(w.alice2.socket, 'conversation:list', { since: before.cursor });
    expect(after.conversations.find((c) => c.id === chat.id)?.unreadCount).toBe(0);
  });

  it("sending moves the sender's own readSeq: my own messages are never unread", async () => {
    const chat = await direct(w.alice, w.bob);
    await send(w.bob, chat.id, 'question');
    await send(w.alice, chat.id, 'answer');
    const list = await call(w.alice.socket, 'conversation:list', {});
    expect(list.conversations.find((c) => c.id === chat.id)).toMatchObject({
      unreadCount: 0,
      readSeq: 2,
      deliveredSeq: 2,
    });
  });

  it('large groups get receipt:group with the minimum when it moves, not per-member receipts', async () => {
    const extra: Person[] = [];
    for (let i = 0; i < SMALL_GROUP_MAX; i++) extra.push(await person(server, `r${i}`));
    try {
      const members = [w.bob, ...extra];
      const big = await group(w.alice, members);
      const msg = await send(w.alice, big.id, 'to everyone');
      const perMember: unknown[] = [];
      w.alice.socket.on('receipt', (r) => {
        if (r.userId !== w.alice.userId) perMember.push(r);
      });
      const groupReceipt = nextEvent(
        w.alice.socket,
        'receipt:group',
        (r) => r.deliveredSeq >= msg.seq,
      );
      for (const m of members)
        await call(m.socket, 'receipt:delivered', { conversationId: big.id, seq: msg.seq });
      expect(await groupReceipt).toEqual({
        conversationId: big.id,
        deliveredSeq: msg.seq,
        readSeq: 0,
      });
      expect(perMember).toEqual([]);
    } finally {
      for (const p of extra) p.socket.close();
    }
  });

  it('typing reaches the other members only, and is rate limited', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const bobSees = nextEvent(w.bob.socket, 'typing');
    const ownDevice: unknown[] = [];
    w.alice2.socket.on('typing', (t) => ownDevice.push(t));
    const ack = await new Promise((resolve) =>
      w.alice.socket.emit('typing', { conversationId: chat.id, typing: true }, resolve),
    );
    expect(ack).toEqual({ ok: true, data: {} });
    expect(await bobSees).toEqual({
      conversationId: chat.id,
      userId: w.alice.userId,
      typing: true,
    });
    const results = [];
    for (let i = 0; i < 10; i++) {
      results.push(
        await new Promise<{ ok: boolean }>((resolve) =>
          w.alice.socket.emit('typing', { conversationId: chat.id, typing: true }, resolve),
        ),
      );
    }
    expect(results.some((r) => !r.ok)).toBe(true);
    await send(w.alice, chat.id, 'sync point');
    await call(w.alice2.socket, 'conversation:list', {});
    expect(ownDevice).toEqual([]);
  });

  it('presence: online while any device is connected; offline with lastSeenAt when the last goes; only for contacts', async () => {
    const stranger = await person(server, 'stranger');
    try {
      const chat = await direct(w.bob, w.alice);
      await call(w.alice.socket, 'request:accept', { conversationId: chat.id });
      const watch = await call(w.bob.socket, 'presence:watch', {
        userIds: [w.alice.userId, stranger.userId],
      });
      expect(watch.presence).toEqual([{ userId: w.alice.userId, online: true, lastSeenAt: null }]);

      const updates: PresenceInfo[] = [];
      w.bob.socket.on('presence', (p) => updates.push(p));
      w.alice2.socket.close();
      // Alice's laptop is still connected: no offline update yet. Sync on a round trip.
      await call(w.bob.socket, 'conversation:list', {});
      const offline = nextEvent(w.bob.socket, 'presence', (p) => !p.online);
      const before = Date.now();
      w.alice.socket.close();
      const update = await offline;
      expect(update).toMatchObject({ userId: w.alice.userId, online: false });
      expect(update.lastSeenAt).toBeGreaterThanOrEqual(before);
      expect(updates.filter((u) => u.online)).toEqual([]);

      const online = nextEvent(w.bob.socket, 'presence', (p) => p.online);
      w.alice.socket = await connect(server, w.alice.session.accessToken);
      expect(await online).toEqual({ userId: w.alice.userId, online: true, lastSeenAt: null });
    } finally {
      stranger.socket.close();
    }
  });

  it('lastSeenVisibility nobody hides the time and the online state, even from contacts', async () => {
    const chat = await direct(w.bob, w.carol);
    await call(w.carol.socket, 'request:accept', { conversationId: chat.id });
    await http(server, 'PATCH', '/api/me', {
      token: w.carol.session.accessToken,
      body: { lastSeenVisibility: 'nobody' },
    });
    const watch = await call(w.bob.socket, 'presence:watch', { userIds: [w.carol.userId] });
    expect(watch.presence).toEqual([]);
    // Carol herself still sees her own state, without a time.
    const own = await call(w.carol.socket, 'presence:watch', { userIds: [w.carol.userId] });
    expect(own.presence).toEqual([{ userId: w.carol.userId, online: true, lastSeenAt: null }]);
  });
});

describe('store epoch', () => {
  it('a restored store gets a new epoch, so clients know to resync', async () => {
    const data = tempDir();
    let server = await startServer({ dataDir: data.dir });
    const w = await world(server);
    const chat = await direct(w.alice, w.bob);
    await send(w.alice, chat.id, 'before the restore');
    const before = await call(w.bob.socket, 'conversation:list', {});
    w.close();
    await server.stop();
    // What a restore does (docs/operations.md): the data comes back, with a new epoch.
    const db = new Database(path.join(data.dir, SQLITE_FILE_NAME));
    db.prepare("UPDATE meta SET value = ? WHERE key = 'store_epoch'").run(randomUUID());
    db.close();
    server = await startServer({ dataDir: data.dir });
    try {
      const bob = await connect(server, w.bob.session.accessToken);
      const after = await call(bob, 'conversation:list', { since: before.cursor });
      expect(after.storeEpoch).not.toBe(before.storeEpoch);
      bob.close();
    } finally {
      await server.stop();
      data.remove();
    }
  });
});
