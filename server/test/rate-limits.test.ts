import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '@chitchat/shared';
import { loadConfig } from '../src/config';
import { call, nextEvent, request, startServer, uniqueName, type TestServer } from './harness';
import { catchUp, direct, group, recorder, send, world, type World } from './fixtures';

/**
 * The per-device buckets at their defaults (the harness raises them for every other test), on a
 * server whose clock the test moves: recovery is shown by moving it, never by waiting.
 */
describe('per-device rate limits at their defaults', () => {
  const defaults = loadConfig({});
  let clock = 0;
  let server: TestServer;
  let w: World;
  beforeEach(async () => {
    clock = Date.now();
    server = await startServer({
      config: {
        RATE_LIMIT_SEND: defaults.RATE_LIMIT_SEND,
        RATE_LIMIT_GROUP: defaults.RATE_LIMIT_GROUP,
        RATE_LIMIT_RECEIPT: defaults.RATE_LIMIT_RECEIPT,
        RATE_LIMIT_CONVERSATION: defaults.RATE_LIMIT_CONVERSATION,
        RATE_LIMIT_PRESENCE: defaults.RATE_LIMIT_PRESENCE,
      },
      deps: { now: () => clock },
    });
    w = await world(server);
  });
  afterEach(async () => {
    w.close();
    await server.stop();
  });

  const rateLimited = { ok: false, error: { code: 'rate_limited' } };

  it('sends, edits and deletes share one bucket: a refused edit changes nothing and is not broadcast; a retry still gets its first answer', async () => {
    const burst = defaults.RATE_LIMIT_SEND * 2;
    const chat = await direct(w.alice, w.bob);
    const bobSees = recorder(w.bob.socket);
    const target = await send(w.alice, chat.id, 'original');
    const editOpId = randomUUID();
    const firstEdit = await call(w.alice.socket, 'message:edit', {
      conversationId: chat.id,
      seq: target.seq,
      text: 'edit 1',
      opId: editOpId,
    });
    // 2 tokens spent; the rest of the burst goes on edits, sends and deletes alike.
    const spare = await send(w.alice, chat.id, 'to delete');
    await call(w.alice.socket, 'message:delete', { conversationId: chat.id, seq: spare.seq });
    for (let i = 4; i < burst; i++) {
      await call(w.alice.socket, 'message:edit', {
        conversationId: chat.id,
        seq: target.seq,
        text: `edit ${i}`,
      });
    }

    const refusedEdit = await request(w.alice.socket, 'message:edit', {
      conversationId: chat.id,
      seq: target.seq,
      text: 'refused',
    });
    expect(refusedEdit).toMatchObject(rateLimited);
    expect(refusedEdit.ok ? null : refusedEdit.error.details).toEqual({ retryAfterS: 1 });
    expect(
      await request(w.alice.socket, 'message:send', {
        conversationId: chat.id,
        clientMsgId: randomUUID(),
        text: 'refused',
      }),
    ).toMatchObject(rateLimited);
    expect(
      await request(w.alice.socket, 'message:delete', { conversationId: chat.id, seq: target.seq }),
    ).toMatchObject(rateLimited);
    // The retry of an applied edit gets its first answer over the limit.
    expect(
      await call(w.alice.socket, 'message:edit', {
        conversationId: chat.id,
        seq: target.seq,
        text: 'edit 1',
        opId: editOpId,
      }),
    ).toEqual(firstEdit);
    // The other device has its own bucket.
    await send(w.alice2, chat.id, 'from the phone');

    // One token back after 1/rate s. Bob's live events arrive in order: once the edit after the
    // refill is there, a broadcast of a refused one would have arrived before it.
    clock += 1000 / defaults.RATE_LIMIT_SEND;
    const refillEdit = nextEvent(
      w.bob.socket,
      'event',
      (e) => e.type === 'message_edited' && e.payload.text === 'after the refill',
    );
    await call(w.alice.socket, 'message:edit', {
      conversationId: chat.id,
      seq: target.seq,
      text: 'after the refill',
    });
    expect(
      await request(w.alice.socket, 'message:edit', {
        conversationId: chat.id,
        seq: target.seq,
        text: 'refused again',
      }),
    ).toMatchObject(rateLimited);
    await refillEdit;
    const texts = (events: readonly LogEntry[]) =>
      events.flatMap((e) =>
        e.type === 'message_edited' || e.type === 'message' ? [e.payload.text] : [],
      );
    expect(texts(bobSees.of(chat.id))).not.toContain('refused');
    expect(texts(bobSees.of(chat.id))).not.toContain('refused again');
    const history = await catchUp(w.bob.socket, chat.id, 0);
    expect(texts(history.events)).not.toContain('refused');
    expect(history.events.filter((e) => e.type === 'message_deleted')).toHaveLength(1);
    expect(history.events.find((e) => e.seq === target.seq)).toMatchObject({
      payload: { text: 'after the refill' },
      deletedAt: null,
    });

    // A whole burst after 2 s.
    clock += 2000;
    for (let i = 0; i < burst; i++) await send(w.alice, chat.id, `refilled ${i}`);
  });

  it('group creations, changes and leaves share one bucket per minute; a refused rename changes nothing', async () => {
    const perMinute = defaults.RATE_LIMIT_GROUP;
    const chat = await group(w.alice, [w.bob], 'Start');
    const renameOpId = randomUUID();
    const firstRename = await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      title: 'Rename 1',
      opId: renameOpId,
    });
    for (let i = 2; i < perMinute; i++) {
      await call(w.alice.socket, 'group:update', { conversationId: chat.id, title: `Rename ${i}` });
    }
    expect(
      await request(w.alice.socket, 'group:update', { conversationId: chat.id, title: 'Refused' }),
    ).toMatchObject(rateLimited);
    expect(
      await request(w.alice.socket, 'group:create', {
        title: 'Refused',
        memberIds: [w.bob.userId],
      }),
    ).toMatchObject(rateLimited);
    expect(await request(w.alice.socket, 'group:leave', { conversationId: chat.id })).toMatchObject(
      rateLimited,
    );
    // A retried rename gets its answer (the summary as it is now) over the limit.
    expect(
      await call(w.alice.socket, 'group:update', {
        conversationId: chat.id,
        title: 'Rename 1',
        opId: renameOpId,
      }),
    ).toMatchObject({ id: firstRename.id, title: `Rename ${perMinute - 1}` });

    const list = await call(w.alice.socket, 'conversation:list', {});
    expect(list.conversations.map((c) => c.title)).toEqual([`Rename ${perMinute - 1}`]);
    expect(
      (await call(w.alice.socket, 'conversation:members', { conversationId: chat.id })).members,
    ).toHaveLength(2);

    // One change a minute / perMinute later, and a full minute's worth after a minute.
    clock += 60_000 / perMinute;
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, title: 'After' });
    expect(
      await request(w.alice.socket, 'group:update', { conversationId: chat.id, title: 'Refused' }),
    ).toMatchObject(rateLimited);
    clock += 60_000;
    for (let i = 0; i < perMinute - 1; i++) {
      await call(w.alice.socket, 'group:update', { conversationId: chat.id, title: `Again ${i}` });
    }
    await call(w.alice.socket, 'group:leave', { conversationId: chat.id });
  });

  it('receipts have their own bucket; a refused receipt moves no watermark', async () => {
    const burst = defaults.RATE_LIMIT_RECEIPT * 2;
    const chat = await direct(w.alice, w.bob);
    await send(w.alice, chat.id, 'one');
    const second = await send(w.alice, chat.id, 'two');
    for (let i = 0; i < burst; i++) {
      await call(w.bob.socket, i % 2 === 0 ? 'receipt:delivered' : 'receipt:read', {
        conversationId: chat.id,
        seq: 1,
      });
    }
    expect(
      await request(w.bob.socket, 'receipt:read', { conversationId: chat.id, seq: second.seq }),
    ).toMatchObject(rateLimited);
    // The refused read moved nothing.
    clock += 1000 / defaults.RATE_LIMIT_RECEIPT;
    expect(
      await call(w.bob.socket, 'receipt:delivered', { conversationId: chat.id, seq: 1 }),
    ).toEqual({ deliveredSeq: 1, readSeq: 1 });
    expect(
      await request(w.bob.socket, 'receipt:read', { conversationId: chat.id, seq: second.seq }),
    ).toMatchObject(rateLimited);
    clock += 1000 / defaults.RATE_LIMIT_RECEIPT;
    expect(
      await call(w.bob.socket, 'receipt:read', { conversationId: chat.id, seq: second.seq }),
    ).toEqual({ deliveredSeq: second.seq, readSeq: second.seq });
  });

  it('only new direct chats spend the hourly bucket: reopening one is free, and a refused one is not created', async () => {
    const perHour = defaults.RATE_LIMIT_CONVERSATION;
    // People to write to, straight into the store: only alice's requests are under test.
    const peers = Array.from({ length: perHour + 1 }, () => ({
      id: randomUUID(),
      username: uniqueName('peer'),
    }));
    for (const peer of peers) {
      await server.store.createUser({
        ...peer,
        displayName: peer.username,
        passwordHash: 'unused',
        createdAt: clock,
      });
    }
    const opened = [];
    for (const peer of peers.slice(0, perHour)) {
      opened.push(await call(w.alice.socket, 'conversation:direct', { userId: peer.id }));
    }
    const last = peers[perHour];
    if (last === undefined) throw new Error('no peer left');
    const refused = await request(w.alice.socket, 'conversation:direct', { userId: last.id });
    expect(refused).toMatchObject(rateLimited);
    expect(refused.ok ? null : refused.error.details).toEqual({ retryAfterS: 3600 / perHour });
    expect(await server.store.findDirect(w.alice.userId, last.id)).toBeNull();
    // Reopening chats that exist costs nothing, however often.
    for (const peer of peers.slice(0, 3)) {
      const again = await call(w.alice.socket, 'conversation:direct', { userId: peer.id });
      expect(again.id).toBe(opened[peers.indexOf(peer)]?.id);
    }
    // Bob may still write to alice: the bucket is alice's device's.
    await direct(w.bob, w.alice);

    clock += (3600 * 1000) / perHour;
    const created = await call(w.alice.socket, 'conversation:direct', { userId: last.id });
    expect(await server.store.findDirect(w.alice.userId, last.id)).toMatchObject({
      id: created.id,
    });
  });

  it('presence:watch has its own bucket per minute', async () => {
    const perMinute = defaults.RATE_LIMIT_PRESENCE;
    // Bob's presence is for his contacts (DESIGN §3): he accepts Alice's message request first.
    const chat = await direct(w.alice, w.bob);
    await call(w.bob.socket, 'request:accept', { conversationId: chat.id });
    for (let i = 0; i < perMinute; i++) {
      await call(w.alice.socket, 'presence:watch', { userIds: [w.bob.userId] });
    }
    expect(
      await request(w.alice.socket, 'presence:watch', { userIds: [w.bob.userId] }),
    ).toMatchObject(rateLimited);
    clock += 60_000 / perMinute;
    expect(await call(w.alice.socket, 'presence:watch', { userIds: [w.bob.userId] })).toMatchObject(
      { presence: [{ userId: w.bob.userId, online: true }] },
    );
  });
});
