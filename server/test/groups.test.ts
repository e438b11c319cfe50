import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SMALL_GROUP_MAX, type ConversationSummary } from '@chitchat/shared';
import { call, http, nextEvent, request, type TestServer } from './harness';
import {
  catchUp,
  direct,
  group,
  person,
  recorder,
  send,
  textsOf,
  worldPerTest,
  type World,
} from './fixtures';

describe('groups, membership periods and authorization', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  it('create: an empty member list still makes a group of one (the wire contract keeps it)', async () => {
    const summary = await call(w.alice.socket, 'group:create', { title: 'Just me', memberIds: [] });
    expect(summary).toMatchObject({
      kind: 'group',
      title: 'Just me',
      role: 'owner',
      memberCount: 1,
    });
  });

  it('create: the creator is owner, members are told, seq 1 records who joined', async () => {
    const bobTold = nextEvent(w.bob.socket, 'conversation');
    const opId = randomUUID();
    const chat = await call(w.alice.socket, 'group:create', {
      title: '  Hikers  ',
      memberIds: [w.bob.userId, w.carol.userId],
      opId,
    });
    expect(chat).toMatchObject({
      kind: 'group',
      title: 'Hikers',
      role: 'owner',
      status: 'active',
      memberCount: 3,
      lastSeq: 1,
    });
    expect(chat.members?.map((m) => m.userId).sort()).toEqual(
      [w.alice.userId, w.bob.userId, w.carol.userId].sort(),
    );
    expect(await bobTold).toMatchObject({ id: chat.id, role: 'member', title: 'Hikers' });
    const log = await catchUp(w.carol.socket, chat.id, 0);
    expect(log.events).toEqual([
      expect.objectContaining({
        seq: 1,
        type: 'member_added',
        payload: { userIds: [w.alice.userId, w.bob.userId, w.carol.userId] },
      }),
    ]);
    const retry = await call(w.alice.socket, 'group:create', {
      title: 'Hikers',
      memberIds: [w.bob.userId],
      opId,
    });
    expect(retry.id).toBe(chat.id);
  });

  it('group titles that could impersonate are refused on create and rename; ZWNJ and ZWJ are kept', async () => {
    const created = await request(w.alice.socket, 'group:create', {
      title: 'Payroll \u202Eetadpu',
      memberIds: [w.bob.userId],
    });
    expect(created).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });

    const title = 'خانواده\u200C\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
    const chat = await call(w.alice.socket, 'group:create', { title, memberIds: [w.bob.userId] });
    expect(chat.title).toBe(title);
    for (const bad of ['Team\u200B', '\u2067Team', 'Team\uFEFF', 'Te\u0000am']) {
      const renamed = await request(w.alice.socket, 'group:update', {
        conversationId: chat.id,
        title: bad,
      });
      expect(renamed, JSON.stringify(bad)).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
    }
    const log = await catchUp(w.bob.socket, chat.id, 0);
    expect(log.lastSeq).toBe(1);
  });

  it('a new member sees no history from before joining; a removed member nothing after; a re-added member never the gap', async () => {
    const chat = await group(w.alice, [w.bob]);
    await send(w.alice, chat.id, 'before carol');
    const carolLive = recorder(w.carol.socket);
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, add: [w.carol.userId] });
    await send(w.bob, chat.id, 'carol is here');
    const carolLog = await catchUp(w.carol.socket, chat.id, 0);
    expect(carolLog.events.map((e) => e.type)).toEqual(['member_added', 'message']);
    expect(textsOf(carolLog.events)).toEqual(['carol is here']);
    expect(carolLog.events[0]).toMatchObject({ payload: { userIds: [w.carol.userId] } });
    const before = await call(w.carol.socket, 'events:before', {
      conversationId: chat.id,
      beforeSeq: 1_000,
      limit: 100,
    });
    expect(before.events.map((e) => e.seq)).toEqual(carolLog.events.map((e) => e.seq).reverse());

    const removal = await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      remove: [w.carol.userId],
    });
    const removedAt = removal.lastSeq;
    await send(w.bob, chat.id, 'carol is gone');
    const gone = await call(w.carol.socket, 'events:after', {
      conversationId: chat.id,
      afterSeq: 0,
      limit: 100,
    });
    expect(gone.lastSeq).toBe(removedAt);
    expect(gone.events.at(-1)).toMatchObject({
      seq: removedAt,
      type: 'member_removed',
      payload: { userIds: [w.carol.userId] },
    });
    expect(textsOf(gone.events)).not.toContain('carol is gone');
    const carolList = await call(w.carol.socket, 'conversation:list', {});
    expect(carolList.conversations.find((c) => c.id === chat.id)).toMatchObject({
      status: 'left',
      lastSeq: removedAt,
    });
    const write = await request(w.carol.socket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      text: 'hey',
    });
    expect(write).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    await call(w.alice.socket, 'group:update', { conversationId: chat.id, add: [w.carol.userId] });
    await send(w.bob, chat.id, 'welcome back');
    const back = await catchUp(w.carol.socket, chat.id, 0);
    expect(textsOf(back.events)).toEqual(['carol is here', 'welcome back']);
    expect(textsOf(back.events)).not.toContain('carol is gone');
    // Live, Carol got exactly what her periods cover.
    expect(textsOf(carolLive.of(chat.id))).toEqual(['carol is here', 'welcome back']);
    expect(carolLive.of(chat.id).map((e) => e.seq)).toEqual(back.events.map((e) => e.seq));
  });

  it('a removed member receives nothing after removal, not even typing', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const carolLive = recorder(w.carol.socket);
    const typingSeen: unknown[] = [];
    w.carol.socket.on('typing', (t) => typingSeen.push(t));
    const told = nextEvent(
      w.carol.socket,
      'conversation',
      (s) => s.id === chat.id && s.status === 'left',
    );
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      remove: [w.carol.userId],
    });
    expect(await told).toMatchObject({ status: 'left' });
    const removedSeq = carolLive.of(chat.id).at(-1)?.seq ?? 0;
    await send(w.alice, chat.id, 'secret after removal');
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, title: 'Renamed' });
    w.bob.socket.emit('typing', { conversationId: chat.id, typing: true });
    // Sync point: Bob gets all of these; Carol must have had her chance to get them too.
    const bobSeesRename = nextEvent(
      w.bob.socket,
      'event',
      (e) => e.type === 'conversation_renamed',
    );
    await bobSeesRename;
    await send(w.bob, chat.id, 'sync');
    await call(w.carol.socket, 'conversation:list', {});
    expect(carolLive.of(chat.id).every((e) => e.seq <= removedSeq)).toBe(true);
    expect(typingSeen).toEqual([]);
  });

  it('only owners and admins manage a group; nobody removes the owner; the owner leaving hands over', async () => {
    const dave = await person(server, 'dave');
    try {
      const chat = await group(w.alice, [w.bob, w.carol]);
      for (const change of [
        { title: 'Mine now' },
        { add: [dave.userId] },
        { remove: [w.carol.userId] },
        { roles: [{ userId: w.bob.userId, role: 'admin' as const }] },
      ]) {
        const refused = await request(w.bob.socket, 'group:update', {
          conversationId: chat.id,
          ...change,
        });
        expect(refused, JSON.stringify(change)).toMatchObject({
          ok: false,
          error: { code: 'forbidden' },
        });
      }
      await call(w.alice.socket, 'group:update', {
        conversationId: chat.id,
        roles: [{ userId: w.bob.userId, role: 'admin' }],
      });
      const removeOwner = await request(w.bob.socket, 'group:update', {
        conversationId: chat.id,
        remove: [w.alice.userId],
      });
      expect(removeOwner).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const demoteOwner = await request(w.bob.socket, 'group:update', {
        conversationId: chat.id,
        roles: [{ userId: w.alice.userId, role: 'member' }],
      });
      expect(demoteOwner).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const renamed = await call(w.bob.socket, 'group:update', {
        conversationId: chat.id,
        title: 'Admins rule',
        add: [dave.userId],
      });
      expect(renamed).toMatchObject({ title: 'Admins rule', memberCount: 4 });

      const bobTold = nextEvent(
        w.bob.socket,
        'conversation',
        (s) => s.id === chat.id && s.role === 'owner',
      );
      await call(w.alice.socket, 'group:leave', { conversationId: chat.id });
      expect(await bobTold).toMatchObject({ role: 'owner', memberCount: 3 });
      const log = await catchUp(w.carol.socket, chat.id, 0);
      expect(log.events.slice(-2)).toEqual([
        expect.objectContaining({
          type: 'member_removed',
          payload: { userIds: [w.alice.userId], left: true },
        }),
        expect.objectContaining({
          type: 'member_role',
          payload: { userId: w.bob.userId, role: 'owner' },
        }),
      ]);
      const aliceView = await call(w.alice.socket, 'conversation:list', {});
      expect(aliceView.conversations.find((c) => c.id === chat.id)).toMatchObject({
        status: 'left',
      });
      // Leaving twice is harmless.
      expect(
        await request(w.alice.socket, 'group:leave', { conversationId: chat.id }),
      ).toMatchObject({ ok: true });
    } finally {
      dave.socket.close();
    }
  });

  it('a non-member gets not_found for every read and write of a conversation', async () => {
    const chat = await direct(w.alice, w.bob);
    await send(w.alice, chat.id, 'private');
    const id = chat.id;
    const attempts: [string, unknown][] = [
      ['conversation:members', { conversationId: id }],
      ['conversation:settings', { conversationId: id, muted: true }],
      ['group:update', { conversationId: id, title: 'x' }],
      ['group:leave', { conversationId: id }],
      ['message:send', { conversationId: id, clientMsgId: randomUUID(), text: 'intrude' }],
      ['message:edit', { conversationId: id, seq: 1, text: 'x' }],
      ['message:delete', { conversationId: id, seq: 1 }],
      ['events:after', { conversationId: id, afterSeq: 0, limit: 10 }],
      ['events:before', { conversationId: id, beforeSeq: 10, limit: 10 }],
      ['receipt:delivered', { conversationId: id, seq: 1 }],
      ['receipt:read', { conversationId: id, seq: 1 }],
    ];
    for (const [event, payload] of attempts) {
      const result = await request(w.carol.socket, event as 'events:after', payload as never);
      expect(result, event).toMatchObject({ ok: false });
      expect(['not_found', 'forbidden'], event).toContain(result.ok ? 'ok' : result.error.code);
    }
    const typing = await new Promise((resolve) => {
      w.carol.socket.emit('typing', { conversationId: id, typing: true }, resolve);
    });
    expect(typing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const list = await call(w.carol.socket, 'conversation:list', {});
    expect(list.conversations.map((c) => c.id)).not.toContain(id);
  });

  it('a blocked user cannot send to the blocker, start a chat with them, or add them to a group', async () => {
    const chat = await direct(w.alice, w.bob);
    const beforeId = randomUUID();
    const before = await send(w.bob, chat.id, 'hello', beforeId);
    await http(server, 'PATCH', '/api/me', {
      token: w.alice.session.accessToken,
      body: { block: [w.bob.userId] },
    });
    const refused = await request(w.bob.socket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      text: 'hi?',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // A retry of what was sent before the block still gets its first answer.
    expect(await send(w.bob, chat.id, 'hello', beforeId)).toEqual(before);
    const history = await call(w.alice.socket, 'events:after', {
      conversationId: chat.id,
      afterSeq: 0,
      limit: 10,
    });
    expect(textsOf(history.events)).toEqual(['hello']);
    const groupWithAlice = await request(w.bob.socket, 'group:create', {
      title: 'Trap',
      memberIds: [w.alice.userId],
    });
    expect(groupWithAlice).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const bobsGroup = await group(w.bob, [w.carol]);
    const add = await request(w.bob.socket, 'group:update', {
      conversationId: bobsGroup.id,
      add: [w.alice.userId],
    });
    expect(add).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // The blocker can still write (the block is theirs to lift), and shared groups are unaffected.
    await send(w.alice, chat.id, 'I blocked you');
    const shared = await group(w.carol, [w.alice, w.bob]);
    await send(w.bob, shared.id, 'in a shared group');
    await http(server, 'PATCH', '/api/me', {
      token: w.alice.session.accessToken,
      body: { unblock: [w.bob.userId] },
    });
    await send(w.bob, chat.id, 'thanks for unblocking');
  });

  it('direct chats are one per pair, whoever starts them, and concurrent starts agree', async () => {
    const results = await Promise.all([
      direct(w.alice, w.bob),
      direct(w.bob, w.alice),
      direct(w.alice2, w.bob),
    ]);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results[0]).toMatchObject({
      kind: 'direct',
      peer: { id: w.bob.userId },
      memberCount: 2,
    });
    expect(results[1]).toMatchObject({ peer: { id: w.alice.userId } });
    expect(
      await request(w.alice.socket, 'conversation:direct', { userId: w.alice.userId }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    expect(
      await request(w.alice.socket, 'conversation:direct', { userId: 'nobody' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('conversation:members lists roles and public watermarks; large groups leave the list out of summaries', async () => {
    const extra = [];
    for (let i = 0; i < SMALL_GROUP_MAX; i++) extra.push(await person(server, `m${i}`));
    try {
      const big: ConversationSummary = await group(w.alice, [w.bob, ...extra]);
      expect(big.memberCount).toBe(SMALL_GROUP_MAX + 2);
      expect(big.members).toBeUndefined();
      const members = await call(w.bob.socket, 'conversation:members', { conversationId: big.id });
      expect(members.members).toHaveLength(SMALL_GROUP_MAX + 2);
      expect(members.members[0]).toEqual({
        userId: w.alice.userId,
        role: 'owner',
        deliveredSeq: 1,
        receiptSeq: 1,
        joinedSeq: 1,
        username: w.alice.session.user.username,
        displayName: w.alice.session.user.displayName,
        photo: null,
        about: '',
      });
    } finally {
      for (const p of extra) p.socket.close();
    }
  });

  it('members carry where their current period began (joinedSeq), listed and inline', async () => {
    const chat = await group(w.alice, [w.bob]);
    await send(w.alice, chat.id, 'before carol');
    const joinedOf = async (userId: string) => {
      const listed = await call(w.alice.socket, 'conversation:members', {
        conversationId: chat.id,
      });
      const summary = (await call(w.alice.socket, 'conversation:list', {})).conversations.find(
        (c) => c.id === chat.id,
      );
      const inline = summary?.members?.find((m) => m.userId === userId)?.joinedSeq;
      expect(listed.members.find((m) => m.userId === userId)?.joinedSeq).toBe(inline);
      return inline;
    };
    const added = await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      add: [w.carol.userId],
    });
    expect(await joinedOf(w.alice.userId)).toBe(1);
    expect(await joinedOf(w.bob.userId)).toBe(1);
    expect(await joinedOf(w.carol.userId)).toBe(added.lastSeq);
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      remove: [w.carol.userId],
    });
    await send(w.alice, chat.id, 'while carol is away');
    const back = await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      add: [w.carol.userId],
    });
    expect(await joinedOf(w.carol.userId)).toBe(back.lastSeq);
    const pair = await direct(w.alice, w.bob);
    const directMembers = await call(w.alice.socket, 'conversation:members', {
      conversationId: pair.id,
    });
    expect(directMembers.members.map((m) => m.joinedSeq)).toEqual([1, 1]);
  });

  it('a former member keeps the title they knew and loses the live view of the group', async () => {
    const chat = await group(w.alice, [w.bob, w.carol], 'Before');
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      remove: [w.carol.userId],
    });
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, title: 'After' });
    const carolView = (await call(w.carol.socket, 'conversation:list', {})).conversations.find(
      (c) => c.id === chat.id,
    );
    expect(carolView).toMatchObject({ status: 'left', title: 'Before' });
    expect(carolView?.members).toBeUndefined();
    const members = await request(w.carol.socket, 'conversation:members', {
      conversationId: chat.id,
    });
    expect(members).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('removing someone who is not a member changes nothing for them and still applies the rest', async () => {
    const chat = await group(w.alice, [w.bob]);
    const summary = await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      title: 'Renamed',
      remove: [w.carol.userId],
    });
    expect(summary).toMatchObject({ title: 'Renamed', memberCount: 2 });
  });

  it('only the owner demotes admins', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      roles: [
        { userId: w.bob.userId, role: 'admin' },
        { userId: w.carol.userId, role: 'admin' },
      ],
    });
    const demote = await request(w.bob.socket, 'group:update', {
      conversationId: chat.id,
      roles: [{ userId: w.carol.userId, role: 'member' }],
    });
    expect(demote).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const byOwner = await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      roles: [{ userId: w.carol.userId, role: 'member' }],
    });
    expect(byOwner.members?.find((m) => m.userId === w.carol.userId)?.role).toBe('member');
  });

  it("people who no longer share a conversation stop getting each other's presence", async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const watched = await call(w.bob.socket, 'presence:watch', {
      userIds: [w.carol.userId, w.alice.userId],
    });
    expect(watched.presence.map((p) => p.userId).sort()).toEqual(
      [w.alice.userId, w.carol.userId].sort(),
    );
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      remove: [w.carol.userId],
    });
    const updates: { userId: string }[] = [];
    w.bob.socket.on('presence', (p) => updates.push(p));
    const aliceOffline = nextEvent(
      w.bob.socket,
      'presence',
      (p) => p.userId === w.alice.userId && !p.online,
    );
    w.carol.socket.close();
    w.alice2.socket.close();
    w.alice.socket.close();
    // Alice (still sharing the group) goes offline after Carol: Carol's update would have come first.
    await aliceOffline;
    expect(updates.map((u) => u.userId)).toEqual([w.alice.userId]);
  });
});
