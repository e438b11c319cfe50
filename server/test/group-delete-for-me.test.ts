/**
 * "Delete group" for me (issue #15): the account-state entry `deletedchat:<conversationId>` whose
 * value is the last seq the person could see. Only a former member may set it, and at most up to
 * that seq; it reaches the person's other devices and nobody else; a re-add is untouched by it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chatKey } from '@chitchat/shared';
import { call, nextEvent, request } from './harness';
import { group, send, worldPerTest, type World } from './fixtures';

describe('delete group for me (deletedchat)', () => {
  let w: World;
  worldPerTest((_s, world) => {
    w = world;
  });

  it('refuses a member who has not exited, and a seq past what a former member saw; changes nothing', async () => {
    const chat = await group(w.bob, [w.alice, w.carol]);
    const key = chatKey('deletedchat', chat.id);
    await send(w.bob, chat.id, 'hello');
    const early = await request(w.alice.socket, 'account:set', { changes: [{ key, value: 2 }] });
    expect(early).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    await call(w.alice.socket, 'group:leave', { conversationId: chat.id });
    const { lastSeq } = (await call(w.alice.socket, 'conversation:list', {})).conversations.find(
      (c) => c.id === chat.id,
    )!;
    // Messages after she left move the group's seq on, never what she may hide.
    await send(w.bob, chat.id, 'after alice left');
    for (const value of [lastSeq + 1, 0, -1, 1.5, true, 'x'])
      expect(
        await request(w.alice.socket, 'account:set', { changes: [{ key, value }] as never }),
        JSON.stringify(value),
      ).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    // Someone who was never in the group: as if it did not exist.
    expect(
      await request(w.alice.socket, 'account:set', {
        changes: [{ key: chatKey('deletedchat', 'no-such-group'), value: 1 }],
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await call(w.alice2.socket, 'account:state', {})).toEqual({
      version: 0,
      more: false,
      entries: [],
    });
  });

  it("a former member's deletion reaches their other device and nobody else; a re-add is not blocked by it", async () => {
    const chat = await group(w.bob, [w.alice]);
    await send(w.bob, chat.id, 'before');
    await call(w.alice.socket, 'group:leave', { conversationId: chat.id });
    const left = (await call(w.alice.socket, 'conversation:list', {})).conversations.find(
      (c) => c.id === chat.id,
    );
    expect(left?.status).toBe('left');
    const key = chatKey('deletedchat', chat.id);
    const pushed = nextEvent(w.alice2.socket, 'account:changed');
    const bobPushes: unknown[] = [];
    w.bob.socket.on('account:changed', (u) => bobPushes.push(u));
    await call(w.alice.socket, 'account:set', {
      changes: [{ key, value: left!.lastSeq }],
      opId: randomUUID(),
    });
    expect((await pushed).entries).toMatchObject([{ key, value: left!.lastSeq }]);

    // Bob adds her again: she is a member with a new period, and sees only what follows.
    const added = nextEvent(w.alice.socket, 'conversation');
    await call(w.bob.socket, 'group:update', { conversationId: chat.id, add: [w.alice.userId] });
    expect(await added).toMatchObject({ id: chat.id, status: 'active' });
    const { seq } = await send(w.bob, chat.id, 'welcome back');
    expect(seq).toBeGreaterThan(left!.lastSeq);
    expect(bobPushes).toEqual([]);
  });

  it('what a deleted group held never counts as unread again: a re-add counts the new period only', async () => {
    const chat = await group(w.bob, [w.alice]);
    const UNREAD = 300;
    for (let i = 0; i < UNREAD; i++) await send(w.bob, chat.id, `old ${i}`);
    await call(w.alice.socket, 'group:leave', { conversationId: chat.id });
    const summaryOf = async () =>
      (await call(w.alice2.socket, 'conversation:list', {})).conversations.find(
        (c) => c.id === chat.id,
      );
    const left = await summaryOf();
    // Exited, she has not read them: they count until she reads or deletes the group.
    expect(left).toMatchObject({ status: 'left', unreadCount: UNREAD, readSeq: 0 });
    await call(w.alice.socket, 'account:set', {
      changes: [{ key: chatKey('deletedchat', chat.id), value: left!.lastSeq }],
    });
    expect((await summaryOf())?.unreadCount).toBe(0);

    const added = nextEvent(w.alice2.socket, 'conversation');
    await call(w.bob.socket, 'group:update', { conversationId: chat.id, add: [w.alice.userId] });
    // The summary a re-add pushes, and the list a device (old or new) syncs from, agree.
    expect(await added).toMatchObject({ id: chat.id, status: 'active', unreadCount: 0 });
    await send(w.bob, chat.id, 'welcome back');
    await send(w.bob, chat.id, 'we missed you');
    expect(await summaryOf()).toMatchObject({ status: 'active', unreadCount: 2 });
  });
});
