import { afterEach, describe, expect, it } from 'vitest';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { DeviceInfo, TokenPair } from '@chitchat/shared';
import {
  connect,
  disconnected,
  http,
  login,
  nextEvent,
  register,
  startServer,
  uniqueName,
  type ClientSocket,
  type TestServer,
} from './harness';

type ErrorBody = { error: { code: string; message: string } };
const OLD = 'correct horse battery';
const NEW = 'a brand new passphrase';

/** Change password and "sign out all other devices" (issue #15, DESIGN §12 accounts). */
describe('account security', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.close());
    await server?.stop();
  });

  /** One account on three devices, each with a live socket, plus someone else online. */
  const setUp = async (options: Parameters<typeof startServer>[0] = {}) => {
    server = await startServer(options);
    const username = uniqueName('ana');
    const laptop = await register(server, username);
    const phone = await login(server, username);
    const tablet = await login(server, username, OLD, { name: 'Tablet', platform: 'ios' });
    const other = await register(server);
    const live = await Promise.all(
      [laptop, phone, tablet, other].map((s) => connect(server, s.accessToken)),
    );
    sockets.push(...live);
    const [laptopSocket, phoneSocket, tabletSocket, otherSocket] = live as [
      ClientSocket,
      ClientSocket,
      ClientSocket,
      ClientSocket,
    ];
    return {
      username,
      laptop,
      phone,
      tablet,
      laptopSocket,
      phoneSocket,
      tabletSocket,
      otherSocket,
    };
  };

  const changePassword = (token: string, body: unknown) =>
    http<{ devicesSignedOut: number } & Partial<ErrorBody>>(server, 'POST', '/api/me/password', {
      token,
      body,
    });

  it('changes the password and signs out every other device at once: sockets closed, refresh tokens dead', async () => {
    const {
      username,
      laptop,
      phone,
      tablet,
      laptopSocket,
      phoneSocket,
      tabletSocket,
      otherSocket,
    } = await setUp();
    const notices = [phoneSocket, tabletSocket].map((s) => nextEvent(s, 'session:revoked'));
    const closed = [phoneSocket, tabletSocket].map((s) => disconnected(s));

    const changed = await changePassword(laptop.accessToken, {
      currentPassword: OLD,
      newPassword: NEW,
    });
    expect(changed.status).toBe(200);
    expect(changed.body.devicesSignedOut).toBe(2);
    expect(await Promise.all(notices)).toEqual([
      { reason: 'password_changed' },
      { reason: 'password_changed' },
    ]);
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    // The device that changed it, and everyone else, stay connected.
    expect(laptopSocket.connected).toBe(true);
    expect(otherSocket.connected).toBe(true);

    for (const revoked of [phone, tablet]) {
      const refresh = await http(server, 'POST', '/api/auth/refresh', {
        body: { refreshToken: revoked.refreshToken },
      });
      expect(refresh.status).toBe(401);
      expect((await http(server, 'GET', '/api/me', { token: revoked.accessToken })).status).toBe(
        401,
      );
    }
    // The laptop keeps working, refresh included.
    const refreshed = await http<TokenPair>(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: laptop.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const devices = await http<{ devices: DeviceInfo[] }>(server, 'GET', '/api/devices', {
      token: refreshed.body.accessToken,
    });
    expect(devices.body.devices.map((d) => d.id)).toEqual([laptop.device.id]);

    // The old password no longer signs in; the new one does.
    const oldLogin = await http<ErrorBody>(server, 'POST', '/api/auth/login', {
      body: { username, password: OLD },
    });
    expect(oldLogin.status).toBe(401);
    await expect(login(server, username, NEW)).resolves.toMatchObject({
      user: { username },
    });
  });

  it('refuses a wrong current password with 403 and changes nothing', async () => {
    const { username, laptop, phoneSocket } = await setUp();
    const wrong = await changePassword(laptop.accessToken, {
      currentPassword: 'not my password',
      newPassword: NEW,
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error?.code).toBe('forbidden');
    expect(wrong.body.error?.message).toMatch(/current password/i);
    expect(phoneSocket.connected).toBe(true);
    await expect(login(server, username, OLD)).resolves.toMatchObject({ user: { username } });
    const refused = await http<ErrorBody>(server, 'POST', '/api/auth/login', {
      body: { username, password: NEW },
    });
    expect(refused.status).toBe(401);
  });

  it('validates the body: a short new password, missing fields and wrong types are 400 invalid_payload', async () => {
    const { laptop, phoneSocket } = await setUp();
    for (const body of [
      { currentPassword: OLD, newPassword: 'short' },
      { currentPassword: OLD },
      { newPassword: NEW },
      { currentPassword: '', newPassword: NEW },
      { currentPassword: 42, newPassword: NEW },
      { currentPassword: OLD, newPassword: 'x'.repeat(257) },
      [],
      'text',
    ]) {
      const answer = await changePassword(laptop.accessToken, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error?.code).toBe('invalid_payload');
    }
    expect(phoneSocket.connected).toBe(true);
    const anonymous = await http(server, 'POST', '/api/me/password', {
      body: { currentPassword: OLD, newPassword: NEW },
    });
    expect(anonymous.status).toBe(401);
  });

  it('counts wrong current passwords against the login failure limit, so it cannot be used to guess', async () => {
    // Three failures a minute per (username, address); sign-ins themselves are not limited here.
    const { laptop } = await setUp({
      deps: {
        authLimits: {
          attemptsPerAddress: new RateLimiterMemory({ points: 1_000, duration: 60 }),
          failuresPerUsername: new RateLimiterMemory({ points: 3, duration: 60 }),
          twoStepFailuresPerAccount: new RateLimiterMemory({ points: 1_000, duration: 60 }),
        },
      },
    });
    const answers: number[] = [];
    for (let i = 0; i < 4; i++) {
      answers.push(
        (
          await changePassword(laptop.accessToken, {
            currentPassword: `guess ${i}`,
            newPassword: NEW,
          })
        ).status,
      );
    }
    expect(answers).toEqual([403, 403, 403, 429]);
    // Exhausted: even the right password waits, as for logins.
    const right = await changePassword(laptop.accessToken, {
      currentPassword: OLD,
      newPassword: NEW,
    });
    expect(right.status).toBe(429);
  });

  it('signs out all other devices, keeping this one', async () => {
    const { laptop, phone, laptopSocket, phoneSocket, tabletSocket, otherSocket } = await setUp();
    const notices = [phoneSocket, tabletSocket].map((s) => nextEvent(s, 'session:revoked'));
    const answer = await http<{ devicesSignedOut: number }>(
      server,
      'POST',
      '/api/devices/sign-out-others',
      { token: laptop.accessToken },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.devicesSignedOut).toBe(2);
    expect(await Promise.all(notices)).toEqual([{ reason: 'revoked' }, { reason: 'revoked' }]);
    expect(laptopSocket.connected).toBe(true);
    expect(otherSocket.connected).toBe(true);
    const refresh = await http(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: phone.refreshToken },
    });
    expect(refresh.status).toBe(401);
    // Again: nobody left to sign out.
    const again = await http<{ devicesSignedOut: number }>(
      server,
      'POST',
      '/api/devices/sign-out-others',
      { token: laptop.accessToken },
    );
    expect(again.body.devicesSignedOut).toBe(0);
  });
});
