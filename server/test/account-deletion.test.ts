import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuthSession, ConversationSummary } from '@chitchat/shared';
import { noisyPng } from '../src/media/contract';
import {
  call,
  connect,
  disconnected,
  http,
  login,
  nextEvent,
  register,
  request,
  startServer,
  type TestServer,
} from './harness';
import { catchUp, direct, group, send, worldPerTest, type World } from './fixtures';
import { download, mediaFiles, uploaded } from './uploads';

const PASSWORD = 'correct horse battery';
type ErrorBody = { error: { code: string; message: string } };

const deleteAccount = (server: TestServer, session: AuthSession, body: unknown) =>
  http<Partial<ErrorBody>>(server, 'DELETE', '/api/me', { token: session.accessToken, body });

/** Delete account (issue #15, DESIGN §12), over real sockets and HTTP. */
describe('delete account', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  it('what others received stays, from "Deleted account"; sign-in, groups, devices and media go', async () => {
    const { alice, bob, carol } = w;
    // Bob owns a group in which Carol is an admin and Alice a member; he writes to Alice.
    const crew = await group(bob, [alice, carol], 'Crew');
    await call(bob.socket, 'group:update', {
      conversationId: crew.id,
      roles: [{ userId: carol.userId, role: 'admin' }],
    });
    const chat = await direct(bob, alice);
    const photo = await uploaded(server, bob, await noisyPng(64, 48), {
      type: 'image/png',
      name: 'beach.png',
    });
    await call(bob.socket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      text: 'a photo from the beach',
      attachments: [photo.id],
    });
    await send(bob, chat.id, 'see you soon');
    expect((await download(server, alice, photo.id)).status).toBe(200);
    const filesBefore = mediaFiles(server).length;
    const bobPhone = await login(server, bob.session.user.username);
    const phoneSocket = await connect(server, bobPhone.accessToken);

    // A wrong password changes nothing.
    const wrong = await deleteAccount(server, bob.session, { password: 'not the password' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error?.code).toBe('forbidden');
    expect((await http(server, 'GET', '/api/me', { token: bobPhone.accessToken })).status).toBe(
      200,
    );
    expect((await deleteAccount(server, bob.session, { password: 7 })).status).toBe(400);
    expect((await deleteAccount(server, bob.session, {})).status).toBe(403);

    const revoked = [bob.socket, phoneSocket].map((s) => nextEvent(s, 'session:revoked'));
    const closed = [bob.socket, phoneSocket].map((s) => disconnected(s));
    const peerSummary = new Promise<ConversationSummary>((resolve) => {
      const listener = (summary: ConversationSummary) => {
        if (summary.id !== chat.id) return;
        alice.socket.off('conversation', listener);
        resolve(summary);
      };
      alice.socket.on('conversation', listener);
    });
    const handedOver = nextEvent(carol.socket, 'event');
    // Carol shares only the group with Bob: his old messages there must read "Deleted account" too.
    const carolSees = nextEvent(carol.socket, 'user:changed');

    expect((await deleteAccount(server, bob.session, { password: PASSWORD })).status).toBe(204);

    // Every device of the account is signed out at once, and stays out.
    for (const notice of await Promise.all(revoked)) {
      expect(notice).toEqual({ reason: 'account_deleted' });
    }
    await Promise.all(closed);
    const again = await http(server, 'POST', '/api/auth/login', {
      body: { username: bob.session.user.username, password: PASSWORD },
    });
    expect(again.status).toBe(401);
    const refreshed = await http(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: bobPhone.refreshToken },
    });
    expect(refreshed.status).toBe(401);

    // Alice's chat now shows "Deleted account", live and when listed; the messages stay.
    const deletedPeer = {
      id: bob.userId,
      username: '',
      displayName: 'Deleted account',
      deleted: true,
    };
    expect((await peerSummary).peer).toMatchObject(deletedPeer);
    expect(await carolSees).toMatchObject({ ...deletedPeer, photo: null });
    const listed = await call(alice.socket, 'conversation:list', {});
    expect(listed.conversations.find((c) => c.id === chat.id)?.peer).toMatchObject(deletedPeer);
    const history = await catchUp(alice.socket, chat.id, 0);
    const texts = history.events.flatMap((e) => (e.type === 'message' ? [e.payload.text] : []));
    expect(texts).toEqual(['a photo from the beach', 'see you soon']);
    expect(history.events.map((e) => ('senderUserId' in e ? e.senderUserId : null))).toEqual([
      bob.userId,
      bob.userId,
    ]);
    // Nothing more reaches the deleted account.
    const reply = await request(alice.socket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      text: 'are you there?',
    });
    expect(reply.ok ? 'sent' : reply.error.code).toBe('forbidden');

    // The group goes on without Bob, owned by its longest-serving admin.
    await handedOver;
    const { members } = await call(alice.socket, 'conversation:members', {
      conversationId: crew.id,
    });
    expect(members.map((m) => [m.userId, m.role]).sort()).toEqual(
      [
        [alice.userId, 'member'],
        [carol.userId, 'owner'],
      ].sort(),
    );

    // Its media is gone for everyone, bytes included.
    expect((await download(server, alice, photo.id)).status).toBe(404);
    expect(mediaFiles(server).length).toBeLessThan(filesBefore);

    // Nobody finds the account, and its username stays reserved during the quarantine.
    const found = await http<{ users: { id: string }[] }>(
      server,
      'GET',
      `/api/users?q=${encodeURIComponent(bob.session.user.username)}`,
      { token: alice.session.accessToken },
    );
    expect(found.body.users).toEqual([]);
    const taken = await http(server, 'POST', '/api/auth/register', {
      body: { username: bob.session.user.username, password: 'another long password' },
    });
    expect(taken.status).toBe(409);
    phoneSocket.close();
  });

  it('the only admin is asked to hand over first, and nothing changes', async () => {
    // Alice registered first on this server, so she is its admin.
    expect(w.alice.session.user.role).toBe('admin');
    const refused = await deleteAccount(server, w.alice.session, { password: PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toMatch(/only admin/);
    expect(
      (await http(server, 'GET', '/api/me', { token: w.alice.session.accessToken })).status,
    ).toBe(200);
  });
});

describe('delete account: the quarantine', () => {
  it('with USERNAME_QUARANTINE_DAYS=0 the username is free at once, for a new account that inherits nothing', async () => {
    const server = await startServer({ config: { USERNAME_QUARANTINE_DAYS: 0 } });
    try {
      await register(server); // the admin
      const ana = await register(server, 'ana_leaving');
      const friend = await register(server);
      const friendSocket = await connect(server, friend.accessToken);
      const chat = await call(friendSocket, 'conversation:direct', { userId: ana.user.id });
      expect((await deleteAccount(server, ana, { password: PASSWORD })).status).toBe(204);

      const newcomer = await register(server, 'ana_leaving');
      expect(newcomer.user.id).not.toBe(ana.user.id);
      const listed = await call(friendSocket, 'conversation:list', {});
      expect(listed.conversations.find((c) => c.id === chat.id)?.peer).toMatchObject({
        id: ana.user.id,
        displayName: 'Deleted account',
      });
      const newcomerSocket = await connect(server, newcomer.accessToken);
      expect((await call(newcomerSocket, 'conversation:list', {})).conversations).toEqual([]);
      newcomerSocket.close();
      friendSocket.close();
    } finally {
      await server.stop();
    }
  });
});
