import { describe, expect, it } from 'vitest';
import type { ConversationSummary } from '@chitchat/shared';
import { call, connect, http, nextEvent, request, type TestServer } from './harness';
import { group, person, worldPerTest, type Person, type World } from './fixtures';

const PASSWORD = 'correct horse battery';

/*
 * Who may not come in through a group invite link (issue #15, docs/protocol.md §5 _Invite links_):
 * a disabled account, a deleted account's leftover session, someone the link's creator blocked,
 * and, in approval mode, a requester who since blocked the admin or lost their account. Each is
 * refused with the documented code and changes nothing: no seq, no membership, no queued request,
 * no contact.
 */
describe('invite links refuse', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  /** Alice's group with Bob (an admin), and a link of Alice's. */
  const hikers = async (approveJoins: boolean) => {
    const chat = await group(w.alice, [w.bob], 'Hikers');
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      roles: [{ userId: w.bob.userId, role: 'admin' }],
      ...(approveJoins ? { permissions: { approveJoins: true } } : {}),
    });
    const link = await call(w.alice.socket, 'invite-link:create', { conversationId: chat.id });
    return { chat, code: link.code };
  };

  /** Everything a join could change, as the store holds it. */
  const footprint = async (chat: ConversationSummary, who: Person) => {
    const conversation = await server.store.getConversation(chat.id);
    return {
      lastSeq: conversation?.lastSeq,
      membersVersion: conversation?.membersVersion,
      membership: await server.store.getMembership(chat.id, who.userId),
      requests: await server.store.joinRequestsOf(chat.id),
      contacts: await server.store.contactsAmong(who.userId, [w.alice.userId, w.bob.userId]),
      contactOf: [
        await server.store.contactsAmong(w.alice.userId, [who.userId]),
        await server.store.contactsAmong(w.bob.userId, [who.userId]),
      ],
    };
  };

  /** `admin` answers the join request `who` made to `chat`. */
  const answer = (admin: Person, chat: ConversationSummary, who: Person, accept: boolean) =>
    request(admin.socket, 'join-request:answer', {
      conversationId: chat.id,
      userId: who.userId,
      accept,
    });

  const joinRefused = async (who: Person, code: string, errorCode: string) =>
    expect(await request(who.socket, 'invite-link:join', { code })).toMatchObject({
      ok: false,
      error: { code: errorCode },
    });

  for (const approveJoins of [false, true]) {
    const mode = approveJoins ? 'approval mode' : 'open mode';

    it(`a disabled account (${mode}): forbidden, nothing changes; disabling signs it out, so its token opens no socket`, async () => {
      const { chat, code } = await hikers(approveJoins);
      const before = await footprint(chat, w.carol);
      // A socket that outlived the disable (a race: the account is disabled, the socket not yet closed).
      await server.store.setUserDisabled(w.carol.userId, Date.now());
      await joinRefused(w.carol, code, 'forbidden');
      expect(await footprint(chat, w.carol)).toEqual(before);
      await server.store.setUserDisabled(w.carol.userId, null);

      // The real path: an admin disables Carol; her socket is closed and her token opens nothing.
      const revoked = nextEvent(w.carol.socket, 'session:revoked');
      const disabled = await http(server, 'PATCH', `/api/admin/users/${w.carol.userId}`, {
        token: w.alice.session.accessToken,
        body: { disabled: true },
      });
      expect(disabled.status).toBe(200);
      expect(await revoked).toEqual({ reason: 'disabled' });
      await expect(connect(server, w.carol.session.accessToken)).rejects.toThrow('unauthorized');
      expect(await footprint(chat, w.carol)).toEqual(before);
    });

    it(`someone the link's creator blocked (${mode}): forbidden, nothing changes; another admin's link lets them in`, async () => {
      const { chat, code } = await hikers(approveJoins);
      await http(server, 'PATCH', '/api/me', {
        token: w.alice.session.accessToken,
        body: { block: [w.carol.userId] },
      });
      const before = await footprint(chat, w.carol);
      await joinRefused(w.carol, code, 'forbidden');
      await joinRefused(w.carol, code, 'forbidden');
      expect(await footprint(chat, w.carol)).toEqual(before);
      // A block is between two people: Bob's link is not Alice's.
      const bobs = await call(w.bob.socket, 'invite-link:create', { conversationId: chat.id });
      expect(await call(w.carol.socket, 'invite-link:join', { code: bobs.code })).toMatchObject({
        status: approveJoins ? 'pending' : 'joined',
      });
    });
  }

  it("a deleted account's leftover token opens no socket and refreshes nothing; a socket that outlived the deletion cannot join", async () => {
    const { chat, code } = await hikers(false);
    const dave = await person(server, 'dave');
    try {
      const before = await footprint(chat, dave);
      // A socket that outlived the deletion (a race): the tombstone is written, the socket open.
      expect(await server.store.deleteAccount(dave.userId, Date.now())).not.toBeNull();
      await joinRefused(dave, code, 'forbidden');
      expect(await footprint(chat, dave)).toEqual(before);
      await expect(connect(server, dave.session.accessToken)).rejects.toThrow('unauthorized');
      const refresh = await http(server, 'POST', '/api/auth/refresh', {
        body: { refreshToken: dave.session.refreshToken },
      });
      expect(refresh.status).toBe(401);
      const me = await http(server, 'GET', '/api/me', { token: dave.session.accessToken });
      expect(me.status).toBe(401);
    } finally {
      dave.socket.close();
    }
  });

  it('approval mode: a requester who blocked the admin cannot be accepted by that admin; nothing changes', async () => {
    const { chat, code } = await hikers(true);
    expect(await call(w.carol.socket, 'invite-link:join', { code })).toEqual({ status: 'pending' });
    await http(server, 'PATCH', '/api/me', {
      token: w.carol.session.accessToken,
      body: { block: [w.bob.userId] },
    });
    const before = await footprint(chat, w.carol);
    expect(await answer(w.bob, chat, w.carol, true)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await footprint(chat, w.carol)).toEqual(before);
    // Alice, whom Carol did not block, may accept her.
    expect(await answer(w.alice, chat, w.carol, true)).toMatchObject({ ok: true });
    expect((await server.store.getMembership(chat.id, w.carol.userId))?.active).toBe(true);
  });

  it('approval mode: a request whose account was disabled cannot be accepted (it can be rejected)', async () => {
    const { chat, code } = await hikers(true);
    expect(await call(w.carol.socket, 'invite-link:join', { code })).toEqual({ status: 'pending' });
    await http(server, 'PATCH', `/api/admin/users/${w.carol.userId}`, {
      token: w.alice.session.accessToken,
      body: { disabled: true },
    });
    const before = await footprint(chat, w.carol);
    expect(await answer(w.bob, chat, w.carol, true)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await footprint(chat, w.carol)).toEqual(before);
    expect(await answer(w.bob, chat, w.carol, false)).toMatchObject({ ok: true });
    expect(await server.store.joinRequestsOf(chat.id)).toEqual([]);
    expect((await server.store.getMembership(chat.id, w.carol.userId))?.active).not.toBe(true);
  });

  it('approval mode: deleting the account withdraws its requests: the admins hear it, the queue drops it, accepting finds nothing', async () => {
    const { chat, code } = await hikers(true);
    const dave = await person(server, 'dave');
    try {
      expect(await call(dave.socket, 'invite-link:join', { code })).toEqual({ status: 'pending' });
      const aliceHears = nextEvent(w.alice.socket, 'join-request');
      const deleted = await http(server, 'DELETE', '/api/me', {
        token: dave.session.accessToken,
        body: { password: PASSWORD },
      });
      expect(deleted.status).toBe(204);
      expect(await aliceHears).toMatchObject({
        conversationId: chat.id,
        status: 'cancelled',
        user: { id: dave.userId },
      });
      expect(
        (await call(w.alice.socket, 'join-request:list', { conversationId: chat.id })).requests,
      ).toEqual([]);
      const before = await footprint(chat, dave);
      expect(await answer(w.alice, chat, dave, true)).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      expect(await footprint(chat, dave)).toEqual(before);
    } finally {
      dave.socket.close();
    }
  });
});
