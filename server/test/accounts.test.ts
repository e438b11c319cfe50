import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  type AuthSession,
  type DeviceInfo,
  type Me,
  type TokenPair,
} from '@chitchat/shared';
import {
  connect,
  disconnected,
  http,
  login,
  nextEvent,
  register,
  uniqueName,
  type TestServer,
  startServer,
  tempDir,
} from './harness';
import { loadConfig } from '../src/config';

describe('accounts and devices over HTTP and Socket.io', () => {
  let server: TestServer;
  let data: ReturnType<typeof tempDir>;

  beforeEach(async () => {
    data = tempDir();
    server = await startServer({ dataDir: data.dir });
  });
  afterEach(async () => {
    await server.stop();
    data.remove();
  });

  it('register, a second device, both listed; revoking one closes its socket and ends its refresh token', async () => {
    const username = uniqueName('alice');
    const laptop = await register(server, username);
    const phone = await login(server, username);
    expect(phone.user.id).toBe(laptop.user.id);
    expect(phone.device.id).not.toBe(laptop.device.id);

    const listed = await http<{ devices: DeviceInfo[] }>(server, 'GET', '/api/devices', {
      token: laptop.accessToken,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.devices.map((d) => d.id).sort()).toEqual(
      [laptop.device.id, phone.device.id].sort(),
    );
    expect(listed.body.devices.find((d) => d.id === laptop.device.id)?.current).toBe(true);
    expect(listed.body.devices.find((d) => d.id === phone.device.id)).toMatchObject({
      name: 'Phone',
      platform: 'android',
    });

    const phoneSocket = await connect(server, phone.accessToken);
    const laptopSocket = await connect(server, laptop.accessToken);
    const revokedNotice = nextEvent(phoneSocket, 'session:revoked');
    const closed = disconnected(phoneSocket);

    const revoke = await http(server, 'DELETE', `/api/devices/${phone.device.id}`, {
      token: laptop.accessToken,
    });
    expect(revoke.status).toBe(204);
    expect(await revokedNotice).toEqual({ reason: 'revoked' });
    expect(await closed).toBe('io server disconnect');
    expect(laptopSocket.connected).toBe(true);

    const refresh = await http(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: phone.refreshToken },
    });
    expect(refresh.status).toBe(401);
    expect(refresh.body).toMatchObject({ error: { code: 'unauthorized' } });
    const stillValidAccess = await http(server, 'GET', '/api/me', { token: phone.accessToken });
    expect(stillValidAccess.status).toBe(401);

    const after = await http<{ devices: DeviceInfo[] }>(server, 'GET', '/api/devices', {
      token: laptop.accessToken,
    });
    expect(after.body.devices.map((d) => d.id)).toEqual([laptop.device.id]);
    laptopSocket.close();
  });

  it("a revoked device's still-valid access token is refused at the handshake", async () => {
    const session = await register(server);
    await http(server, 'POST', '/api/auth/logout', { token: session.accessToken });
    await expect(connect(server, session.accessToken)).rejects.toMatchObject({
      message: 'unauthorized',
      data: { code: 'unauthorized' },
    });
  });

  it('refresh rotates the pair; the new refresh token works once more', async () => {
    const session = await register(server);
    const first = await http<TokenPair>(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: session.refreshToken },
    });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(session.refreshToken);
    const me = await http<Me>(server, 'GET', '/api/me', { token: first.body.accessToken });
    expect(me.body.id).toBe(session.user.id);
    const second = await http<TokenPair>(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: first.body.refreshToken },
    });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.body.refreshToken);
  });

  it('a retry of a refresh within the grace window gets the same new refresh token', async () => {
    const session = await register(server);
    const first = await http<TokenPair>(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: session.refreshToken },
    });
    const retry = await http<TokenPair>(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: session.refreshToken },
    });
    expect(retry.status).toBe(200);
    expect(retry.body.refreshToken).toBe(first.body.refreshToken);
    expect((await http(server, 'GET', '/api/me', { token: retry.body.accessToken })).status).toBe(
      200,
    );
    // The device is still signed in: the rotated token keeps working.
    const next = await http(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: first.body.refreshToken },
    });
    expect(next.status).toBe(200);
  });

  it('an older refresh token presented again revokes the device', async () => {
    const session = await register(server);
    const socket = await connect(server, session.accessToken);
    const first = await http<TokenPair>(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: session.refreshToken },
    });
    const second = await http<TokenPair>(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: first.body.refreshToken },
    });
    expect(second.status).toBe(200);
    const notice = nextEvent(socket, 'session:revoked');
    // The first token is now two rotations old: a copy is in someone else's hands.
    const reuse = await http(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: session.refreshToken },
    });
    expect(reuse.status).toBe(401);
    expect(await notice).toEqual({ reason: 'token_reuse' });
    const current = await http(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: second.body.refreshToken },
    });
    expect(current.status).toBe(401);
    expect((await http(server, 'GET', '/api/me', { token: second.body.accessToken })).status).toBe(
      401,
    );
  });

  it('a forged refresh token is refused without signing the device out', async () => {
    const session = await register(server);
    const [deviceId] = session.refreshToken.split('.');
    const forged = `${deviceId}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBB`;
    expect(
      (await http(server, 'POST', '/api/auth/refresh', { body: { refreshToken: forged } })).status,
    ).toBe(401);
    expect(
      (
        await http(server, 'POST', '/api/auth/refresh', {
          body: { refreshToken: session.refreshToken },
        })
      ).status,
    ).toBe(200);
  });

  it('expired and forged access tokens are refused over HTTP and at the handshake', async () => {
    const session = await register(server);
    const [header, payload] = session.accessToken.split('.');
    const forged = `${header}.${payload}.c2lnbmF0dXJlLWZyb20tc29tZW9uZS1lbHNl`;
    expect((await http(server, 'GET', '/api/me', { token: forged })).body).toMatchObject({
      error: { code: 'unauthorized' },
    });
    await expect(connect(server, forged)).rejects.toMatchObject({ message: 'unauthorized' });

    const shortLived = await startServer({
      config: { ACCESS_TOKEN_TTL_S: 10 },
      deps: { now: () => Date.now() },
    });
    try {
      const user = await register(shortLived);
      const claims = JSON.parse(
        Buffer.from(user.accessToken.split('.')[1] ?? '', 'base64url').toString(),
      ) as {
        exp: number;
        iat: number;
      };
      expect(claims.exp - claims.iat).toBe(10);
      // An expired token signed with the right key: craft one by signing with an expiry in the past.
      const { signAccessToken } = await import('../src/services/tokens');
      const { deriveKeys, loadServerSecret } = await import('../src/services/secrets');
      const keys = deriveKeys(loadServerSecret(shortLived.dataDir, undefined));
      const expired = await signAccessToken(
        keys.accessToken,
        { userId: user.user.id, deviceId: user.device.id },
        -5,
      );
      expect((await http(shortLived, 'GET', '/api/me', { token: expired })).status).toBe(401);
      await expect(connect(shortLived, expired)).rejects.toMatchObject({ message: 'unauthorized' });
    } finally {
      await shortLived.stop();
    }
  });

  it('refuses a protocol outside the supported range with its code and the range', async () => {
    const session = await register(server);
    await expect(connect(server, session.accessToken, 999)).rejects.toMatchObject({
      message: 'unsupported_protocol',
      data: { code: 'unsupported_protocol', minProtocol: 1, maxProtocol: PROTOCOL_VERSION },
    });
    await expect(connect(server, session.accessToken, 0)).rejects.toMatchObject({
      message: 'unsupported_protocol',
    });
  });

  it('malformed bodies get 400 invalid_payload and create nothing', async () => {
    const cases: unknown[] = [
      {},
      { username: 'ab', password: 'long enough' },
      { username: 'has space', password: 'long enough' },
      { username: 'x'.repeat(33), password: 'long enough' },
      { username: 'valid_name', password: 'short' },
      { username: 42, password: 'long enough' },
      { username: 'valid_name', password: 'long enough', device: { name: '', platform: 'linux' } },
    ];
    for (const body of cases) {
      const answer = await http(server, 'POST', '/api/auth/register', { body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: 'invalid_payload' } });
    }
    const notJson = await http(server, 'POST', '/api/auth/register', {
      rawBody: '{"username": "x",',
    });
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });
    expect(await server.store.findUserByUsername('valid_name')).toBeNull();

    const session = await register(server);
    const patch = await http(server, 'PATCH', '/api/me', {
      token: session.accessToken,
      body: { lastSeenVisibility: 'public' },
    });
    expect(patch).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });
    const refresh = await http(server, 'POST', '/api/auth/refresh', { body: { refreshToken: 7 } });
    expect(refresh).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });
  });

  it('display names that could impersonate are refused; ZWNJ and ZWJ are kept', async () => {
    const impostors = [
      'Alice \u202Etnemyap',
      'Ali\u200Bce',
      'Alice\u2066',
      '\uFEFFAlice',
      'Al\u2060ice',
      'Alice\u0007',
      'Alice\u009B',
      'Alice\u202A',
    ];
    for (const displayName of impostors) {
      const username = uniqueName('mallory');
      const answer = await http(server, 'POST', '/api/auth/register', {
        body: { username, password: 'long enough', displayName },
      });
      expect(answer, JSON.stringify(displayName)).toMatchObject({
        status: 400,
        body: { error: { code: 'invalid_payload' } },
      });
      expect(await server.store.findUserByUsername(username)).toBeNull();
    }

    // Persian needs ZWNJ (U+200C); an emoji family is people joined by ZWJ (U+200D).
    const persian = 'مهر\u200Cنوش';
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
    const session = await http<AuthSession>(server, 'POST', '/api/auth/register', {
      body: { username: uniqueName('mehr'), password: 'long enough', displayName: persian },
    });
    expect(session.status).toBe(201);
    expect(session.body.user.displayName).toBe(persian);
    const renamed = await http<Me>(server, 'PATCH', '/api/me', {
      token: session.body.accessToken,
      body: { displayName: `Family ${family}` },
    });
    expect(renamed).toMatchObject({ status: 200, body: { displayName: `Family ${family}` } });

    const refused = await http(server, 'PATCH', '/api/me', {
      token: session.body.accessToken,
      body: { displayName: impostors[0] },
    });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });
    const me = await http<Me>(server, 'GET', '/api/me', { token: session.body.accessToken });
    expect(me.body.displayName).toBe(`Family ${family}`);
  });

  it('a duplicate username gets 409, regardless of case', async () => {
    const name = uniqueName('Bob');
    await register(server, name);
    const again = await http(server, 'POST', '/api/auth/register', {
      body: { username: name.toUpperCase(), password: 'another password' },
    });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
  });

  it('login errors are the same for an unknown user and a wrong password', async () => {
    const name = uniqueName('carol');
    await register(server, name);
    const wrongPassword = await http(server, 'POST', '/api/auth/login', {
      body: { username: name, password: 'not the password' },
    });
    const unknownUser = await http(server, 'POST', '/api/auth/login', {
      body: { username: uniqueName('nobody'), password: 'not the password' },
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownUser.body);
  });

  it('me: settings, block and unblock, and user search by prefix', async () => {
    const prefix = uniqueName('dora');
    const dora = await register(server, prefix);
    const eve = await register(server, `${prefix}_eve`);
    const updated = await http<Me>(server, 'PATCH', '/api/me', {
      token: dora.accessToken,
      body: {
        displayName: '  Dora D.  ',
        lastSeenVisibility: 'nobody',
        block: [eve.user.id, 'unknown-user'],
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      displayName: 'Dora D.',
      lastSeenVisibility: 'nobody',
      blocked: [eve.user.id],
    });
    const unblocked = await http<Me>(server, 'PATCH', '/api/me', {
      token: dora.accessToken,
      body: { unblock: [eve.user.id] },
    });
    expect(unblocked.body.blocked).toEqual([]);

    const found = await http<{ users: { id: string; username: string }[] }>(
      server,
      'GET',
      `/api/users?q=${prefix.toUpperCase()}`,
      {
        token: eve.accessToken,
      },
    );
    expect(found.body.users.map((u) => u.id).sort()).toEqual([dora.user.id, eve.user.id].sort());
    // Public fields only (photo and about as the caller may see them: profiles.test.ts).
    expect(Object.keys(found.body.users[0] ?? {}).sort()).toEqual([
      'about',
      'displayName',
      'id',
      'photo',
      'username',
    ]);
    const wildcard = await http<{ users: unknown[] }>(server, 'GET', '/api/users?q=%25%25%25', {
      token: eve.accessToken,
    });
    expect(wildcard.body.users).toEqual([]);
  });

  it('every route but auth requires a valid token', async () => {
    for (const [method, route] of [
      ['GET', '/api/me'],
      ['PATCH', '/api/me'],
      ['GET', '/api/users?q=abc'],
      ['GET', '/api/devices'],
      ['DELETE', '/api/devices/x'],
      ['POST', '/api/auth/logout'],
    ] as const) {
      const answer = await http(server, method, route);
      expect(answer.status, `${method} ${route}`).toBe(401);
      expect(answer.body).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('a device of another account cannot be revoked; it is not found', async () => {
    const a = await register(server);
    const b = await register(server);
    const answer = await http(server, 'DELETE', `/api/devices/${b.device.id}`, {
      token: a.accessToken,
    });
    expect(answer).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await http(server, 'GET', '/api/me', { token: b.accessToken })).status).toBe(200);
  });

  it('at most MAX_DEVICES devices are signed in at once', async () => {
    const limited = await startServer({ config: { MAX_DEVICES: 2 } });
    try {
      const name = uniqueName('frank');
      await register(limited, name);
      const second = await login(limited, name);
      const third = await http(limited, 'POST', '/api/auth/login', {
        body: { username: name, password: 'correct horse battery' },
      });
      expect(third).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      await http(limited, 'POST', '/api/auth/logout', { token: second.accessToken });
      expect((await login(limited, name)).device.id).toBeTruthy();
    } finally {
      await limited.stop();
    }
  });

  it('logins are rate limited per address, and failed logins per username', async () => {
    const limited = await startServer({ config: { RATE_LIMIT_AUTH: 3 } });
    try {
      const name = uniqueName('gina');
      await register(limited, name);
      const attempts = [];
      for (let i = 0; i < 3; i++) {
        attempts.push(
          await http(limited, 'POST', '/api/auth/login', {
            body: { username: name, password: 'wrong password' },
          }),
        );
      }
      expect(attempts.map((a) => a.status)).toEqual([401, 401, 429]);
      const limitedAnswer = attempts[2];
      expect(limitedAnswer?.body).toMatchObject({ error: { code: 'rate_limited' } });
    } finally {
      await limited.stop();
    }
  });

  it('user search needs 3 characters and is rate limited per user: 429 with Retry-After', async () => {
    const perMinute = loadConfig({}).RATE_LIMIT_SEARCH;
    const limited = await startServer({ config: { RATE_LIMIT_SEARCH: perMinute } });
    try {
      const prefix = uniqueName('ivy');
      const ivy = await register(limited, prefix);
      const ivyPhone = await login(limited, prefix);
      const jack = await register(limited);
      const search = (session: AuthSession, q: string) =>
        fetch(`${limited.url}/api/users?q=${encodeURIComponent(q)}`, {
          headers: { authorization: `Bearer ${session.accessToken}` },
        });
      for (const q of ['', 'iv', '  iv  ']) {
        const short = await search(ivy, q);
        expect(short.status, JSON.stringify(q)).toBe(400);
        expect(await short.json()).toMatchObject({ error: { code: 'invalid_payload' } });
      }
      const missing = await http(limited, 'GET', '/api/users', { token: ivy.accessToken });
      expect(missing.status).toBe(400);

      // The refusals above cost nothing; each device of the account spends the same budget.
      for (let i = 0; i < perMinute; i++) {
        const found = await search(i % 2 === 0 ? ivy : ivyPhone, prefix);
        expect(found.status).toBe(200);
        expect(((await found.json()) as { users: { id: string }[] }).users).toEqual([
          expect.objectContaining({ id: ivy.user.id }),
        ]);
      }
      for (const session of [ivy, ivyPhone]) {
        const refused = await search(session, prefix);
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
      }
      // Another person has a budget of their own.
      expect((await search(jack, prefix)).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });

  it('accounts survive a restart on the same DATA_DIR, and old tokens still work', async () => {
    const name = uniqueName('hank');
    const session: AuthSession = await register(server, name);
    await server.stop();
    server = await startServer({ dataDir: data.dir });
    const again = await login(server, name);
    expect(again.user.id).toBe(session.user.id);
    expect((await http(server, 'GET', '/api/me', { token: session.accessToken })).status).toBe(200);
    const socket = await connect(server, again.accessToken);
    expect(socket.connected).toBe(true);
    socket.close();
  });
});
