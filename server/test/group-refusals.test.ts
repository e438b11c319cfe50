/**
 * Group refusals (issue #15) at the group's size limit and with disabled accounts: each answers a
 * clear code and changes nothing. (A member removing someone is refused in groups.test.ts, "only
 * owners and admins manage a group".)
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GROUP_MEMBERS_MAX } from '@chitchat/shared';
import { call, http, request, type TestServer } from './harness';
import { group, person, worldPerTest, type World } from './fixtures';

describe('group refusals', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, world) => {
    server = s;
    w = world;
  });

  /** People who never sign in, written through the store (a full group costs seconds, not minutes). */
  const seedPeople = async (count: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      await server.store.createUser({
        id,
        username: `full_${i}_${id.slice(0, 8)}`,
        displayName: `Seat ${i}`,
        passwordHash: 'not-a-password-hash',
        createdAt: Date.now(),
      });
      ids.push(id);
    }
    return ids;
  };

  it(`a group of ${GROUP_MEMBERS_MAX} takes nobody more: by add (payload_too_large) or by link; nothing changes`, async () => {
    const seats = await seedPeople(GROUP_MEMBERS_MAX - 2);
    // Written through the store: Alice and the seats, GROUP_MEMBERS_MAX - 1 members.
    const chat = { id: randomUUID() };
    await server.store.createGroup({
      id: randomUUID(),
      userId: w.alice.userId,
      deviceId: null,
      at: Date.now(),
      conversationId: chat.id,
      title: 'Full house',
      memberIds: seats,
    });
    const link = await call(w.alice.socket, 'invite-link:create', { conversationId: chat.id });
    // Bob takes the last seat; then neither Carol by add nor Dave by the link gets in.
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, add: [w.bob.userId] });
    const full = (await server.store.activeMembers(chat.id)).length;
    expect(full).toBe(GROUP_MEMBERS_MAX);
    expect(
      await request(w.alice.socket, 'group:update', {
        conversationId: chat.id,
        add: [w.carol.userId],
      }),
    ).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    const dave = await person(server, 'dave');
    try {
      expect(await request(dave.socket, 'invite-link:join', { code: link.code })).toMatchObject({
        ok: false,
        error: { code: 'payload_too_large' },
      });
    } finally {
      dave.socket.close();
    }
    // Adding one while removing one fits.
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      add: [w.carol.userId],
      remove: [seats[0] ?? ''],
    });
    const after = await server.store.activeMembers(chat.id);
    expect(after.length).toBe(GROUP_MEMBERS_MAX);
    expect(after.some((m) => m.userId === w.carol.userId)).toBe(true);
    expect(await server.store.getMembership(chat.id, dave.userId)).toBeNull();
  }, 60_000);

  it('a disabled account is not added to a group, at creation or later; nothing changes', async () => {
    // Alice is the server's first account, so its admin.
    const disabled = await http(server, 'PATCH', `/api/admin/users/${w.carol.userId}`, {
      token: w.alice.session.accessToken,
      body: { disabled: true },
    });
    expect(disabled.status).toBe(200);
    const created = await request(w.alice.socket, 'group:create', {
      title: 'With Carol',
      memberIds: [w.bob.userId, w.carol.userId],
    });
    expect(created).toMatchObject({
      ok: false,
      error: { code: 'forbidden', details: { userIds: [w.carol.userId] } },
    });
    expect(
      (await call(w.alice.socket, 'conversation:list', {})).conversations.filter(
        (c) => c.title === 'With Carol',
      ),
    ).toEqual([]);
    const chat = await group(w.alice, [w.bob]);
    expect(
      await request(w.alice.socket, 'group:update', {
        conversationId: chat.id,
        add: [w.carol.userId],
      }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await server.store.getMembership(chat.id, w.carol.userId)).toBeNull();
    // Enabled again, she can be added.
    await http(server, 'PATCH', `/api/admin/users/${w.carol.userId}`, {
      token: w.alice.session.accessToken,
      body: { disabled: false },
    });
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, add: [w.carol.userId] });
    expect((await server.store.getMembership(chat.id, w.carol.userId))?.active).toBe(true);
  });
});
