import { afterEach, describe, expect, it } from 'vitest';
import type { AuthSession, Invite } from '@chitchat/shared';
import { http, startServer, uniqueName, type TestServer } from './harness';

/**
 * MEMBER_INVITES (issue #18: invite codes "made by admins and, if the admin allows, by members"),
 * against a real server under the default REGISTRATION=invite. Off, members get 403
 * (registration.test.ts).
 */
describe('MEMBER_INVITES: members make single-use invites', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  const signUp = async (server: TestServer, inviteCode?: string) => {
    const answer = await http<AuthSession>(server, 'POST', '/api/auth/register', {
      body: {
        username: uniqueName(),
        password: 'correct horse battery',
        ...(inviteCode === undefined ? {} : { inviteCode }),
      },
    });
    expect(answer.status).toBe(201);
    return answer.body;
  };
  const invite = (server: TestServer, token: string, body: object = {}) =>
    http<Invite & { error?: { code: string } }>(server, 'POST', '/api/invites', { token, body });
  const list = async (server: TestServer, token: string) =>
    (await http<{ invites: Invite[] }>(server, 'GET', '/api/invites', { token })).body.invites;

  it('a member invites someone once, sees and revokes only their own invites, never an admin\u2019s', async () => {
    const server = await startServer({ config: { REGISTRATION: 'invite', MEMBER_INVITES: true } });
    servers.push(server);
    const admin = await signUp(server);
    const adminsCode = (await invite(server, admin.accessToken, { maxUses: 5 })).body.code;
    const member = await signUp(server, adminsCode);

    const made = await invite(server, member.accessToken);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ maxUses: 1, uses: 0, createdBy: member.user.id });
    const friend = await signUp(server, made.body.code);
    expect(friend.user.role).toBe('member');
    // Single use: spent.
    const late = await http(server, 'POST', '/api/auth/register', {
      body: {
        username: uniqueName(),
        password: 'correct horse battery',
        inviteCode: made.body.code,
      },
    });
    expect(late.status).toBe(403);

    const many = await invite(server, member.accessToken, { maxUses: 3 });
    expect(many.status).toBe(403);
    expect(many.body.error?.code).toBe('forbidden');

    const second = (await invite(server, member.accessToken)).body.code;
    expect((await list(server, member.accessToken)).map((i) => i.code).sort()).toEqual(
      [made.body.code, second].sort(),
    );
    // The admin sees every invite, the member's included.
    expect((await list(server, admin.accessToken)).map((i) => i.code)).toEqual(
      expect.arrayContaining([adminsCode, made.body.code, second]),
    );
    const foreign = await http(server, 'DELETE', `/api/invites/${adminsCode}`, {
      token: member.accessToken,
    });
    expect(foreign.status).toBe(404);
    expect(await server.store.getInvite(adminsCode)).toMatchObject({ revokedAt: null });
    const own = await http(server, 'DELETE', `/api/invites/${second}`, {
      token: member.accessToken,
    });
    expect(own.status).toBe(204);
    expect((await list(server, member.accessToken)).map((i) => i.code)).toEqual([made.body.code]);
    // Still no admin powers.
    expect(
      (await http(server, 'GET', '/api/admin/users', { token: member.accessToken })).status,
    ).toBe(403);
  });

  it('a disabled member makes no invites', async () => {
    const server = await startServer({ config: { REGISTRATION: 'invite', MEMBER_INVITES: true } });
    servers.push(server);
    const admin = await signUp(server);
    const member = await signUp(server, (await invite(server, admin.accessToken)).body.code);
    await server.store.setUserDisabled(member.user.id, Date.now());
    expect((await invite(server, member.accessToken)).status).not.toBe(201);
  });
});
