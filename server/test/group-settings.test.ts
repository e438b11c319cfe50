import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GROUP_PERMISSIONS, GROUP_DESCRIPTION_MAX_LENGTH } from '@chitchat/shared';
import { call, connect, request, type TestServer } from './harness';
import { catchUp, collectEvents, group, send, worldPerTest, type World } from './fixtures';

/*
 * Group description and permissions (issue #15): who may send, who may edit the info and pin, and
 * the `description_changed` / `group_settings` lines every member sees.
 */
describe('group description and permissions', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  it('a new group has the default permissions and no description; summaries carry both', async () => {
    const chat = await group(w.alice, [w.bob]);
    expect(chat).toMatchObject({ description: null, permissions: DEFAULT_GROUP_PERMISSIONS });
    const bobs = await call(w.bob.socket, 'conversation:list', {});
    expect(bobs.conversations.find((c) => c.id === chat.id)).toMatchObject({
      description: null,
      permissions: DEFAULT_GROUP_PERMISSIONS,
    });
  });

  it('the owner sets a description: logged, pushed to every member, in their summaries', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const bobHears = collectEvents(
      w.bob.socket,
      chat.id,
      1,
      (e) => e.type === 'description_changed',
    );
    const answer = await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      description: '  Weekend hikes.\r\nBring water.  ',
    });
    expect(answer.description).toBe('Weekend hikes.\nBring water.');
    const [event] = await bobHears;
    expect(event).toMatchObject({
      type: 'description_changed',
      senderUserId: w.alice.userId,
      payload: { description: 'Weekend hikes.\nBring water.' },
    });
    const bobs = await call(w.bob.socket, 'conversation:list', {});
    expect(bobs.conversations.find((c) => c.id === chat.id)).toMatchObject({
      description: 'Weekend hikes.\nBring water.',
    });
    // The same description again logs nothing; an empty one removes it.
    const same = await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      description: 'Weekend hikes.\nBring water.',
    });
    expect(same.lastSeq).toBe(answer.lastSeq);
    const removed = await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      description: '',
    });
    expect(removed.description).toBeNull();
    const log = await catchUp(w.carol.socket, chat.id, 0);
    expect(log.events.filter((e) => e.type === 'description_changed')).toEqual([
      expect.objectContaining({ payload: { description: 'Weekend hikes.\nBring water.' } }),
      expect.objectContaining({ payload: { description: null } }),
    ]);
  });

  it('a description follows the title rule (line breaks aside) and its length limit', async () => {
    const chat = await group(w.alice, [w.bob]);
    for (const description of [
      'evil \u202e override',
      'zero\u200bwidth',
      'tab\there',
      'x'.repeat(GROUP_DESCRIPTION_MAX_LENGTH + 1),
      '\ud800 lone',
    ]) {
      const refused = await request(w.alice.socket, 'group:update', {
        conversationId: chat.id,
        description,
      });
      expect(refused, JSON.stringify(description)).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
    }
    const after = await call(w.alice.socket, 'conversation:list', {});
    expect(after.conversations.find((c) => c.id === chat.id)).toMatchObject({
      description: null,
      lastSeq: 1,
    });
  });

  it('only the owner and admins change permissions; a member is refused and nothing changes', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const refused = await request(w.bob.socket, 'group:update', {
      conversationId: chat.id,
      permissions: { send: 'everyone', editInfo: 'everyone' },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      roles: [{ userId: w.bob.userId, role: 'admin' }],
    });
    const carolHears = collectEvents(
      w.carol.socket,
      chat.id,
      1,
      (e) => e.type === 'group_settings',
    );
    const byAdmin = await call(w.bob.socket, 'group:update', {
      conversationId: chat.id,
      permissions: { editInfo: 'admins' },
    });
    expect(byAdmin.permissions).toEqual({ ...DEFAULT_GROUP_PERMISSIONS, editInfo: 'admins' });
    const [line] = await carolHears;
    expect(line).toMatchObject({
      senderUserId: w.bob.userId,
      payload: { permissions: { send: 'everyone', editInfo: 'admins', approveJoins: false } },
    });
  });

  it('the title and description are the owner and admins’ whatever editInfo says (DESIGN §4); admins edit them', async () => {
    const chat = await group(w.alice, [w.bob]);
    for (const editInfo of ['admins', 'everyone'] as const) {
      await call(w.alice.socket, 'group:update', {
        conversationId: chat.id,
        permissions: { editInfo },
      });
      for (const change of [{ title: 'Mine' }, { description: 'mine' }]) {
        const refused = await request(w.bob.socket, 'group:update', {
          conversationId: chat.id,
          ...change,
        });
        expect(refused, `${editInfo} ${JSON.stringify(change)}`).toMatchObject({
          ok: false,
          error: { code: 'forbidden' },
        });
      }
    }
    const renamed = await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      title: 'Ours',
      description: 'shared',
    });
    expect(renamed).toMatchObject({ title: 'Ours', description: 'shared' });
  });

  it('editInfo admins: a member cannot pin, an admin can', async () => {
    const chat = await group(w.alice, [w.bob]);
    const { seq } = await send(w.bob, chat.id, 'pin me');
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      permissions: { editInfo: 'admins' },
    });
    const refused = await request(w.bob.socket, 'message:pin', {
      conversationId: chat.id,
      opId: randomUUID(),
      targetSeq: seq,
      pinned: true,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const pinned = await call(w.alice.socket, 'message:pin', {
      conversationId: chat.id,
      opId: randomUUID(),
      targetSeq: seq,
      pinned: true,
    });
    expect(pinned.seq).toBeGreaterThan(seq);
  });

  it('send admins: every member path is refused (text, forward, poll), reactions and votes stay open', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const { seq: poll } = await call(w.alice.socket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      text: 'Lunch?',
      poll: { question: 'Lunch?', options: ['Yes', 'No'], multiple: false },
    });
    const beforeId = randomUUID();
    const { seq: before } = await send(w.bob, chat.id, 'before the switch', beforeId);
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      permissions: { send: 'admins' },
    });
    const attempts = [
      { text: 'hello' },
      { text: 'fwd', forwarded: true },
      { text: 'Q', poll: { question: 'Q', options: ['a', 'b'], multiple: false } },
    ];
    for (const attempt of attempts) {
      const refused = await request(w.bob.socket, 'message:send', {
        conversationId: chat.id,
        clientMsgId: randomUUID(),
        ...attempt,
      });
      expect(refused, JSON.stringify(attempt)).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    const reacted = await call(w.bob.socket, 'message:react', {
      conversationId: chat.id,
      opId: randomUUID(),
      targetSeq: before,
      emoji: '👍',
    });
    expect(reacted.seq).toBeGreaterThan(before);
    const voted = await call(w.bob.socket, 'poll:vote', {
      conversationId: chat.id,
      opId: randomUUID(),
      targetSeq: poll,
      options: [0],
    });
    expect(voted.seq).toBeGreaterThan(reacted.seq);
    // Admins still send; a member made admin sends too.
    await send(w.alice, chat.id, 'admins only now');
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      roles: [{ userId: w.carol.userId, role: 'admin' }],
    });
    await send(w.carol, chat.id, 'promoted');
    const log = await catchUp(w.alice.socket, chat.id, 0);
    const texts = log.events.flatMap((e) => (e.type === 'message' ? [e.payload.text] : []));
    expect(texts).toEqual(['Lunch?', 'before the switch', 'admins only now', 'promoted']);
    // A retry of a message stored before the switch still gets its first answer.
    const retried = await call(w.bob.socket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: beforeId,
      text: 'before the switch',
    });
    expect(retried.seq).toBe(before);
  });

  it('a protocol 2 app gets neither settings event, live or in pages; its log stays gapless', async () => {
    const chat = await group(w.alice, [w.bob]);
    const old = await connect(server, w.bob.session.accessToken, 2);
    try {
      const oldHears = collectEvents(old, chat.id, 1);
      await call(w.alice.socket, 'group:update', {
        conversationId: chat.id,
        description: 'new',
        permissions: { send: 'everyone', editInfo: 'admins' },
      });
      await send(w.alice, chat.id, 'after');
      const [live] = await oldHears;
      expect(live).toMatchObject({ type: 'message', payload: { text: 'after' } });
      const page = await catchUp(old, chat.id, 0);
      expect(page.events.map((e) => e.type)).toEqual(['member_added', 'message']);
      const fresh = await catchUp(w.bob.socket, chat.id, 0);
      expect(fresh.events.map((e) => e.type)).toEqual([
        'member_added',
        'description_changed',
        'group_settings',
        'message',
      ]);
    } finally {
      old.close();
    }
  });
});
