import { describe, expect, it } from 'vitest';
import type { InvitationUpdate, Me, ServerToClientEvents } from '@chitchat/shared';
import { call, http, nextEvent, request, type ClientSocket, type TestServer } from './harness';
import { direct, group, person, send, worldPerTest, type Person, type World } from './fixtures';

/** Every payload of `name` the socket receives from now on. */
function collect<K extends keyof ServerToClientEvents>(socket: ClientSocket, name: K) {
  const seen: Parameters<ServerToClientEvents[K]>[0][] = [];
  const listener = (update: Parameters<ServerToClientEvents[K]>[0]) => {
    seen.push(update);
  };
  socket.on(name, listener as never);
  return seen;
}

const typing = (from: Person, conversationId: string) =>
  new Promise<unknown>((resolve) => {
    from.socket.emit('typing', { conversationId, typing: true }, resolve);
  });

describe('relationships (DESIGN §3): contacts, message requests, invitations, presence audience', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  const patchMe = (who: Person, body: Record<string, unknown>) =>
    http<Me>(server, 'PATCH', '/api/me', { token: who.session.accessToken, body });

  /** Resolves once `to` got an event that `from` emits after everything sent before (one room order). */
  async function barrier(via: Person, to: Person[], conversationId: string) {
    const seq = (await send(via, conversationId, 'barrier')).seq;
    await Promise.all(
      to.map((p) =>
        nextEvent(p.socket, 'event', (e) => e.conversationId === conversationId && e.seq === seq),
      ),
    );
  }

  it('a chat opened by a non-contact is a request: delivered ticks only, no typing or presence, until accepted', async () => {
    const carolTold = nextEvent(w.carol.socket, 'conversation');
    const chat = await direct(w.bob, w.carol);
    expect(chat.request).toBe('outgoing');
    expect(await carolTold).toMatchObject({ id: chat.id, request: 'incoming' });
    const hello = await send(w.bob, chat.id, 'hello, stranger');

    const bobReceipts = collect(w.bob.socket, 'receipt');
    const bobTyping = collect(w.bob.socket, 'typing');
    await call(w.carol.socket, 'receipt:delivered', { conversationId: chat.id, seq: hello.seq });
    await call(w.carol.socket, 'receipt:read', { conversationId: chat.id, seq: hello.seq });
    await typing(w.carol, chat.id);
    const watch = await call(w.bob.socket, 'presence:watch', { userIds: [w.carol.userId] });
    expect(watch.presence).toEqual([]);
    // Bob's own chat with Alice carries the barrier: it reaches Bob after everything above.
    const other = await direct(w.alice, w.bob);
    await barrier(w.alice, [w.bob], other.id);
    const fromCarol = bobReceipts.filter((r) => r.userId === w.carol.userId);
    expect(fromCarol.map((r) => [r.deliveredSeq, r.readSeq])).toEqual([
      [hello.seq, 0],
      [hello.seq, 0],
    ]);
    expect(bobTyping).toEqual([]);
    const bobsView = await call(w.bob.socket, 'conversation:direct', { userId: w.carol.userId });
    expect(bobsView.members?.find((m) => m.userId === w.carol.userId)).toMatchObject({
      deliveredSeq: hello.seq,
      receiptSeq: 0,
    });

    // Carol accepts: Bob is told at once, and sees her read mark, typing and presence from then on.
    const bobTold = nextEvent(w.bob.socket, 'conversation', (c) => c.id === chat.id);
    const accepted = await call(w.carol.socket, 'request:accept', { conversationId: chat.id });
    expect(accepted.request).toBeNull();
    const told = await bobTold;
    expect(told.request).toBeNull();
    expect(told.members?.find((m) => m.userId === w.carol.userId)?.receiptSeq).toBe(hello.seq);
    // Accepting again changes nothing and answers the same.
    expect(await call(w.carol.socket, 'request:accept', { conversationId: chat.id })).toMatchObject(
      {
        request: null,
      },
    );
    const bobSeesTyping = nextEvent(w.bob.socket, 'typing', (t) => t.conversationId === chat.id);
    await typing(w.carol, chat.id);
    await bobSeesTyping;
    const watchAgain = await call(w.bob.socket, 'presence:watch', { userIds: [w.carol.userId] });
    expect(watchAgain.presence.map((p) => p.userId)).toEqual([w.carol.userId]);
  });

  it('the recipient replying accepts the request; the requester cannot accept their own', async () => {
    const chat = await direct(w.bob, w.carol);
    await send(w.bob, chat.id, 'hi');
    const refused = await request(w.bob.socket, 'request:accept', { conversationId: chat.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const bobTold = nextEvent(
      w.bob.socket,
      'conversation',
      (c) => c.id === chat.id && c.request === null,
    );
    await send(w.carol, chat.id, 'hi back');
    await bobTold;
    const carolsView = await call(w.carol.socket, 'conversation:direct', { userId: w.bob.userId });
    expect(carolsView.request).toBeNull();
  });

  it('a deleted request is hidden until the requester writes again; a group is never a request', async () => {
    const chat = await direct(w.bob, w.carol);
    await send(w.bob, chat.id, 'buy my stuff');
    const deleted = await call(w.carol.socket, 'request:delete', { conversationId: chat.id });
    expect(deleted.request).toBe('deleted');
    const list = await call(w.carol.socket, 'conversation:list', {});
    expect(list.conversations.find((c) => c.id === chat.id)?.request).toBe('deleted');
    // Idempotent.
    expect(await call(w.carol.socket, 'request:delete', { conversationId: chat.id })).toMatchObject(
      { request: 'deleted' },
    );
    await send(w.bob, chat.id, 'please?');
    const again = await call(w.carol.socket, 'conversation:list', { since: list.cursor });
    expect(again.conversations.find((c) => c.id === chat.id)?.request).toBe('incoming');

    const team = await group(w.alice, [w.carol]);
    expect(team.request).toBeNull();
    const notRequest = await request(w.carol.socket, 'request:delete', { conversationId: team.id });
    expect(notRequest).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const stranger = await request(w.alice.socket, 'request:accept', { conversationId: chat.id });
    expect(stranger).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('with groupAdds: contacts, an add by a non-contact is an invitation; nothing of the group arrives until accepted', async () => {
    const set = await patchMe(w.carol, { groupAdds: 'contacts' });
    expect(set.body).toMatchObject({ groupAdds: 'contacts', lastSeenVisibility: 'contacts' });
    const invited = nextEvent(w.carol.socket, 'invitation');
    const carolEvents = collect(w.carol.socket, 'event');
    const team = await group(w.bob, [w.alice, w.carol], 'Bob team');
    expect(team.memberCount).toBe(2);
    const invitation: InvitationUpdate = await invited;
    expect(invitation).toMatchObject({
      conversationId: team.id,
      title: 'Bob team',
      inviter: { id: w.bob.userId },
      status: 'pending',
    });
    // Carol is no member: a message in the group does not reach her, and she cannot read it.
    const other = await direct(w.alice, w.carol);
    await send(w.bob, team.id, 'secret plans');
    await barrier(w.alice, [w.carol], other.id);
    expect(carolEvents.filter((e) => e.conversationId === team.id)).toEqual([]);
    const read = await request(w.carol.socket, 'events:after', {
      conversationId: team.id,
      afterSeq: 0,
      limit: 10,
    });
    expect(read).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const listed = await call(w.carol.socket, 'invitation:list', {});
    expect(listed.invitations.map((i) => i.conversationId)).toEqual([team.id]);

    // Accepting joins (history from the join on) and makes Bob her contact.
    const joined = nextEvent(
      w.carol.socket,
      'event',
      (e) => e.conversationId === team.id && e.type === 'member_added',
    );
    const summary = await call(w.carol.socket, 'invitation:accept', { conversationId: team.id });
    expect(summary).toMatchObject({ id: team.id, status: 'active', memberCount: 3 });
    expect(await joined).toMatchObject({ payload: { userIds: [w.carol.userId] } });
    expect(await call(w.carol.socket, 'invitation:list', {})).toEqual({ invitations: [] });
    // Repeating is idempotent; Bob's next group adds her directly.
    await call(w.carol.socket, 'invitation:accept', { conversationId: team.id });
    const second = await group(w.bob, [w.carol], 'Second');
    expect(second.memberCount).toBe(2);
  });

  it('a declined invitation is gone; contacts and everyone-settings add directly', async () => {
    await patchMe(w.carol, { groupAdds: 'contacts' });
    const team = await group(w.bob, [w.carol]);
    expect(team.memberCount).toBe(1);
    const declined = nextEvent(w.carol.socket, 'invitation', (i) => i.status === 'declined');
    expect(await call(w.carol.socket, 'invitation:decline', { conversationId: team.id })).toEqual(
      {},
    );
    await declined;
    expect(await call(w.carol.socket, 'invitation:decline', { conversationId: team.id })).toEqual(
      {},
    );
    const gone = await request(w.carol.socket, 'invitation:accept', { conversationId: team.id });
    expect(gone).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // Carol wrote to Alice, so Alice is her contact: Alice's adds go straight through.
    const chat = await direct(w.carol, w.alice);
    await send(w.carol, chat.id, 'hi alice');
    const aliceGroup = await group(w.alice, [w.carol]);
    expect(aliceGroup.memberCount).toBe(2);
    // With the default (everyone), Bob's adds of Alice go straight through too.
    expect((await group(w.bob, [w.alice])).memberCount).toBe(2);
  });

  it('lastSeenVisibility: contacts (default) lets contacts and group members watch; everyone lets anyone', async () => {
    const stranger = await call(w.bob.socket, 'presence:watch', { userIds: [w.carol.userId] });
    expect(stranger.presence).toEqual([]);
    // An empty direct chat opened by Bob is no relationship.
    await direct(w.bob, w.carol);
    expect(
      (await call(w.bob.socket, 'presence:watch', { userIds: [w.carol.userId] })).presence,
    ).toEqual([]);
    await group(w.alice, [w.bob, w.carol]);
    expect(
      (await call(w.bob.socket, 'presence:watch', { userIds: [w.carol.userId] })).presence,
    ).toMatchObject([{ userId: w.carol.userId, online: true }]);

    const me = await patchMe(w.alice, { lastSeenVisibility: 'everyone' });
    expect(me.body.lastSeenVisibility).toBe('everyone');
    const dave = await person(server, 'dave');
    try {
      const anyone = await call(dave.socket, 'presence:watch', { userIds: [w.alice.userId] });
      expect(anyone.presence.map((p) => p.userId)).toEqual([w.alice.userId]);
      // Narrowing to contacts drops the stranger's watch at once, telling them nothing is shown.
      const hidden = nextEvent(dave.socket, 'presence', (p) => p.userId === w.alice.userId);
      await patchMe(w.alice, { lastSeenVisibility: 'contacts' });
      expect(await hidden).toEqual({ userId: w.alice.userId, online: false, lastSeenAt: null });
      expect(
        (await call(dave.socket, 'presence:watch', { userIds: [w.alice.userId] })).presence,
      ).toEqual([]);
    } finally {
      dave.socket.close();
    }
  });

  it('lastSeenVisibility: nobody hides online status too, and existing watches stop live', async () => {
    await group(w.alice, [w.bob, w.carol]);
    await call(w.bob.socket, 'presence:watch', { userIds: [w.carol.userId, w.alice.userId] });
    const hidden = nextEvent(w.bob.socket, 'presence', (p) => p.userId === w.carol.userId);
    await patchMe(w.carol, { lastSeenVisibility: 'nobody' });
    expect(await hidden).toEqual({ userId: w.carol.userId, online: false, lastSeenAt: null });
    const after = collect(w.bob.socket, 'presence');
    const watch = await call(w.bob.socket, 'presence:watch', {
      userIds: [w.carol.userId, w.alice.userId],
    });
    expect(watch.presence.map((p) => p.userId)).toEqual([w.alice.userId]);
    // Carol goes offline (the server has seen her socket go), then Alice: Bob hears only of Alice.
    w.carol.socket.close();
    await expect
      .poll(async () => (await server.app.io.in(`user:${w.carol.userId}`).fetchSockets()).length)
      .toBe(0);
    const aliceOffline = nextEvent(
      w.bob.socket,
      'presence',
      (p) => p.userId === w.alice.userId && !p.online,
    );
    w.alice.socket.close();
    w.alice2.socket.close();
    await aliceOffline;
    expect(after.map((p) => p.userId)).toEqual([w.alice.userId]);
  });
});
