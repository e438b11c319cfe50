import { afterEach, describe, expect, it } from 'vitest';
import type { AdminUser } from '@chitchat/shared';
import {
  connect,
  disconnected,
  http,
  login,
  nextEvent,
  register,
  startServer,
  type ClientSocket,
  type TestServer,
} from './harness';

/** Disabled accounts (DESIGN §12): signed out everywhere at once, no sign-in until enabled. */
describe('disabling an account', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.close());
    await server?.stop();
  });

  const patchUser = (token: string, id: string, body: object) =>
    http<AdminUser & { error?: { code: string; message: string } }>(
      server,
      'PATCH',
      `/api/admin/users/${id}`,
      { token, body },
    );

  const setUp = async () => {
    server = await startServer();
    const admin = await register(server, 'the_admin');
    const member = await register(server, 'the_member');
    expect([admin.user.role, member.user.role]).toEqual(['admin', 'member']);
    return { admin, member };
  };

  it('closes every live socket of the account at once, and refuses its sign-in and refresh until it is enabled', async () => {
    const { admin, member } = await setUp();
    const phone = await login(server, 'the_member');
    const laptopSocket = await connect(server, member.accessToken);
    const phoneSocket = await connect(server, phone.accessToken);
    const adminSocket = await connect(server, admin.accessToken);
    sockets.push(laptopSocket, phoneSocket, adminSocket);
    const notices = [laptopSocket, phoneSocket].map((s) => nextEvent(s, 'session:revoked'));
    const closed = [laptopSocket, phoneSocket].map((s) => disconnected(s));

    const disabled = await patchUser(admin.accessToken, member.user.id, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabledAt).toEqual(expect.any(Number));
    expect(await Promise.all(notices)).toEqual([{ reason: 'disabled' }, { reason: 'disabled' }]);
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(adminSocket.connected).toBe(true);

    const signIn = await http<{ error: { code: string; message: string } }>(
      server,
      'POST',
      '/api/auth/login',
      { body: { username: 'the_member', password: 'correct horse battery' } },
    );
    expect(signIn.status).toBe(403);
    expect(signIn.body.error.code).toBe('forbidden');
    expect(signIn.body.error.message).toMatch(/disabled/);
    const refresh = await http(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: phone.refreshToken },
    });
    expect(refresh.status).toBe(401);
    await expect(connect(server, phone.accessToken)).rejects.toThrow('unauthorized');
    const me = await http(server, 'GET', '/api/me', { token: member.accessToken });
    expect(me.status).toBe(401);

    const users = await http<{ users: AdminUser[] }>(server, 'GET', '/api/admin/users', {
      token: admin.accessToken,
    });
    expect(users.body.users.map((u) => [u.username, u.role, u.disabledAt !== null])).toEqual([
      ['the_admin', 'admin', false],
      ['the_member', 'member', true],
    ]);

    const enabled = await patchUser(admin.accessToken, member.user.id, { disabled: false });
    expect(enabled.body.disabledAt).toBeNull();
    const again = await login(server, 'the_member');
    sockets.push(await connect(server, again.accessToken));
  });

  it('members cannot list, disable or promote; the last admin cannot be disabled or demoted', async () => {
    const { admin, member } = await setUp();
    for (const body of [{ disabled: true }, { role: 'admin' }]) {
      const refused = await patchUser(member.accessToken, admin.user.id, body);
      expect(refused.status).toBe(403);
      expect(refused.body.error?.code).toBe('forbidden');
    }
    const list = await http(server, 'GET', '/api/admin/users', { token: member.accessToken });
    expect(list.status).toBe(403);
    const info = await http(server, 'GET', '/api/admin/server', { token: member.accessToken });
    expect(info.status).toBe(403);
    // Admins see how the operator runs the server (the harness opens registration).
    const shown = await http(server, 'GET', '/api/admin/server', { token: admin.accessToken });
    expect(shown.body).toEqual({
      registration: 'open',
      publicUrl: null,
      twoStepRequiredForAdmins: false,
    });
    expect((await server.store.getUser(admin.user.id))?.disabledAt).toBeNull();

    const self = await patchUser(admin.accessToken, admin.user.id, { disabled: true });
    expect(self.status).toBe(409);
    expect(self.body.error?.code).toBe('conflict');
    const demote = await patchUser(admin.accessToken, admin.user.id, { role: 'member' });
    expect(demote.status).toBe(409);

    const promoted = await patchUser(admin.accessToken, member.user.id, { role: 'admin' });
    expect(promoted.body.role).toBe('admin');
    // A promoted member has the powers at once; a demoted admin loses them at once.
    const demoted = await patchUser(member.accessToken, admin.user.id, { role: 'member' });
    expect(demoted.body.role).toBe('member');
    const gone = await http(server, 'GET', '/api/invites', { token: admin.accessToken });
    expect(gone.status).toBe(403);

    const empty = await patchUser(member.accessToken, admin.user.id, {});
    expect(empty.status).toBe(400);
    const unknown = await patchUser(member.accessToken, 'no-such-user', { disabled: true });
    expect(unknown.status).toBe(404);
  });

  it('a refresh of a device that outlived a disable (a race) is refused and ends that device', async () => {
    const { member } = await setUp();
    // As if a sign-in slipped in beside the disable: the account is disabled, the device is not.
    await server.store.setUserDisabled(member.user.id, Date.now());
    const refresh = await http(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: member.refreshToken },
    });
    expect(refresh.status).toBe(401);
    expect((await server.store.getDevice(member.device.id))?.revokedAt).toEqual(expect.any(Number));
  });
});
