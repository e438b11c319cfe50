import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_STATE_PROTOCOL,
  MIN_PROTOCOL,
  accountKey,
  type AccountChanged,
} from '@chitchat/shared';
import { loadConfig } from '../src/config';
import { call, connect, request, nextEvent, type ClientSocket, type TestServer } from './harness';
import { collectEvents, direct, group, send, worldPerTest, type World } from './fixtures';

/** Every `account:changed` a socket receives, in arrival order. */
function accountPushes(socket: ClientSocket) {
  const pushes: AccountChanged[] = [];
  socket.on('account:changed', (update) => pushes.push(update));
  return pushes;
}

describe('account state (DESIGN §3): starred and deleted-for-me messages', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, world) => {
    server = s;
    w = world;
  });

  it("a star reaches the person's other device live and by fetch, and nobody else", async () => {
    const chat = await direct(w.alice, w.bob);
    const { seq } = await send(w.bob, chat.id, 'star me');
    const bobPushes = accountPushes(w.bob.socket);
    const alicePushes = accountPushes(w.alice.socket);
    const key = accountKey('star', chat.id, seq);
    const pushed = nextEvent(w.alice2.socket, 'account:changed');
    const answer = await call(w.alice.socket, 'account:set', {
      changes: [{ key, value: true }],
      opId: randomUUID(),
    });
    expect(answer).toEqual({ version: 1 });
    expect(await pushed).toMatchObject({ entries: [{ key, value: true, version: 1 }], version: 1 });
    // The device that made the change hears it too (its other tabs or a retry stay in step).
    expect(alicePushes.map((p) => p.version)).toEqual([1]);
    expect(await call(w.alice2.socket, 'account:state', { since: 0 })).toMatchObject({
      version: 1,
      more: false,
      entries: [{ key, value: true, version: 1 }],
    });
    // Bob, the sender, learns nothing: no push (a later event of the chat arrives first), no state.
    const later = collectEvents(w.bob.socket, chat.id, 1);
    await send(w.alice, chat.id, 'after the star');
    await later;
    expect(bobPushes).toEqual([]);
    expect(await call(w.bob.socket, 'account:state', {})).toEqual({
      version: 0,
      more: false,
      entries: [],
    });
  });

  it('delete for me and unstar reach the other device as changes since its version', async () => {
    const chat = await group(w.alice, [w.bob]);
    const first = await send(w.bob, chat.id, 'one');
    const second = await send(w.bob, chat.id, 'two');
    await call(w.alice.socket, 'account:set', {
      changes: [{ key: accountKey('star', chat.id, first.seq), value: true }],
    });
    const held = await call(w.alice2.socket, 'account:state', {});
    expect(held.version).toBe(1);
    const pushed = nextEvent(w.alice2.socket, 'account:changed');
    await call(w.alice.socket, 'account:set', {
      changes: [
        { key: accountKey('star', chat.id, first.seq), value: null },
        { key: accountKey('deleted', chat.id, second.seq), value: true },
      ],
    });
    expect((await pushed).entries.map((e) => [e.key, e.value, e.version])).toEqual([
      [accountKey('star', chat.id, first.seq), null, 2],
      [accountKey('deleted', chat.id, second.seq), true, 3],
    ]);
    // A device that missed the push fetches the same since its version, removals included...
    const since = await call(w.alice2.socket, 'account:state', { since: held.version });
    expect(since.entries.map((e) => [e.key, e.value])).toEqual([
      [accountKey('star', chat.id, first.seq), null],
      [accountKey('deleted', chat.id, second.seq), true],
    ]);
    // ...and a new device gets only what holds now.
    const fresh = await call(w.alice2.socket, 'account:state', { since: 0 });
    expect(fresh.entries.map((e) => e.key)).toEqual([accountKey('deleted', chat.id, second.seq)]);
    // Bob's own state is untouched and his log still holds the message.
    expect((await call(w.bob.socket, 'account:state', {})).entries).toEqual([]);
  });

  it('pages by version: `more` until the last page, whose version is the current one', async () => {
    const chat = await direct(w.alice, w.bob);
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) seqs.push((await send(w.bob, chat.id, `m${i}`)).seq);
    await call(w.alice.socket, 'account:set', {
      changes: seqs.map((seq) => ({ key: accountKey('star', chat.id, seq), value: true })),
    });
    const page1 = await call(w.alice.socket, 'account:state', { since: 0, limit: 2 });
    expect(page1).toMatchObject({ version: 2, more: true });
    const page2 = await call(w.alice.socket, 'account:state', { since: page1.version, limit: 2 });
    expect(page2).toMatchObject({ version: 4, more: true });
    const page3 = await call(w.alice.socket, 'account:state', { since: page2.version, limit: 2 });
    expect(page3).toMatchObject({ version: 5, more: false });
    expect([...page1.entries, ...page2.entries, ...page3.entries].map((e) => e.version)).toEqual([
      1, 2, 3, 4, 5,
    ]);
  });

  it('a repeated opId answers the first version and pushes nothing again', async () => {
    const chat = await direct(w.alice, w.bob);
    const { seq } = await send(w.bob, chat.id, 'x');
    const opId = randomUUID();
    const pushes = accountPushes(w.alice2.socket);
    const payload = { changes: [{ key: accountKey('star', chat.id, seq), value: true }], opId };
    expect(await call(w.alice.socket, 'account:set', payload)).toEqual({ version: 1 });
    expect(
      await call(w.alice.socket, 'account:set', {
        ...payload,
        changes: [{ key: accountKey('star', chat.id, seq), value: null }],
      }),
    ).toEqual({ version: 1 });
    // A barrier: the next change's push arrives after anything the repeat could have sent.
    const next = nextEvent(w.alice2.socket, 'account:changed', (u) => u.version === 2);
    await call(w.alice.socket, 'account:set', {
      changes: [{ key: accountKey('deleted', chat.id, seq), value: true }],
    });
    await next;
    expect(pushes.map((p) => p.version)).toEqual([1, 2]);
  });

  it(`a protocol ${MIN_PROTOCOL} socket receives no account:changed; a protocol ${ACCOUNT_STATE_PROTOCOL} one does`, async () => {
    const chat = await direct(w.alice, w.bob);
    const { seq } = await send(w.bob, chat.id, 'x');
    const old = await connect(server, w.alice2.session.accessToken, MIN_PROTOCOL);
    try {
      const oldPushes = accountPushes(old);
      const current = nextEvent(w.alice2.socket, 'account:changed');
      await call(w.alice.socket, 'account:set', {
        changes: [{ key: accountKey('star', chat.id, seq), value: true }],
      });
      await current;
      // The old socket does get the chat's next event, sent after the star.
      const later = collectEvents(old, chat.id, 1);
      await send(w.bob, chat.id, 'later');
      await later;
      expect(oldPushes).toEqual([]);
    } finally {
      old.close();
    }
  });

  it('refuses with a clear code and changes nothing: bad keys and values, messages the person cannot see', async () => {
    const chat = await group(w.alice, [w.bob]);
    const before = await send(w.bob, chat.id, 'before carol joined');
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, add: [w.carol.userId] });
    const after = await send(w.bob, chat.id, 'after carol joined');
    const other = await direct(w.alice, w.bob);
    const { seq: privateSeq } = await send(w.alice, other.id, 'between alice and bob');
    const set = (value: unknown, key: unknown) =>
      request(w.carol.socket, 'account:set', {
        changes: [{ key, value }] as never,
      });
    const cases: [unknown, unknown, string][] = [
      [true, 'star', 'invalid_payload'],
      [true, `pin:${chat.id}:1`, 'invalid_payload'],
      [true, `star:${chat.id}:0`, 'invalid_payload'],
      [true, `star:${chat.id}:x`, 'invalid_payload'],
      ['yes', accountKey('star', chat.id, after.seq), 'invalid_payload'],
      [{}, accountKey('star', chat.id, after.seq), 'invalid_payload'],
      [undefined, accountKey('star', chat.id, after.seq), 'invalid_payload'],
      // Before her period, in a chat she is not in, past the end: alike not found.
      [true, accountKey('star', chat.id, before.seq), 'not_found'],
      [true, accountKey('star', other.id, privateSeq), 'not_found'],
      [true, accountKey('deleted', chat.id, after.seq + 100), 'not_found'],
      [true, accountKey('star', 'no-such-chat', 1), 'not_found'],
    ];
    for (const [value, key, code] of cases)
      expect(await set(value, key), JSON.stringify([value, key])).toMatchObject({
        ok: false,
        error: { code },
      });
    // Her own add (a member_added event) is not a message.
    const joined = (
      await call(w.carol.socket, 'events:after', {
        conversationId: chat.id,
        afterSeq: 0,
        limit: 10,
      })
    ).events[0];
    expect(await set(true, accountKey('star', chat.id, joined?.seq ?? 0))).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    // The same key twice in one call, too many changes, no changes.
    const key = accountKey('star', chat.id, after.seq);
    for (const changes of [
      [
        { key, value: true },
        { key, value: null },
      ],
      Array.from({ length: 101 }, (_, i) => ({
        key: accountKey('star', chat.id, i + 1),
        value: true,
      })),
      [],
    ])
      expect(await request(w.carol.socket, 'account:set', { changes })).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
    // One bad change refuses the whole call.
    expect(
      await request(w.carol.socket, 'account:set', {
        changes: [
          { key, value: true },
          { key: accountKey('star', chat.id, before.seq), value: true },
        ],
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await call(w.carol.socket, 'account:state', {})).toEqual({
      version: 0,
      more: false,
      entries: [],
    });
    // What she can see, she can star.
    expect(await call(w.carol.socket, 'account:set', { changes: [{ key, value: true }] })).toEqual({
      version: 1,
    });
  });
});

describe('account:set at the default RATE_LIMIT_ACCOUNT', () => {
  const defaults = loadConfig({});
  const clock = Date.now();
  let server: TestServer;
  let w: World;
  worldPerTest(
    (s, world) => {
      server = s;
      w = world;
    },
    // A clock that stands still: no token comes back while the test runs.
    { config: { RATE_LIMIT_ACCOUNT: defaults.RATE_LIMIT_ACCOUNT }, deps: { now: () => clock } },
  );

  it('a burst of twice the rate passes; the next change is rate_limited and changes nothing', async () => {
    const chat = await direct(w.alice, w.bob);
    const { seq } = await send(w.bob, chat.id, 'x');
    const key = accountKey('star', chat.id, seq);
    const burst = defaults.RATE_LIMIT_ACCOUNT * 2;
    for (let i = 0; i < burst; i++)
      await call(w.alice.socket, 'account:set', {
        changes: [{ key, value: i % 2 === 0 ? true : null }],
      });
    const refused = await request(w.alice.socket, 'account:set', {
      changes: [{ key: accountKey('deleted', chat.id, seq), value: true }],
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    const state = await call(w.alice2.socket, 'account:state', { since: 0 });
    expect(state.entries.map((e) => e.key)).not.toContain(accountKey('deleted', chat.id, seq));
    expect(server.config.RATE_LIMIT_ACCOUNT).toBe(10);
  });
});
