import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MIN_PROTOCOL, type LogEntry } from '@chitchat/shared';
import {
  call,
  dataOf,
  connect,
  http,
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
  seqPagesAfter,
} from './fixtures';

/** The reactions a log shows: the last one per (sender, target) wins, null removes (issue #14). */
function foldReactions(events: readonly LogEntry[]): Map<number, Map<string, string>> {
  const byTarget = new Map<number, Map<string, string>>();
  for (const event of events) {
    if (event.type !== 'reaction') continue;
    const people = byTarget.get(event.payload.targetSeq) ?? new Map<string, string>();
    if (event.payload.emoji === null) people.delete(event.senderUserId);
    else people.set(event.senderUserId, event.payload.emoji);
    byTarget.set(event.payload.targetSeq, people);
  }
  return byTarget;
}

const react = (
  who: Person,
  conversationId: string,
  targetSeq: number,
  emoji: string | null,
  opId = randomUUID(),
) => request(who.socket, 'message:react', { conversationId, opId, targetSeq, emoji });

const reactOk = async (...args: Parameters<typeof react>) =>
  dataOf('message:react', await react(...args));

describe('message:react', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  it('one reaction per person: choosing another replaces it, null removes it; every member and device hears each', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const { seq: target } = await send(w.bob, chat.id, 'lunch?');
    const heard = [w.bob, w.carol, w.alice2].map((p) =>
      collectEvents(p.socket, chat.id, 3, (e) => e.type === 'reaction'),
    );
    const first = await reactOk(w.alice, chat.id, target, '👍');
    const second = await reactOk(w.alice, chat.id, target, '❤️');
    await reactOk(w.carol, chat.id, target, '😂');
    for (const events of await Promise.all(heard)) {
      expect(events.map((e) => e.type === 'reaction' && e.payload.emoji)).toEqual([
        '👍',
        '❤️',
        '😂',
      ]);
      expect(events[0]).toMatchObject({
        seq: first.seq,
        senderUserId: w.alice.userId,
        payload: { targetSeq: target, emoji: '👍' },
      });
      expect(events[1]?.seq).toBe(second.seq);
    }
    const log = await catchUp(w.bob.socket, chat.id, 0);
    expect(foldReactions(log.events).get(target)).toEqual(
      new Map([
        [w.alice.userId, '❤️'],
        [w.carol.userId, '😂'],
      ]),
    );

    await reactOk(w.alice, chat.id, target, null);
    const after = await catchUp(w.carol.socket, chat.id, 0);
    expect(foldReactions(after.events).get(target)).toEqual(new Map([[w.carol.userId, '😂']]));
    // The target message itself is untouched: the server never folds (DESIGN §10).
    expect(after.events.find((e) => e.seq === target)).toMatchObject({
      type: 'message',
      payload: { text: 'lunch?' },
      editVersion: 0,
    });
  });

  it('a repeated opId returns the first answer and logs nothing more', async () => {
    const chat = await direct(w.alice, w.bob);
    const { seq: target } = await send(w.bob, chat.id, 'hi');
    const opId = randomUUID();
    const first = await reactOk(w.alice, chat.id, target, '👍', opId);
    // Even with a different emoji, the repeat of the operation is the first one.
    const again = await reactOk(w.alice, chat.id, target, '😮', opId);
    expect(again).toEqual(first);
    const log = await catchUp(w.alice.socket, chat.id, 0);
    expect(log.events.filter((e) => e.type === 'reaction')).toHaveLength(1);
    expect(log.lastSeq).toBe(first.seq);
  });

  it('only a single emoji is a reaction; a text-style heart becomes its emoji form', async () => {
    const chat = await direct(w.alice, w.bob);
    const { seq: target } = await send(w.bob, chat.id, 'hi');
    for (const emoji of ['', 'a', 'ok', '👍👍', '👍 ', '1', '\u200d', 'x'.repeat(40), '\ud83d']) {
      const answer = await react(w.alice, chat.id, target, emoji);
      expect(answer, JSON.stringify(emoji)).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
    }
    for (const emoji of ['👍🏽', '🇫🇷', '1️⃣', '👩‍👩‍👧‍👦', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'])
      await reactOk(w.alice, chat.id, target, emoji);
    const heart = await reactOk(w.alice, chat.id, target, '\u2764');
    const log = await catchUp(w.bob.socket, chat.id, 0);
    expect(log.events.find((e) => e.seq === heart.seq)).toMatchObject({
      payload: { emoji: '\u2764\ufe0f' },
    });
    // Nothing was logged for the refused ones.
    expect(log.events.filter((e) => e.type === 'reaction')).toHaveLength(6);
  });

  it('the target must be a message the reactor can see, not deleted; strangers and former members are refused', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const { seq: target } = await send(w.bob, chat.id, 'soon gone');
    const { seq: kept } = await send(w.bob, chat.id, 'kept');
    await call(w.bob.socket, 'message:delete', { conversationId: chat.id, seq: target });
    const cases: [Person, number, string][] = [
      [w.alice, target, 'conflict'], // deleted
      [w.alice, 1, 'invalid_payload'], // member_added, not a message
      [w.alice, 999, 'not_found'],
    ];
    for (const [who, seq, code] of cases) {
      expect(await react(who, chat.id, seq, '👍')).toMatchObject({ ok: false, error: { code } });
    }
    const outsider = await register(server, uniqueName('stranger'));
    const stranger = await connect(server, outsider.accessToken);
    try {
      expect(
        await request(stranger, 'message:react', {
          conversationId: chat.id,
          opId: randomUUID(),
          targetSeq: kept,
          emoji: '👍',
        }),
      ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    } finally {
      stranger.close();
    }
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      remove: [w.carol.userId],
    });
    expect(await react(w.carol, chat.id, kept, '👍')).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const log = await catchUp(w.alice.socket, chat.id, 0);
    expect(log.events.filter((e) => e.type === 'reaction')).toEqual([]);
  });

  it('in a direct chat, a blocked person cannot react', async () => {
    const chat = await direct(w.alice, w.bob);
    const { seq: target } = await send(w.bob, chat.id, 'hello');
    await call(w.alice.socket, 'message:react', {
      conversationId: chat.id,
      opId: randomUUID(),
      targetSeq: target,
      emoji: '👋',
    });
    const blocked = await http(server, 'PATCH', '/api/me', {
      body: { block: [w.alice.userId] },
      token: w.bob.session.accessToken,
    });
    expect(blocked.status).toBe(200);
    expect(await react(w.alice, chat.id, target, '😢')).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('a reaction outside a member’s periods is a hidden stub for them (live and in pages), and nothing after they left', async () => {
    const chat = await group(w.alice, [w.bob]);
    const { seq: before } = await send(w.bob, chat.id, 'before carol');
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, add: [w.carol.userId] });
    const { seq: during } = await send(w.bob, chat.id, 'with carol');
    // Carol cannot react to what she never saw.
    expect(await react(w.carol, chat.id, before, '👍')).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const carolLive = recorder(w.carol.socket);
    const carolSawBoth = collectEvents(w.carol.socket, chat.id, 2);
    const hiddenSeq = (await reactOk(w.alice, chat.id, before, '🙏')).seq;
    const visibleSeq = (await reactOk(w.alice, chat.id, during, '😮')).seq;
    await carolSawBoth;
    expect(carolLive.of(chat.id)).toEqual([
      { conversationId: chat.id, seq: hiddenSeq, type: 'hidden' },
      expect.objectContaining({ seq: visibleSeq, type: 'reaction' }),
    ]);
    const page = await catchUp(w.carol.socket, chat.id, 0);
    expect(page.events.find((e) => e.seq === hiddenSeq)).toEqual({
      conversationId: chat.id,
      seq: hiddenSeq,
      type: 'hidden',
    });
    expect(JSON.stringify(page.events)).not.toContain('🙏');
    const back = await call(w.carol.socket, 'events:before', {
      conversationId: chat.id,
      beforeSeq: visibleSeq + 1,
      limit: 50,
    });
    expect(JSON.stringify(back.events)).not.toContain('🙏');

    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      remove: [w.carol.userId],
    });
    carolLive.stop();
    const carolAfter = recorder(w.carol.socket);
    const { seq: afterLeaving } = await reactOk(w.bob, chat.id, during, '😢');
    // Bob's next message reaches Alice after the reaction; Carol, removed, gets neither.
    const aliceNext = collectEvents(w.alice.socket, chat.id, 1, (e) => e.type === 'message');
    await send(w.bob, chat.id, 'after carol');
    await aliceNext;
    expect(carolAfter.events.filter((e) => e.seq >= afterLeaving)).toEqual([]);
    const carolLog = await catchUp(w.carol.socket, chat.id, 0);
    expect(carolLog.events.some((e) => e.seq >= afterLeaving)).toBe(false);
  });

  it('a protocol 1 socket receives no reaction: nothing live, and full pages without them', async () => {
    const chat = await direct(w.alice, w.bob);
    const { seq: target } = await send(w.alice, chat.id, 'old message');
    const bobV1 = await connect(server, w.bob.session.accessToken, MIN_PROTOCOL);
    try {
      const live = recorder(bobV1);
      const reactions: number[] = [];
      for (const emoji of ['👍', '❤️', '😂'])
        reactions.push((await reactOk(w.alice, chat.id, target, emoji)).seq);
      const next = collectEvents(bobV1, chat.id, 1, (e) => e.type === 'message');
      const { seq: lastSeq } = await send(w.alice, chat.id, 'after the reactions');
      await next;
      expect(live.of(chat.id).map((e) => e.seq)).toEqual([lastSeq]);
      // The protocol 2 socket of the same person gets them all.
      const v2Log = await catchUp(w.bob.socket, chat.id, 0);
      expect(v2Log.events.filter((e) => e.type === 'reaction').map((e) => e.seq)).toEqual(
        reactions,
      );
      // Pages of 2 over [message, 3 reactions, message]: without the reactions, full until the end.
      const pages = await seqPagesAfter(bobV1, chat.id, 2);
      expect(pages).toEqual([[target, lastSeq], []]);
      const back = await call(bobV1, 'events:before', {
        conversationId: chat.id,
        beforeSeq: lastSeq,
        limit: 2,
      });
      expect(back.events.map((e) => e.seq)).toEqual([target]);
      expect(JSON.stringify(back)).not.toContain('reaction');
    } finally {
      bobV1.close();
    }
  });

  it('a reaction never counts as unread, never becomes the preview and never moves the chat up', async () => {
    const older = await direct(w.alice, w.bob);
    const { seq: target } = await send(w.bob, older.id, 'my message');
    const newer = await group(w.alice, [w.bob]);
    await send(w.alice, newer.id, 'newer chat');
    const listBefore = await call(w.bob.socket, 'conversation:list', {});
    const olderBefore = listBefore.conversations.find((c) => c.id === older.id);
    expect(olderBefore).toMatchObject({ unreadCount: 0, lastEvent: { seq: target } });

    const bobHeard = collectEvents(w.bob.socket, older.id, 1, (e) => e.type === 'reaction');
    await reactOk(w.alice, older.id, target, '👍');
    await bobHeard;
    const listAfter = await call(w.bob.socket, 'conversation:list', {});
    expect(listAfter.conversations.map((c) => c.id)).toEqual(
      listBefore.conversations.map((c) => c.id),
    );
    const olderAfter = listAfter.conversations.find((c) => c.id === older.id);
    expect(olderAfter).toMatchObject({
      unreadCount: 0,
      lastEvent: { seq: target, type: 'message' },
      lastActivityAt: olderBefore?.lastActivityAt,
    });
    // Everyone's view: Alice's too.
    const aliceList = await call(w.alice.socket, 'conversation:list', {});
    expect(aliceList.conversations.find((c) => c.id === older.id)).toMatchObject({
      unreadCount: 1,
      lastEvent: { seq: target },
    });
  });
});

describe('message:react rate', () => {
  it('shares the send bucket: over RATE_LIMIT_SEND a reaction is rate_limited and logs nothing', async () => {
    const clock = Date.now();
    const server = await startServer({
      config: { RATE_LIMIT_SEND: 2 },
      deps: { now: () => clock },
    });
    const w = await world(server);
    try {
      const chat = await direct(w.alice, w.bob);
      // A burst of twice the rate: four sends spend it all.
      let target = 0;
      for (let i = 0; i < 4; i++) target = (await send(w.alice, chat.id, `m${i}`)).seq;
      const opId = randomUUID();
      expect(await react(w.alice, chat.id, target, '👍', opId)).toMatchObject({
        ok: false,
        error: { code: 'rate_limited' },
      });
      const log = await catchUp(w.bob.socket, chat.id, 0);
      expect(log.events.filter((e) => e.type === 'reaction')).toEqual([]);
    } finally {
      w.close();
      await server.stop();
    }
  });
});
