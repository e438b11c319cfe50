import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MESSAGE_TEXT_MAX_LENGTH } from '@chitchat/shared';
import {
  call,
  connect,
  disconnected,
  nextEvent,
  request,
  startServer,
  tempDir,
  type TestServer,
} from './harness';
import {
  catchUp,
  collectEvents,
  direct,
  group,
  recorder,
  send,
  textsOf,
  world,
  worldPerTest,
  type World,
} from './fixtures';

describe('messages: order, durability, idempotency, history', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  it('a retried send with the same clientMsgId returns the first seq and creates nothing', async () => {
    const chat = await direct(w.alice, w.bob);
    const bobSees = recorder(w.bob.socket);
    const clientMsgId = randomUUID();
    const first = await send(w.alice, chat.id, 'hello', clientMsgId);
    const retry = await send(w.alice, chat.id, 'hello', clientMsgId);
    // Even from the other device of the same account, the same clientMsgId is the same message.
    const fromPhone = await send(w.alice2, chat.id, 'hello', clientMsgId);
    expect(retry).toEqual(first);
    expect(fromPhone).toEqual(first);
    await send(w.alice, chat.id, 'second');
    const history = await catchUp(w.bob.socket, chat.id, 0);
    expect(textsOf(history.events)).toEqual(['hello', 'second']);
    expect(history.lastSeq).toBe(2);
    expect(textsOf(bobSees.of(chat.id))).toEqual(['hello', 'second']);
  });

  it('concurrent sends from two devices get distinct increasing seqs, and every device sees one order', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const devices = [w.alice, w.alice2, w.bob, w.carol];
    const total = 60;
    const arrivals = devices.map((d) =>
      collectEvents(d.socket, chat.id, total, (e) => e.type === 'message'),
    );
    const sends = [];
    for (let i = 0; i < total / 2; i++) {
      sends.push(send(w.alice, chat.id, `laptop ${i}`), send(w.alice2, chat.id, `phone ${i}`));
    }
    const answers = await Promise.all(sends);
    const seqs = answers.map((a) => a.seq);
    expect(new Set(seqs).size).toBe(total);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 2));
    const seen = await Promise.all(arrivals);
    const orders = seen.map((events) => events.map((e) => e.seq));
    for (const order of orders) expect(order).toEqual([...order].sort((a, b) => a - b));
    const texts = seen.map(textsOf);
    for (const t of texts) expect(t).toEqual(texts[0]);
    // Each device's own messages keep the order they were sent in.
    expect((texts[0] ?? []).filter((t) => t?.startsWith('laptop'))).toEqual(
      Array.from({ length: 30 }, (_, i) => `laptop ${i}`),
    );
  });

  it('a device offline during 200 messages catches up exactly once and in order', async () => {
    const chat = await direct(w.alice, w.bob);
    await send(w.alice, chat.id, 'before');
    const bobBefore = await catchUp(w.bob.socket, chat.id, 0);
    w.bob.socket.close();
    for (let i = 0; i < 200; i++) await send(w.alice, chat.id, `m${i}`);
    const bob = await connect(server, w.bob.session.accessToken);
    try {
      const caughtUp = await catchUp(bob, chat.id, bobBefore.lastSeq, 37);
      expect(caughtUp.events.map((e) => e.seq)).toEqual(
        Array.from({ length: 200 }, (_, i) => i + 2),
      );
      expect(textsOf(caughtUp.events)).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
      expect(caughtUp.lastSeq).toBe(201);
    } finally {
      bob.close();
    }
  });

  it('a gap in live events is filled from events:after', async () => {
    const chat = await direct(w.alice, w.bob);
    await send(w.alice, chat.id, 'one');
    // Bob's client applied seq 1, then missed seqs 2-4 while disconnected.
    let lastSeq = 1;
    w.bob.socket.close();
    for (const t of ['two', 'three', 'four']) await send(w.alice, chat.id, t);
    const bob = await connect(server, w.bob.session.accessToken);
    try {
      const applied: string[] = ['one'];
      const live = nextEvent(bob, 'event', (e) => e.conversationId === chat.id);
      await send(w.alice, chat.id, 'five');
      const event = await live;
      expect(event.seq).toBe(5);
      // The client sees seq 5 after applying 1: a gap. It fetches after its lastSeq first.
      expect(event.seq).toBeGreaterThan(lastSeq + 1);
      const gap = await catchUp(bob, chat.id, lastSeq);
      applied.push(...textsOf(gap.events).map(String));
      lastSeq = gap.lastSeq;
      expect(applied).toEqual(['one', 'two', 'three', 'four', 'five']);
      expect(lastSeq).toBe(5);
    } finally {
      bob.close();
    }
  });

  it('an edit made while a device was away shows when that device later loads the message', async () => {
    const chat = await direct(w.alice, w.bob);
    const sent = await send(w.alice, chat.id, 'teh typo');
    w.bob.socket.close();
    const edit = await call(w.alice.socket, 'message:edit', {
      conversationId: chat.id,
      seq: sent.seq,
      text: 'the typo',
    });
    expect(edit.seq).toBe(sent.seq + 1);
    const bob = await connect(server, w.bob.session.accessToken);
    try {
      // Bob loads only the message's page (scroll-back), never the edit event itself.
      const page = await call(bob, 'events:before', {
        conversationId: chat.id,
        beforeSeq: sent.seq + 1,
        limit: 10,
      });
      const message = page.events.find((e) => e.seq === sent.seq);
      expect(message).toMatchObject({
        type: 'message',
        payload: { text: 'the typo' },
        editVersion: 1,
      });
      expect(message?.type === 'message' && message.editedAt).toBeGreaterThan(0);
      const all = await catchUp(bob, chat.id, 0);
      expect(all.events.map((e) => e.type)).toEqual(['message', 'message_edited']);
      expect(all.events[1]).toMatchObject({
        payload: { targetSeq: sent.seq, text: 'the typo', editVersion: 1 },
      });
    } finally {
      bob.close();
    }
  });

  it("a deleted message's text is gone from every page, its edits' text too", async () => {
    const chat = await direct(w.alice, w.bob);
    const sent = await send(w.alice, chat.id, 'secret plans');
    await call(w.alice.socket, 'message:edit', {
      conversationId: chat.id,
      seq: sent.seq,
      text: 'secret plans v2',
    });
    const bobLive = nextEvent(w.bob.socket, 'event', (e) => e.type === 'message_deleted');
    const del = await call(w.alice.socket, 'message:delete', {
      conversationId: chat.id,
      seq: sent.seq,
    });
    expect(await bobLive).toMatchObject({ seq: del.seq, payload: { targetSeq: sent.seq } });
    for (const socket of [w.alice.socket, w.bob.socket]) {
      const after = await call(socket, 'events:after', {
        conversationId: chat.id,
        afterSeq: 0,
        limit: 100,
      });
      const before = await call(socket, 'events:before', {
        conversationId: chat.id,
        beforeSeq: 100,
        limit: 100,
      });
      for (const events of [after.events, before.events]) {
        expect(JSON.stringify(events)).not.toContain('secret');
        expect(events.find((e) => e.seq === sent.seq)).toMatchObject({
          payload: { text: null, attachments: [] },
        });
        const message = events.find((e) => e.seq === sent.seq);
        expect(message?.type === 'message' && message.deletedAt).toBeGreaterThan(0);
      }
    }
    const list = await call(w.bob.socket, 'conversation:list', {});
    expect(JSON.stringify(list)).not.toContain('secret');
    const again = await request(w.alice.socket, 'message:delete', {
      conversationId: chat.id,
      seq: sent.seq,
    });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const editDeleted = await request(w.alice.socket, 'message:edit', {
      conversationId: chat.id,
      seq: sent.seq,
      text: 'x',
    });
    expect(editDeleted).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('edits and deletes: sender only (admins may delete in groups), messages only, opId makes them idempotent', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const bobs = await send(w.bob, chat.id, 'from bob');
    const notMine = await request(w.carol.socket, 'message:edit', {
      conversationId: chat.id,
      seq: bobs.seq,
      text: 'hijack',
    });
    expect(notMine).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const carolDeletes = await request(w.carol.socket, 'message:delete', {
      conversationId: chat.id,
      seq: bobs.seq,
    });
    expect(carolDeletes).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const notMessage = await request(w.alice.socket, 'message:edit', {
      conversationId: chat.id,
      seq: 1,
      text: 'x',
    });
    expect(notMessage).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const missing = await request(w.bob.socket, 'message:edit', {
      conversationId: chat.id,
      seq: 999,
      text: 'x',
    });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const opId = randomUUID();
    const edit = await call(w.bob.socket, 'message:edit', {
      conversationId: chat.id,
      seq: bobs.seq,
      text: 'edited',
      opId,
    });
    const editRetry = await call(w.bob.socket, 'message:edit', {
      conversationId: chat.id,
      seq: bobs.seq,
      text: 'edited',
      opId,
    });
    expect(editRetry).toEqual(edit);
    const adminDelete = await call(w.alice.socket, 'message:delete', {
      conversationId: chat.id,
      seq: bobs.seq,
      opId: 'del-1',
    });
    const deleteRetry = await call(w.alice.socket, 'message:delete', {
      conversationId: chat.id,
      seq: bobs.seq,
      opId: 'del-1',
    });
    expect(deleteRetry).toEqual(adminDelete);
    const log = await catchUp(w.carol.socket, chat.id, 0);
    expect(log.events.map((e) => e.type)).toEqual([
      'member_added',
      'message',
      'message_edited',
      'message_deleted',
    ]);
  });

  it('edits are refused after the edit window', async () => {
    let clock = Date.now();
    const timed = await startServer({ deps: { now: () => clock } });
    const tw = await world(timed);
    try {
      const chat = await direct(tw.alice, tw.bob);
      const sent = await send(tw.alice, chat.id, 'soon stale');
      clock += 16 * 60 * 1000;
      const late = await request(tw.alice.socket, 'message:edit', {
        conversationId: chat.id,
        seq: sent.seq,
        text: 'fresh',
      });
      expect(late).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    } finally {
      tw.close();
      await timed.stop();
    }
  });

  it('replies name a visible message; a bad replyToSeq is refused', async () => {
    const chat = await direct(w.alice, w.bob);
    const first = await send(w.alice, chat.id, 'question?');
    const reply = await call(w.bob.socket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      text: 'answer',
      replyToSeq: first.seq,
    });
    const page = await call(w.alice.socket, 'events:after', {
      conversationId: chat.id,
      afterSeq: first.seq,
      limit: 10,
    });
    expect(page.events[0]).toMatchObject({
      seq: reply.seq,
      payload: { replyToSeq: first.seq, text: 'answer' },
    });
    const bad = await request(w.bob.socket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      text: 'to nowhere',
      replyToSeq: 50,
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });

  it('messages survive a server restart; acked means committed', async () => {
    const data = tempDir();
    let durable = await startServer({ dataDir: data.dir });
    const dw = await world(durable);
    const chat = await direct(dw.alice, dw.bob);
    const acked = [];
    for (let i = 0; i < 20; i++) acked.push(await send(dw.alice, chat.id, `durable ${i}`));
    dw.close();
    await durable.stop();
    durable = await startServer({ dataDir: data.dir });
    try {
      const bob = await connect(durable, dw.bob.session.accessToken);
      const history = await catchUp(bob, chat.id, 0);
      expect(history.events.map((e) => ('id' in e ? e.id : null))).toEqual(acked.map((a) => a.id));
      bob.close();
    } finally {
      await durable.stop();
      data.remove();
    }
  });

  it('page limits are clamped, not refused', async () => {
    const chat = await direct(w.alice, w.bob);
    for (let i = 0; i < 3; i++) await send(w.alice, chat.id, `n${i}`);
    const zero = await call(w.bob.socket, 'events:after', {
      conversationId: chat.id,
      afterSeq: 0,
      limit: 0,
    });
    expect(zero.events).toHaveLength(1);
    const huge = await call(w.bob.socket, 'events:before', {
      conversationId: chat.id,
      beforeSeq: 10,
      limit: 100_000,
    });
    expect(huge.events.map((e) => e.seq)).toEqual([3, 2, 1]);
  });
});

describe('concurrent writers through two server instances, each with its own connection to one SQLite file', () => {
  it('never leave a reader skipping a seq', async () => {
    const data = tempDir();
    const one = await startServer({ dataDir: data.dir });
    const two = await startServer({ dataDir: data.dir });
    const w1 = await world(one);
    try {
      const chat = await group(w1.alice, [w1.bob, w1.carol]);
      // Bob writes through the second process, Alice and Carol through the first.
      const bobOnTwo = await connect(two, w1.bob.session.accessToken);
      let reading = true;
      const reader = (async () => {
        let applied = 1;
        const seen: number[] = [];
        while (reading || applied < 91) {
          const page = await call(w1.carol.socket, 'events:after', {
            conversationId: chat.id,
            afterSeq: applied,
            limit: 7,
          });
          for (const event of page.events) {
            // A reader that applies pages in order must never see a hole.
            expect(event.seq).toBe(applied + 1);
            applied = event.seq;
            seen.push(event.seq);
          }
          if (page.events.length === 0 && !reading) break;
        }
        return seen;
      })();
      const writes = [];
      for (let i = 0; i < 30; i++) {
        writes.push(send(w1.alice, chat.id, `a${i}`), send(w1.carol, chat.id, `c${i}`));
        writes.push(
          call(bobOnTwo, 'message:send', {
            conversationId: chat.id,
            clientMsgId: randomUUID(),
            text: `b${i}`,
          }),
        );
      }
      const answers = await Promise.all(writes);
      reading = false;
      const seen = await reader;
      expect(new Set(answers.map((a) => a.seq)).size).toBe(90);
      expect(seen).toEqual(Array.from({ length: 90 }, (_, i) => i + 2));
      bobOnTwo.close();
    } finally {
      w1.close();
      await one.stop();
      await two.stop();
      data.remove();
    }
  });
});

describe('bad input changes nothing', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  it('malformed and oversized payloads get their error code, and nothing is written', async () => {
    const chat = await direct(w.alice, w.bob);
    const counterBefore = await server.store.changeCursor();
    const cases: [string, unknown, string][] = [
      ['message:send', { conversationId: chat.id, clientMsgId: 'x' }, 'invalid_payload'],
      [
        'message:send',
        { conversationId: chat.id, clientMsgId: 'x', text: '   ' },
        'invalid_payload',
      ],
      [
        'message:send',
        { conversationId: chat.id, clientMsgId: 'bad id!', text: 'hi' },
        'invalid_payload',
      ],
      [
        'message:send',
        {
          conversationId: chat.id,
          clientMsgId: 'x',
          text: 'a'.repeat(MESSAGE_TEXT_MAX_LENGTH + 1),
        },
        'invalid_payload',
      ],
      ['message:send', { conversationId: 42, clientMsgId: 'x', text: 'hi' }, 'invalid_payload'],
      ['message:send', 'not an object', 'invalid_payload'],
      ['message:edit', { conversationId: chat.id, seq: -1, text: 'x' }, 'invalid_payload'],
      ['events:after', { conversationId: chat.id, afterSeq: 1.5, limit: 10 }, 'invalid_payload'],
      ['group:create', { title: '', memberIds: [] }, 'invalid_payload'],
      ['group:create', { title: 'x'.repeat(101), memberIds: [] }, 'invalid_payload'],
      [
        'group:create',
        { title: 'ok', memberIds: Array.from({ length: 2000 }, (_, i) => `u${i}`) },
        'invalid_payload',
      ],
      [
        'presence:watch',
        { userIds: Array.from({ length: 257 }, (_, i) => `u${i}`) },
        'invalid_payload',
      ],
      ['receipt:read', { conversationId: chat.id, seq: 'latest' }, 'invalid_payload'],
    ];
    for (const [event, payload, code] of cases) {
      const result = await request(w.alice.socket, event as 'message:send', payload as never);
      expect(result, `${event} ${JSON.stringify(payload).slice(0, 80)}`).toMatchObject({
        ok: false,
        error: { code },
      });
    }
    expect(await server.store.changeCursor()).toBe(counterBefore);
    expect(
      (
        await call(w.bob.socket, 'events:after', {
          conversationId: chat.id,
          afterSeq: 0,
          limit: 10,
        })
      ).lastSeq,
    ).toBe(0);
  });

  it('a packet over maxHttpBufferSize closes only that socket; the server keeps serving', async () => {
    const chat = await direct(w.alice, w.bob);
    const closed = disconnected(w.alice.socket);
    w.alice.socket.emit(
      'message:send',
      { conversationId: chat.id, clientMsgId: 'huge', text: 'x'.repeat(2_000_000) },
      () => {},
    );
    expect(await closed).toBe('transport close');
    const reconnected = await connect(server, w.alice.session.accessToken);
    expect(
      (await call(reconnected, 'events:after', { conversationId: chat.id, afterSeq: 0, limit: 10 }))
        .events,
    ).toEqual([]);
    await send({ ...w.alice, socket: reconnected }, chat.id, 'still works');
    reconnected.close();
  });

  it('sending too fast is rate limited per device, and nothing over the limit is written', async () => {
    const limited = await startServer({ config: { RATE_LIMIT_SEND: 2 } });
    const lw = await world(limited);
    try {
      const chat = await direct(lw.alice, lw.bob);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          request(lw.alice.socket, 'message:send', {
            conversationId: chat.id,
            clientMsgId: `burst-${i}`,
            text: `b${i}`,
          }),
        ),
      );
      const accepted = results.filter((r) => r.ok).length;
      const refused = results.filter((r) => !r.ok && r.error.code === 'rate_limited').length;
      expect(accepted).toBe(4); // a burst of twice the rate
      expect(refused).toBe(6);
      const history = await catchUp(lw.bob.socket, chat.id, 0);
      expect(history.events).toHaveLength(4);
      // The other device has its own bucket.
      await send(lw.alice2, chat.id, 'from the phone');
    } finally {
      lw.close();
      await limited.stop();
    }
  });
});
