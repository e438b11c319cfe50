import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call, http, nextEvent, request, type TestServer } from './harness';
import { noisyPng } from '../src/media/contract';
import { catchUp, group, person, send, worldPerTest, type World } from './fixtures';
import { download, uploaded } from './uploads';

/*
 * Group invite links and join requests (issue #15): admins create, list and revoke links; anyone
 * signed in previews and joins; approval mode queues joins for the admins; blocks, revokes and
 * expiry refuse.
 */
describe('group invite links', () => {
  let server: TestServer;
  let w: World;
  let clock = Date.now();
  worldPerTest(
    (s, x) => {
      server = s;
      w = x;
    },
    { config: { PUBLIC_URL: 'https://chat.example.org' }, deps: { now: () => clock } },
  );

  it('an admin creates a link (PUBLIC_URL/join/<code>); a stranger previews it and joins; both become contacts', async () => {
    clock = Date.now();
    const chat = await group(w.alice, [w.bob], 'Hikers');
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, description: 'Trails' });
    const opId = randomUUID();
    const link = await call(w.alice.socket, 'invite-link:create', {
      conversationId: chat.id,
      opId,
    });
    expect(link.url).toBe(`https://chat.example.org/join/${link.code}`);
    expect(link.code).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // A repeat answers the same link.
    expect(
      await call(w.alice.socket, 'invite-link:create', { conversationId: chat.id, opId }),
    ).toEqual(link);
    expect(
      (await call(w.alice.socket, 'invite-link:list', { conversationId: chat.id })).links,
    ).toEqual([link]);
    const preview = await call(w.carol.socket, 'invite-link:preview', { code: link.code });
    expect(preview).toEqual({
      conversationId: chat.id,
      title: 'Hikers',
      avatar: null,
      description: 'Trails',
      memberCount: 2,
      approveJoins: false,
      status: null,
    });
    const aliceHears = nextEvent(w.alice.socket, 'event');
    const joined = await call(w.carol.socket, 'invite-link:join', { code: link.code });
    expect(joined).toMatchObject({
      status: 'joined',
      conversation: { id: chat.id, role: 'member', memberCount: 3, status: 'active' },
    });
    // Logged as the link's creator adding her, saying she came through the link.
    expect(await aliceHears).toMatchObject({
      type: 'member_added',
      senderUserId: w.alice.userId,
      payload: { userIds: [w.carol.userId], via: 'link' },
    });
    await send(w.bob, chat.id, 'welcome');
    const log = await catchUp(w.carol.socket, chat.id, 0);
    expect(log.events.map((e) => e.type)).toEqual(['member_added', 'message']);
    // Joining again changes nothing; the preview says member.
    expect(await call(w.carol.socket, 'invite-link:join', { code: link.code })).toMatchObject({
      status: 'joined',
    });
    expect(await call(w.carol.socket, 'invite-link:preview', { code: link.code })).toMatchObject({
      status: 'member',
    });
    expect(await server.store.contactsAmong(w.carol.userId, [w.alice.userId])).toEqual([
      w.alice.userId,
    ]);
    expect(await server.store.contactsAmong(w.alice.userId, [w.carol.userId])).toEqual([
      w.carol.userId,
    ]);
  });

  it('only the owner and admins create, list and revoke links; strangers cannot even list them', async () => {
    clock = Date.now();
    const chat = await group(w.alice, [w.bob]);
    for (const [event, payload] of [
      ['invite-link:create', { conversationId: chat.id }],
      ['invite-link:list', { conversationId: chat.id }],
      ['join-request:list', { conversationId: chat.id }],
    ] as const) {
      expect(await request(w.bob.socket, event, payload), event).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      expect(await request(w.carol.socket, event, payload), event).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
    }
    const link = await call(w.alice.socket, 'invite-link:create', { conversationId: chat.id });
    expect(
      await request(w.bob.socket, 'invite-link:revoke', {
        conversationId: chat.id,
        code: link.code,
      }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('a revoked link and an expired one are not_found, for preview and join alike', async () => {
    clock = Date.now();
    const chat = await group(w.alice, [w.bob]);
    const revoked = await call(w.alice.socket, 'invite-link:create', { conversationId: chat.id });
    const expiring = await call(w.alice.socket, 'invite-link:create', {
      conversationId: chat.id,
      expiresInS: 3600,
    });
    expect(expiring.expiresAt).toBe(clock + 3_600_000);
    await call(w.alice.socket, 'invite-link:revoke', {
      conversationId: chat.id,
      code: revoked.code,
    });
    // Revoking again is the same answer.
    await call(w.alice.socket, 'invite-link:revoke', {
      conversationId: chat.id,
      code: revoked.code,
    });
    expect(
      await call(w.carol.socket, 'invite-link:preview', { code: expiring.code }),
    ).toMatchObject({ status: null });
    clock += 3_600_000;
    for (const code of [revoked.code, expiring.code, 'A'.repeat(22)]) {
      for (const event of ['invite-link:preview', 'invite-link:join'] as const) {
        expect(await request(w.carol.socket, event, { code }), `${event} ${code}`).toMatchObject({
          ok: false,
          error: { code: 'not_found' },
        });
      }
    }
    expect(
      (await call(w.alice.socket, 'invite-link:list', { conversationId: chat.id })).links,
    ).toEqual([]);
    expect((await server.store.getMembership(chat.id, w.carol.userId))?.active).not.toBe(true);
  });

  it("the holder of a working link downloads the group's current photo (?invite=), nothing else; revoked or expired: 404", async () => {
    clock = Date.now();
    const chat = await group(w.alice, [w.bob], 'Hikers');
    const png = async () =>
      (await uploaded(server, w.alice, await noisyPng(320, 320), { type: 'image/png' })).id;
    const photo = await png();
    const other = await png();
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, avatar: photo });
    // Something else of the group: a photo sent in it.
    const sentPhoto = await png();
    await call(w.alice.socket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      attachments: [sentPhoto],
    });
    const link = await call(w.alice.socket, 'invite-link:create', {
      conversationId: chat.id,
      expiresInS: 3600,
    });
    const preview = await call(w.carol.socket, 'invite-link:preview', { code: link.code });
    expect(preview.avatar).toBe(photo);

    const via = (id: string, code = link.code) => `${id}?invite=${code}`;
    const carolGets = async (route: string) => (await download(server, w.carol, route)).status;
    // Without the link, Carol (no member) is refused as before.
    expect(await carolGets(photo)).toBe(404);
    expect(await carolGets(`${photo}/thumbnail`)).toBe(404);
    // With it: the photo and its thumbnail.
    const original = await download(server, w.carol, via(photo));
    expect(original.status).toBe(200);
    expect(original.headers.get('content-type')).toBe('image/png');
    expect(await carolGets(`${photo}/thumbnail?invite=${link.code}`)).toBe(200);
    // The link opens nothing else: media sent in the group, an unrelated upload, a made-up code.
    expect(await carolGets(via(sentPhoto))).toBe(404);
    expect(await carolGets(via(other))).toBe(404);
    expect(await carolGets(via(photo, 'B'.repeat(22)))).toBe(404);
    expect(await carolGets(via(photo, 'not a code!'))).toBe(400);
    // Without a token: 401, whatever the link.
    expect((await download(server, null, via(photo))).status).toBe(401);

    // A replaced photo is no longer readable through the link; the new one is.
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, avatar: other });
    expect(await carolGets(via(photo))).toBe(404);
    expect(await carolGets(via(other))).toBe(200);

    // Expired, and revoked: 404.
    clock += 3_600_000;
    expect(await carolGets(via(other))).toBe(404);
    clock = Date.now();
    const second = await call(w.alice.socket, 'invite-link:create', { conversationId: chat.id });
    expect(await carolGets(via(other, second.code))).toBe(200);
    await call(w.alice.socket, 'invite-link:revoke', {
      conversationId: chat.id,
      code: second.code,
    });
    expect(await carolGets(via(other, second.code))).toBe(404);
  });

  it('someone the link creator blocked cannot join through it; a link dies when its creator stops being admin', async () => {
    clock = Date.now();
    const chat = await group(w.alice, [w.bob]);
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      roles: [{ userId: w.bob.userId, role: 'admin' }],
    });
    const alices = await call(w.alice.socket, 'invite-link:create', { conversationId: chat.id });
    const bobs = await call(w.bob.socket, 'invite-link:create', { conversationId: chat.id });
    await http(server, 'PATCH', '/api/me', {
      token: w.alice.session.accessToken,
      body: { block: [w.carol.userId] },
    });
    expect(await request(w.carol.socket, 'invite-link:join', { code: alices.code })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect((await server.store.getMembership(chat.id, w.carol.userId))?.active).not.toBe(true);
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      roles: [{ userId: w.bob.userId, role: 'member' }],
    });
    expect(await request(w.carol.socket, 'invite-link:join', { code: bobs.code })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('approval mode: a join waits in a queue admins see live; accept adds, reject and cancel do not', async () => {
    clock = Date.now();
    const chat = await group(w.alice, [w.bob]);
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      permissions: { approveJoins: true },
    });
    const link = await call(w.alice.socket, 'invite-link:create', { conversationId: chat.id });
    const dave = await person(server, 'dave');
    try {
      const aliceSees = nextEvent(w.alice.socket, 'join-request');
      expect(await call(w.carol.socket, 'invite-link:join', { code: link.code })).toEqual({
        status: 'pending',
      });
      expect(await aliceSees).toMatchObject({
        conversationId: chat.id,
        status: 'pending',
        user: { id: w.carol.userId },
      });
      expect(await call(w.carol.socket, 'invite-link:preview', { code: link.code })).toMatchObject({
        status: 'pending',
        approveJoins: true,
      });
      await call(dave.socket, 'invite-link:join', { code: link.code });
      const queue = await call(w.alice.socket, 'join-request:list', { conversationId: chat.id });
      expect(queue.requests.map((r) => r.user.id)).toEqual([w.carol.userId, dave.userId]);
      // A plain member cannot answer; a pending requester is no member.
      expect(
        await request(w.bob.socket, 'join-request:answer', {
          conversationId: chat.id,
          userId: w.carol.userId,
          accept: true,
        }),
      ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(
        await request(w.carol.socket, 'events:after', {
          conversationId: chat.id,
          afterSeq: 0,
          limit: 10,
        }),
      ).toMatchObject({ ok: false, error: { code: 'not_found' } });

      const carolTold = nextEvent(w.carol.socket, 'join-request');
      const carolAdded = nextEvent(w.carol.socket, 'conversation');
      await call(w.alice.socket, 'join-request:answer', {
        conversationId: chat.id,
        userId: w.carol.userId,
        accept: true,
      });
      expect(await carolTold).toMatchObject({ status: 'accepted' });
      expect(await carolAdded).toMatchObject({ id: chat.id, status: 'active' });
      // An approved request is the admin adding her (no `via`).
      const added = (await catchUp(w.alice.socket, chat.id, 0)).events.filter(
        (e) => e.type === 'member_added',
      );
      expect(added.at(-1)?.payload).toEqual({ userIds: [w.carol.userId] });
      expect(
        await request(w.alice.socket, 'join-request:answer', {
          conversationId: chat.id,
          userId: w.carol.userId,
          accept: true,
        }),
      ).toMatchObject({ ok: false, error: { code: 'not_found' } });

      const daveTold = nextEvent(dave.socket, 'join-request');
      await call(w.alice.socket, 'join-request:answer', {
        conversationId: chat.id,
        userId: dave.userId,
        accept: false,
      });
      expect(await daveTold).toMatchObject({ status: 'rejected' });
      expect((await server.store.getMembership(chat.id, dave.userId))?.active).not.toBe(true);
      // Asking again, then cancelling: the admins hear it; the queue is empty.
      await call(dave.socket, 'invite-link:join', { code: link.code });
      const aliceHearsCancel = nextEvent(w.alice.socket, 'join-request');
      await call(dave.socket, 'join-request:cancel', { conversationId: chat.id });
      expect(await aliceHearsCancel).toMatchObject({
        status: 'cancelled',
        user: { id: dave.userId },
      });
      await call(dave.socket, 'join-request:cancel', { conversationId: chat.id });
      expect(
        (await call(w.alice.socket, 'join-request:list', { conversationId: chat.id })).requests,
      ).toEqual([]);
      expect((await server.store.getMembership(chat.id, dave.userId))?.active).not.toBe(true);
    } finally {
      dave.socket.close();
    }
  });
});
