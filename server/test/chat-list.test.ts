import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chatKey, type AccountChanged } from '@chitchat/shared';
import { call, nextEvent, request, type ClientSocket } from './harness';
import { collectEvents, direct, group, send, worldPerTest, type World } from './fixtures';

/** Every `account:changed` a socket receives, in arrival order. */
function accountPushes(socket: ClientSocket) {
  const pushes: AccountChanged[] = [];
  socket.on('account:changed', (update) => pushes.push(update));
  return pushes;
}

describe('chat-list account state (issue #15): pinned, archived and marked-unread chats', () => {
  let w: World;
  worldPerTest((_s, world) => {
    w = world;
  });

  it("pin, archive and mark unread reach the person's other device live and by fetch, and nobody else", async () => {
    const chat = await direct(w.alice, w.bob);
    const team = await group(w.alice, [w.bob, w.carol]);
    const bobPushes = accountPushes(w.bob.socket);
    const carolPushes = accountPushes(w.carol.socket);
    const changes = [
      { key: chatKey('pin', chat.id), value: 1_700_000_000_000 },
      { key: chatKey('archive', team.id), value: true },
      { key: chatKey('unread', team.id), value: true },
    ];
    const pushed = nextEvent(w.alice2.socket, 'account:changed');
    expect(await call(w.alice.socket, 'account:set', { changes, opId: randomUUID() })).toEqual({
      version: 3,
    });
    expect((await pushed).entries.map((e) => [e.key, e.value])).toEqual(
      changes.map((c) => [c.key, c.value]),
    );
    const fetched = await call(w.alice2.socket, 'account:state', { since: 0 });
    expect(fetched.entries.map((e) => [e.key, e.value])).toEqual(
      changes.map((c) => [c.key, c.value]),
    );

    // A new message in the archived group leaves it archived: nothing changes in the state.
    const later = collectEvents(w.bob.socket, team.id, 1, (e) => e.type === 'message');
    await send(w.carol, team.id, 'still archived?');
    await later;
    expect((await call(w.alice2.socket, 'account:state', { since: 3 })).entries).toEqual([]);

    // Bob and Carol, members of both chats, learn nothing.
    expect(bobPushes).toEqual([]);
    expect(carolPushes).toEqual([]);
    for (const other of [w.bob, w.carol])
      expect(await call(other.socket, 'account:state', {})).toEqual({
        version: 0,
        more: false,
        entries: [],
      });

    // Unpin and unarchive: removals reach the other device as changes since its version.
    await call(w.alice2.socket, 'account:set', {
      changes: [
        { key: chatKey('pin', chat.id), value: null },
        { key: chatKey('archive', team.id), value: null },
      ],
    });
    const since = await call(w.alice.socket, 'account:state', { since: 3 });
    expect(since.entries.map((e) => [e.key, e.value])).toEqual([
      [chatKey('pin', chat.id), null],
      [chatKey('archive', team.id), null],
    ]);
  });

  it('a chat the person was never in is not_found; malformed keys and values are invalid_payload; nothing is written', async () => {
    const theirs = await direct(w.bob, w.carol);
    const mine = await direct(w.alice, w.bob);
    const cases: [string, unknown, string][] = [
      [chatKey('pin', theirs.id), 1_700_000_000_000, 'not_found'],
      [chatKey('archive', 'no-such-chat'), true, 'not_found'],
      [chatKey('pin', mine.id), true, 'invalid_payload'],
      [chatKey('pin', mine.id), 0, 'invalid_payload'],
      [chatKey('pin', mine.id), 1.5, 'invalid_payload'],
      [chatKey('archive', mine.id), 1, 'invalid_payload'],
      [chatKey('unread', mine.id), false, 'invalid_payload'],
      [`mute:${mine.id}`, true, 'invalid_payload'],
      [`pin:${mine.id}:1`, 1, 'invalid_payload'],
    ];
    for (const [key, value, code] of cases)
      expect(
        await request(w.alice.socket, 'account:set', { changes: [{ key, value }] as never }),
        JSON.stringify([key, value]),
      ).toMatchObject({ ok: false, error: { code } });
    expect((await call(w.alice.socket, 'account:state', {})).entries).toEqual([]);
  });

  it('a former member may still archive or unpin the chat they left', async () => {
    const team = await group(w.alice, [w.bob]);
    await call(w.bob.socket, 'group:leave', { conversationId: team.id });
    expect(
      await call(w.bob.socket, 'account:set', {
        changes: [{ key: chatKey('archive', team.id), value: true }],
      }),
    ).toEqual({ version: 1 });
  });
});
