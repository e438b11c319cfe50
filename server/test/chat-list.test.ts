import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DRAFT_MAX_LENGTH,
  MUTE_ALWAYS,
  chatKey,
  type AccountChanged,
  type ConversationSummary,
} from '@chitchat/shared';
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
      [`mute:${mine.id}`, 'never', 'invalid_payload'],
      [`mute:${mine.id}`, '2030-01-01', 'invalid_payload'],
      [`mute:${mine.id}`, '2030-13-45T00:00:00.000Z', 'invalid_payload'],
      [`mute:${mine.id}`, 1_700_000_000_000, 'invalid_payload'],
      [`draft:${mine.id}`, '', 'invalid_payload'],
      [`draft:${mine.id}`, 'x'.repeat(DRAFT_MAX_LENGTH + 1), 'invalid_payload'],
      [`draft:${mine.id}`, { text: 'hi' }, 'invalid_payload'],
      [chatKey('draft', theirs.id), 'hi', 'not_found'],
      [chatKey('mute', theirs.id), MUTE_ALWAYS, 'not_found'],
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

  it("mute-until reaches the person's other devices, drives the summary's muted, and nobody else", async () => {
    const chat = await direct(w.alice, w.bob);
    const team = await group(w.alice, [w.bob, w.carol]);
    const bobPushes = accountPushes(w.bob.socket);
    const bobSummaries: ConversationSummary[] = [];
    w.bob.socket.on('conversation', (s) => bobSummaries.push(s));
    const cursor = (await call(w.alice2.socket, 'conversation:list', {})).cursor;

    // Muted for 8 hours: the other device hears the entry and the new summary.
    const until = new Date(Date.now() + 8 * 3600_000).toISOString();
    const pushed = nextEvent(w.alice2.socket, 'account:changed');
    const summary = nextEvent(w.alice2.socket, 'conversation');
    await call(w.alice.socket, 'account:set', {
      changes: [{ key: chatKey('mute', chat.id), value: until }],
    });
    expect((await pushed).entries).toEqual([
      expect.objectContaining({ key: chatKey('mute', chat.id), value: until }),
    ]);
    expect(await summary).toMatchObject({ id: chat.id, muted: true });
    // A device that was away sees it in the summaries changed since its cursor.
    expect(
      (await call(w.alice2.socket, 'conversation:list', { since: cursor })).conversations,
    ).toEqual([expect.objectContaining({ id: chat.id, muted: true })]);

    // A mute that has ended is no mute, without anyone removing it.
    const past = new Date(Date.now() - 1000).toISOString();
    await call(w.alice.socket, 'account:set', {
      changes: [{ key: chatKey('mute', team.id), value: past }],
    });
    const list = await call(w.alice2.socket, 'conversation:list', {});
    expect(list.conversations.find((c) => c.id === team.id)?.muted).toBe(false);
    expect(list.conversations.find((c) => c.id === chat.id)?.muted).toBe(true);

    // Bob, in both chats, learns nothing: no push, and his summaries are not muted (those he got
    // came from the chats' creation, which may arrive after this test started listening).
    expect(bobPushes).toEqual([]);
    expect(bobSummaries.filter((s) => s.muted)).toEqual([]);
    const bobs = (await call(w.bob.socket, 'conversation:list', {})).conversations;
    expect(bobs.every((c) => !c.muted)).toBe(true);
    expect(await call(w.bob.socket, 'account:state', {})).toMatchObject({ entries: [] });
  });

  it('conversation:settings (apps before mute-until) mutes "always" through the account state, and unmutes', async () => {
    const chat = await direct(w.alice, w.bob);
    const pushed = nextEvent(w.alice2.socket, 'account:changed');
    const muted = await call(w.alice.socket, 'conversation:settings', {
      conversationId: chat.id,
      muted: true,
    });
    expect(muted).toMatchObject({ id: chat.id, muted: true });
    expect((await pushed).entries).toEqual([
      expect.objectContaining({ key: chatKey('mute', chat.id), value: MUTE_ALWAYS }),
    ]);
    // The same again changes nothing (idempotent without an opId).
    await call(w.alice.socket, 'conversation:settings', { conversationId: chat.id, muted: true });
    expect((await call(w.alice2.socket, 'account:state', {})).version).toBe(1);

    const unmuted = await call(w.alice2.socket, 'conversation:settings', {
      conversationId: chat.id,
      muted: false,
    });
    expect(unmuted.muted).toBe(false);
    expect((await call(w.alice.socket, 'account:state', { since: 1 })).entries).toEqual([
      expect.objectContaining({ key: chatKey('mute', chat.id), value: null }),
    ]);
    // Someone else's chat: not_found, muting or not.
    const theirs = await direct(w.bob, w.carol);
    for (const value of [true, false])
      expect(
        await request(w.alice.socket, 'conversation:settings', {
          conversationId: theirs.id,
          muted: value,
        }),
      ).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it("a draft reaches the person's other device, the last writer wins, and nobody else sees it", async () => {
    const chat = await direct(w.alice, w.bob);
    const bobPushes = accountPushes(w.bob.socket);
    const key = chatKey('draft', chat.id);
    const first = nextEvent(w.alice2.socket, 'account:changed');
    await call(w.alice.socket, 'account:set', { changes: [{ key, value: 'see you at' }] });
    expect((await first).entries).toEqual([expect.objectContaining({ key, value: 'see you at' })]);
    // The other device goes on typing: its write is the newer one for everyone.
    await call(w.alice2.socket, 'account:set', { changes: [{ key, value: 'see you at 8' }] });
    const state = await call(w.alice.socket, 'account:state', {});
    expect(state.entries).toEqual([expect.objectContaining({ key, value: 'see you at 8' })]);
    // Sent: the draft is removed (a tombstone for devices holding a version).
    await call(w.alice.socket, 'account:set', { changes: [{ key, value: null }] });
    expect((await call(w.alice2.socket, 'account:state', { since: 2 })).entries).toEqual([
      expect.objectContaining({ key, value: null }),
    ]);
    expect(bobPushes).toEqual([]);
  });
});
