import { afterEach, describe, expect, it } from 'vitest';
import type { AuthSession, Invite } from '@chitchat/shared';
import { http, startServer, uniqueName, type TestServer } from './harness';

/** REGISTRATION (DESIGN §4) and invites (`/api/invites`) against a real server. */
describe('registration and invites', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  const start = async (config: Parameters<typeof startServer>[0] = {}) => {
    const server = await startServer(config);
    servers.push(server);
    return server;
  };
  const signUp = (server: TestServer, inviteCode?: string, username = uniqueName()) =>
    http<AuthSession & { error?: { code: string; message: string } }>(
      server,
      'POST',
      '/api/auth/register',
      {
        body: {
          username,
          password: 'correct horse battery',
          ...(inviteCode === undefined ? {} : { inviteCode }),
        },
      },
    );
  const makeInvite = (server: TestServer, token: string, body: object = {}) =>
    http<Invite & { error?: { code: string } }>(server, 'POST', '/api/invites', { token, body });
  const userCount = async (server: TestServer) => (await server.store.listUsers()).length;

  it('under the default mode the first account is admin and the second needs an invite', async () => {
    // The harness opens registration; the default is what a fresh server runs with.
    const server = await start({ config: { REGISTRATION: 'invite' } });
    const first = await signUp(server);
    expect(first.status).toBe(201);
    expect(first.body.user.role).toBe('admin');

    const without = await signUp(server);
    expect(without.status).toBe(403);
    expect(without.body.error?.code).toBe('forbidden');
    expect(without.body.error?.message).toMatch(/invite/);
    const bogus = await signUp(server, 'not-a-real-code');
    expect(bogus.status).toBe(403);
    expect(bogus.body.error?.code).toBe('forbidden');
    expect(await userCount(server)).toBe(1);

    const invite = await makeInvite(server, first.body.accessToken);
    expect(invite.status).toBe(201);
    // 144 random bits as base64url.
    expect(invite.body.code).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(invite.body).toMatchObject({ maxUses: 1, uses: 0 });
    expect(invite.body.link).toBeUndefined();
    const second = await signUp(server, invite.body.code);
    expect(second.status).toBe(201);
    expect(second.body.user.role).toBe('member');
    const me = await http<{ role: string }>(server, 'GET', '/api/me', {
      token: second.body.accessToken,
    });
    expect(me.body.role).toBe('member');
    // One use only.
    const third = await signUp(server, invite.body.code);
    expect(third.status).toBe(403);
    expect(await userCount(server)).toBe(2);
  });

  it('invites count uses, expire, can be revoked, and carry a link with PUBLIC_URL', async () => {
    let now = 1_000_000;
    const server = await start({
      config: { REGISTRATION: 'invite', PUBLIC_URL: 'https://chat.example.org' },
      deps: { now: () => now },
    });
    const admin = (await signUp(server)).body;
    const twice = await makeInvite(server, admin.accessToken, { maxUses: 2, expiresInHours: 1 });
    expect(twice.body).toMatchObject({
      maxUses: 2,
      uses: 0,
      createdAt: now,
      expiresAt: now + 3_600_000,
      link: `https://chat.example.org/invite/${twice.body.code}`,
    });
    expect((await signUp(server, twice.body.code)).status).toBe(201);
    const listed = await http<{ invites: Invite[] }>(server, 'GET', '/api/invites', {
      token: admin.accessToken,
    });
    expect(listed.body.invites.map((i) => [i.code, i.uses])).toEqual([[twice.body.code, 1]]);

    now += 3_600_000; // the expiry itself: no longer valid
    expect((await signUp(server, twice.body.code)).status).toBe(403);

    const revoked = await makeInvite(server, admin.accessToken, { maxUses: 5 });
    const deleted = await http(server, 'DELETE', `/api/invites/${revoked.body.code}`, {
      token: admin.accessToken,
    });
    expect(deleted.status).toBe(204);
    expect((await signUp(server, revoked.body.code)).status).toBe(403);
    const again = await http<{ error: { code: string } }>(
      server,
      'DELETE',
      `/api/invites/${revoked.body.code}`,
      { token: admin.accessToken },
    );
    expect(again.status).toBe(404);
    expect(await userCount(server)).toBe(2);

    const invalid = await makeInvite(server, admin.accessToken, { maxUses: 0 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error?.code).toBe('invalid_payload');
  });

  it('members cannot make, list or revoke invites', async () => {
    const server = await start({ config: { REGISTRATION: 'invite' } });
    const admin = (await signUp(server)).body;
    const code = (await makeInvite(server, admin.accessToken)).body.code;
    const member = (await signUp(server, code)).body;
    for (const [method, route] of [
      ['POST', '/api/invites'],
      ['GET', '/api/invites'],
      ['DELETE', `/api/invites/${code}`],
    ] as const) {
      const answer = await http<{ error: { code: string } }>(server, method, route, {
        token: member.accessToken,
        ...(method === 'POST' ? { body: {} } : {}),
      });
      expect(answer.status, `${method} ${route}`).toBe(403);
      expect(answer.body.error.code).toBe('forbidden');
    }
    const anonymous = await http(server, 'GET', '/api/invites');
    expect(anonymous.status).toBe(401);
  });

  it('open admits everyone without a code; closed admits nobody, not even the first', async () => {
    const open = await start({ config: { REGISTRATION: 'open' } });
    const first = await signUp(open);
    const second = await signUp(open);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect([first.body.user.role, second.body.user.role]).toEqual(['admin', 'member']);

    const closed = await start({ config: { REGISTRATION: 'closed' } });
    const refused = await signUp(closed);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('forbidden');
    expect(await userCount(closed)).toBe(0);
  });

  it('racing first registrations make exactly one admin; racing for the last use admits one', async () => {
    const server = await start({ config: { REGISTRATION: 'invite' } });
    const firsts = await Promise.all(Array.from({ length: 5 }, () => signUp(server)));
    expect(firsts.map((a) => a.status).sort()).toEqual([201, 403, 403, 403, 403]);
    const admin = firsts.find((a) => a.status === 201)?.body;
    expect(admin?.user.role).toBe('admin');
    if (admin === undefined) return;

    const code = (await makeInvite(server, admin.accessToken, { maxUses: 2 })).body.code;
    expect((await signUp(server, code)).status).toBe(201);
    const racing = await Promise.all(Array.from({ length: 5 }, () => signUp(server, code)));
    expect(racing.map((a) => a.status).sort()).toEqual([201, 403, 403, 403, 403]);
    expect(await userCount(server)).toBe(3);
  });

  it('a taken username does not consume the invite', async () => {
    const server = await start({ config: { REGISTRATION: 'invite' } });
    const admin = (await signUp(server, undefined, 'ada_admin')).body;
    const code = (await makeInvite(server, admin.accessToken)).body.code;
    const taken = await signUp(server, code, 'ADA_admin');
    expect(taken.status).toBe(409);
    expect((await signUp(server, code)).status).toBe(201);
  });
});
