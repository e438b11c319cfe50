import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MIN_PROTOCOL, PINNED_MESSAGES_MAX, type LogEntry } from '@chitchat/shared';
import {
  call,
  dataOf,
  connect,
  register,
  request,
  startServer,
  uniqueName,
  type TestServer,
} from './harness';
import {
  catchUp,
  collectEvents,
  direct,
  group,
  recorder,
  send,
  world,
  worldPerTest,
  type Person,
  type World,
} from './fixtures';

/**
 * The pinned messages a log shows, newest pin last (issue #14, as WhatsApp): a pin moves its
 * target to the end, more than PINNED_MESSAGES_MAX drops the oldest, an unpin takes it out, and a
 * deleted message is never pinned. Written here from the rule, apart from the engine's fold.
 */
function pinnedIn(events: readonly LogEntry[]): number[] {
  let pinned: number[] = [];
  const deleted = new Set<number>();
  for (const event of events) {
    if (event.type === 'message' && event.deletedAt !== null) deleted.add(event.seq);
    if (event.type !== 'pin') continue;
    const target = event.payload.targetSeq;
    pinned = pinned.filter((seq) => seq !== target);
    if (event.payload.pinned) pinned.push(target);
    if (pinned.length > PINNED_MESSAGES_MAX) pinned = pinned.slice(1);
  }
  return pinned.filter((seq) => !deleted.has(seq));
}

const pin = (
  who: Person,
  conversationId: string,
  targetSeq: number,
  pinned = true,
  opId = randomUUID(),
) => request(who.socket, 'message:pin', { conversationId, opId, targetSeq, pinned });

const pinOk = async (...args: Parameters<typeof pin>) => dataOf('message:pin', await pin(...args));

describe('message:pin', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  it('any group member pins and unpins; every member and device hears it; a fourth pin replaces the oldest', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const seqs: number[] = [];
    for (const text of ['one', 'two', 'three', 'four'])
      seqs.push((await send(w.bob, chat.id, text)).seq);
    const [one, two, three, four] = seqs as [number, number, number, number];
    const heard = [w.alice, w.bob, w.carol, w.alice2].map((p) =>
      collectEvents(p.socket, chat.id, 2, (e) => e.type === 'pin'),
    );
    // Carol is a plain member: pinning needs no admin role yet (#15 brings permissions).
    const first = await pinOk(w.carol, chat.id, one);
    await pinOk(w.alice, chat.id, two);
    for (const events of await Promise.all(heard)) {
      expect(events[0]).toMatchObject({
        seq: first.seq,
        type: 'pin',
        senderUserId: w.carol.userId,
        payload: { targetSeq: one, pinned: true },
      });
    }
    await pinOk(w.bob, chat.id, three);
    expect(pinnedIn((await catchUp(w.bob.socket, chat.id, 0)).events)).toEqual([one, two, three]);
    await pinOk(w.bob, chat.id, four);
    expect(pinnedIn((await catchUp(w.carol.socket, chat.id, 0)).events)).toEqual([
      two,
      three,
      four,
    ]);
    await pinOk(w.alice, chat.id, three, false);
    const log = await catchUp(w.alice.socket, chat.id, 0);
    expect(pinnedIn(log.events)).toEqual([two, four]);
    // The pinned messages themselves are untouched: the server never folds (DESIGN §10).
    expect(log.events.find((e) => e.seq === two)).toMatchObject({
      type: 'message',
      payload: { text: 'two' },
      editVersion: 0,
    });
  });

  it("a deleted message's pin disappears, and a deleted message cannot be pinned", async () => {
    const chat = await direct(w.alice, w.bob);
    const { seq: target } = await send(w.bob, chat.id, 'pin me');
    await pinOk(w.alice, chat.id, target);
    await call(w.bob.socket, 'message:delete', { conversationId: chat.id, seq: target });
    expect(pinnedIn((await catchUp(w.alice.socket, chat.id, 0)).events)).toEqual([]);
    for (const pinned of [true, false]) {
      expect(await pin(w.alice, chat.id, target, pinned)).toMatchObject({
        ok: false,
        error: { code: 'conflict' },
      });
    }
  });

  it('a repeated opId returns the first answer and logs nothing more', async () => {
    const chat = await direct(w.alice, w.bob);
    const { seq: target } = await send(w.bob, chat.id, 'hi');
    const opId = randomUUID();
    const first = await pinOk(w.alice, chat.id, target, true, opId);
    // Even asking the opposite, the repeat of the operation is the first one.
    expect(await pinOk(w.alice, chat.id, target, false, opId)).toEqual(first);
    const log = await catchUp(w.bob.socket, chat.id, 0);
    expect(log.events.filter((e) => e.type === 'pin')).toHaveLength(1);
    expect(log.lastSeq).toBe(first.seq);
  });

  it('bad input is refused with a clear code and logs nothing; strangers and former members are refused', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const { seq: target } = await send(w.bob, chat.id, 'a message');
    const bad: unknown[] = [
      {},
      { conversationId: chat.id, targetSeq: target, pinned: true }, // no opId
      { conversationId: chat.id, opId: randomUUID(), targetSeq: target }, // no pinned
      { conversationId: chat.id, opId: randomUUID(), targetSeq: target, pinned: 'yes' },
      { conversationId: chat.id, opId: randomUUID(), targetSeq: 0, pinned: true },
      { conversationId: chat.id, opId: randomUUID(), targetSeq: 1.5, pinned: true },
      { conversationId: chat.id, opId: randomUUID(), targetSeq: '2', pinned: true },
      { conversationId: 'x'.repeat(5000), opId: randomUUID(), targetSeq: 2, pinned: true },
      null,
      'pin',
    ];
    for (const payload of bad) {
      expect(await request(w.alice.socket, 'message:pin', payload as never)).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
    }
    const cases: [number, string][] = [
      [1, 'invalid_payload'], // member_added, not a message
      [999, 'not_found'],
    ];
    for (const [seq, code] of cases) {
      expect(await pin(w.alice, chat.id, seq)).toMatchObject({ ok: false, error: { code } });
    }
    const outsider = await register(server, uniqueName('stranger'));
    const stranger = await connect(server, outsider.accessToken);
    try {
      expect(
        await request(stranger, 'message:pin', {
          conversationId: chat.id,
          opId: randomUUID(),
          targetSeq: target,
          pinned: true,
        }),
      ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    } finally {
      stranger.close();
    }
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      remove: [w.carol.userId],
    });
    expect(await pin(w.carol, chat.id, target)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const log = await catchUp(w.alice.socket, chat.id, 0);
    expect(log.events.filter((e) => e.type === 'pin')).toEqual([]);
  });

  it('a pin outside a member’s periods is never delivered: a hidden stub for them (live and in pages), nothing after they left', async () => {
    const chat = await group(w.alice, [w.bob]);
    const { seq: before } = await send(w.bob, chat.id, 'before carol');
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, add: [w.carol.userId] });
    const { seq: during } = await send(w.bob, chat.id, 'with carol');
    // Carol cannot pin what she never saw.
    expect(await pin(w.carol, chat.id, before)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const carolLive = recorder(w.carol.socket);
    const carolSawBoth = collectEvents(w.carol.socket, chat.id, 2);
    const hiddenSeq = (await pinOk(w.alice, chat.id, before)).seq;
    const visibleSeq = (await pinOk(w.alice, chat.id, during)).seq;
    await carolSawBoth;
    expect(carolLive.of(chat.id)).toEqual([
      { conversationId: chat.id, seq: hiddenSeq, type: 'hidden' },
      expect.objectContaining({ seq: visibleSeq, type: 'pin' }),
    ]);
    const page = await catchUp(w.carol.socket, chat.id, 0);
    expect(page.events.find((e) => e.seq === hiddenSeq)).toEqual({
      conversationId: chat.id,
      seq: hiddenSeq,
      type: 'hidden',
    });
    expect(pinnedIn(page.events)).toEqual([during]);
    const back = await call(w.carol.socket, 'events:before', {
      conversationId: chat.id,
      beforeSeq: visibleSeq + 1,
      limit: 50,
    });
    expect(back.events.find((e) => e.seq === hiddenSeq)?.type).toBe('hidden');

    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      remove: [w.carol.userId],
    });
    carolLive.stop();
    const carolAfter = recorder(w.carol.socket);
    const { seq: afterLeaving } = await pinOk(w.bob, chat.id, during, false);
    const aliceNext = collectEvents(w.alice.socket, chat.id, 1, (e) => e.type === 'message');
    await send(w.bob, chat.id, 'after carol');
    await aliceNext;
    expect(carolAfter.events.filter((e) => e.seq >= afterLeaving)).toEqual([]);
    const carolLog = await catchUp(w.carol.socket, chat.id, 0);
    expect(carolLog.events.some((e) => e.seq >= afterLeaving)).toBe(false);
    // As far as Carol can know, the message is still pinned: she left before the unpin.
    expect(pinnedIn(carolLog.events)).toEqual([during]);
  });

  it('a protocol 1 socket receives no pin: nothing live, and full pages without them', async () => {
    const chat = await direct(w.alice, w.bob);
    const { seq: target } = await send(w.alice, chat.id, 'old message');
    const bobV1 = await connect(server, w.bob.session.accessToken, MIN_PROTOCOL);
    try {
      const live = recorder(bobV1);
      const pins: number[] = [];
      for (const pinned of [true, false, true])
        pins.push((await pinOk(w.alice, chat.id, target, pinned)).seq);
      const next = collectEvents(bobV1, chat.id, 1, (e) => e.type === 'message');
      const { seq: lastSeq } = await send(w.alice, chat.id, 'after the pins');
      await next;
      expect(live.of(chat.id).map((e) => e.seq)).toEqual([lastSeq]);
      const v2Log = await catchUp(w.bob.socket, chat.id, 0);
      expect(v2Log.events.filter((e) => e.type === 'pin').map((e) => e.seq)).toEqual(pins);
      const page = await call(bobV1, 'events:after', {
        conversationId: chat.id,
        afterSeq: 0,
        limit: 2,
      });
      expect(page.events.map((e) => e.seq)).toEqual([target, lastSeq]);
      const back = await call(bobV1, 'events:before', {
        conversationId: chat.id,
        beforeSeq: lastSeq,
        limit: 2,
      });
      expect(back.events.map((e) => e.seq)).toEqual([target]);
      expect(JSON.stringify([page, back])).not.toContain('"pin"');
    } finally {
      bobV1.close();
    }
  });

  it('a pin never counts as unread, never becomes the preview and never moves the chat up', async () => {
    const older = await direct(w.alice, w.bob);
    const { seq: target } = await send(w.bob, older.id, 'my message');
    const newer = await group(w.alice, [w.bob]);
    await send(w.alice, newer.id, 'newer chat');
    const listBefore = await call(w.bob.socket, 'conversation:list', {});
    const olderBefore = listBefore.conversations.find((c) => c.id === older.id);
    expect(olderBefore).toMatchObject({ unreadCount: 0, lastEvent: { seq: target } });

    const bobHeard = collectEvents(w.bob.socket, older.id, 1, (e) => e.type === 'pin');
    await pinOk(w.alice, older.id, target);
    await bobHeard;
    const listAfter = await call(w.bob.socket, 'conversation:list', {});
    expect(listAfter.conversations.map((c) => c.id)).toEqual(
      listBefore.conversations.map((c) => c.id),
    );
    expect(listAfter.conversations.find((c) => c.id === older.id)).toMatchObject({
      unreadCount: 0,
      lastEvent: { seq: target, type: 'message' },
      lastActivityAt: olderBefore?.lastActivityAt,
    });
  });
});

describe('message:pin rate', () => {
  it('shares the send bucket: over RATE_LIMIT_SEND a pin is rate_limited and logs nothing', async () => {
    const clock = Date.now();
    const server = await startServer({
      config: { RATE_LIMIT_SEND: 2 },
      deps: { now: () => clock },
    });
    const w = await world(server);
    try {
      const chat = await direct(w.alice, w.bob);
      let target = 0;
      for (let i = 0; i < 4; i++) target = (await send(w.alice, chat.id, `m${i}`)).seq;
      expect(await pin(w.alice, chat.id, target)).toMatchObject({
        ok: false,
        error: { code: 'rate_limited' },
      });
      const log = await catchUp(w.bob.socket, chat.id, 0);
      expect(log.events.filter((e) => e.type === 'pin')).toEqual([]);
    } finally {
      w.close();
      await server.stop();
    }
  });
});
