import { afterEach, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import type { AuthSession, Me, TwoStepRecoveryCodes, TwoStepSetup } from '@chitchat/shared';
import type { Config } from '../src/config';
import { http, register, startServer, uniqueName, type TestServer } from './harness';

type Answer<T> = T & { error?: { code: string; message: string } };

const PASSWORD = 'correct horse battery';
/** RFC 6238 Appendix B: the SHA-1 test key "12345678901234567890", in base32. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** Two-step sign-in (TOTP, issue #18) over real HTTP requests against a real server. */
describe('two-step sign-in', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  let now = 1_700_000_000_000;
  const start = async (config: Partial<Config> = {}) => {
    const server = await startServer({ config, deps: { now: () => now } });
    servers.push(server);
    return server;
  };
  const codeAt = (secret: string, ms = now) => generate({ secret, epoch: Math.floor(ms / 1000) });
  const me = async (server: TestServer, token: string) =>
    (await http<Me>(server, 'GET', '/api/me', { token })).body;
  const login = (
    server: TestServer,
    username: string,
    twoStepCode?: string,
    headers: Record<string, string> = {},
  ) =>
    http<Answer<AuthSession>>(server, 'POST', '/api/auth/login', {
      headers,
      body: {
        username,
        password: PASSWORD,
        device: { name: 'Phone', platform: 'android' },
        ...(twoStepCode === undefined ? {} : { twoStepCode }),
      },
    });
  const setUp = (server: TestServer, token: string) =>
    http<Answer<TwoStepSetup>>(server, 'POST', '/api/me/two-step', { token });
  const confirm = (server: TestServer, token: string, code: string) =>
    http<Answer<TwoStepRecoveryCodes>>(server, 'POST', '/api/me/two-step/confirm', {
      token,
      body: { code },
    });
  /** Registers someone and turns two-step sign-in on; answers the secret and recovery codes. */
  const enrolled = async (server: TestServer, username = uniqueName()) => {
    const session = await register(server, username);
    const setup = await setUp(server, session.accessToken);
    const confirmed = await confirm(server, session.accessToken, await codeAt(setup.body.secret));
    expect(confirmed.status).toBe(200);
    return { session, username, secret: setup.body.secret, ...confirmed.body };
  };

  it('set up, confirm with a code, then sign-in asks for and takes the second step', async () => {
    const server = await start({ PUBLIC_URL: 'https://chat.example.org' });
    const username = uniqueName();
    const session = await register(server, username);
    expect((await me(server, session.accessToken)).twoStep).toEqual({
      enabled: false,
      recoveryCodesLeft: 0,
      required: false,
    });

    const setup = await setUp(server, session.accessToken);
    expect(setup.status).toBe(201);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(setup.body.uri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(setup.body.secret);
    expect(uri.searchParams.get('issuer')).toBe('chitchat (chat.example.org)');
    expect(decodeURIComponent(uri.pathname)).toContain(username);
    // Not in force until confirmed: sign-in still takes the password alone.
    expect((await login(server, username)).status).toBe(200);

    const wrong = await confirm(server, session.accessToken, '000000');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error?.code).toBe('invalid_payload');
    expect((await me(server, session.accessToken)).twoStep.enabled).toBe(false);

    const code = await codeAt(setup.body.secret);
    const confirmed = await confirm(server, session.accessToken, code);
    expect(confirmed.status).toBe(200);
    const codes = confirmed.body.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect((await me(server, session.accessToken)).twoStep).toEqual({
      enabled: true,
      recoveryCodesLeft: 10,
      required: false,
    });
    // A second set-up is refused while it is on.
    expect((await setUp(server, session.accessToken)).body.error?.code).toBe('conflict');

    const devicesBefore = (await server.store.listActiveDevices(session.user.id)).length;
    const asked = await login(server, username);
    expect(asked.status).toBe(401);
    expect(asked.body.error?.code).toBe('two_step_required');
    // A wrong code, and the code already used to confirm (same time step), are refused.
    expect((await login(server, username, '123456')).body.error?.code).toBe('unauthorized');
    expect((await login(server, username, code)).body.error?.code).toBe('unauthorized');
    expect(await server.store.listActiveDevices(session.user.id)).toHaveLength(devicesBefore);

    now += 30_000;
    const next = await codeAt(setup.body.secret);
    const signedIn = await login(server, username, next.slice(0, 3) + ' ' + next.slice(3));
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.twoStep.enabled).toBe(true);
    // The same code once more is a replay.
    expect((await login(server, username, next)).status).toBe(401);
  });

  it('a recovery code signs in once, in any case and with or without dashes', async () => {
    const server = await start();
    const { username, recoveryCodes, session } = await enrolled(server);
    const [first, second] = recoveryCodes;
    if (first === undefined || second === undefined) throw new Error('recovery codes');
    expect((await login(server, username, first)).status).toBe(200);
    expect((await login(server, username, first)).body.error?.code).toBe('unauthorized');
    const typed = second.replaceAll('-', '').toUpperCase();
    expect((await login(server, username, typed)).status).toBe(200);
    expect((await me(server, session.accessToken)).twoStep.recoveryCodesLeft).toBe(8);

    // New codes replace the old ones.
    now += 30_000;
    const renewed = await http<Answer<TwoStepRecoveryCodes>>(
      server,
      'POST',
      '/api/me/two-step/recovery-codes',
      { token: session.accessToken, body: { code: recoveryCodes[2] } },
    );
    expect(renewed.status).toBe(200);
    expect(renewed.body.recoveryCodes).toHaveLength(10);
    expect((await login(server, username, recoveryCodes[3])).status).toBe(401);
    expect((await login(server, username, renewed.body.recoveryCodes[0])).status).toBe(200);
  });

  it('checks codes as RFC 6238 Appendix B says (SHA-1 test vectors, six digits)', async () => {
    const server = await start();
    const username = uniqueName();
    const session = await register(server, username);
    // The RFC's key instead of a random one, so its published codes apply.
    await server.store.setPendingTwoStep(session.user.id, RFC_SECRET);
    now = 59_000; // T = 59 s: 94287082
    expect((await confirm(server, session.accessToken, '287082')).status).toBe(200);
    now = 1_111_111_109_000; // 07081804
    expect((await login(server, username, '081804')).status).toBe(200);
    now = 1_111_111_111_000; // 14050471
    expect((await login(server, username, '050471')).status).toBe(200);
    now = 1_234_567_890_000; // 89005924
    expect((await login(server, username, '005924')).status).toBe(200);
    now = 2_000_000_000_000; // 69279037
    expect((await login(server, username, '279037')).status).toBe(200);
    now = 1_700_000_000_000;
  });

  it('turning it off needs the password and a code; then the password alone signs in', async () => {
    const server = await start();
    const { username, secret, session } = await enrolled(server);
    now += 30_000;
    const disable = (body: object) =>
      http<Answer<object>>(server, 'POST', '/api/me/two-step/disable', {
        token: session.accessToken,
        body,
      });
    expect((await disable({ password: 'wrong password', code: await codeAt(secret) })).status).toBe(
      400,
    );
    expect((await disable({ password: PASSWORD, code: '111111' })).status).toBe(400);
    expect((await disable({ password: PASSWORD })).body.error?.code).toBe('invalid_payload');
    expect((await me(server, session.accessToken)).twoStep.enabled).toBe(true);
    expect((await disable({ password: PASSWORD, code: await codeAt(secret) })).status).toBe(204);
    expect((await me(server, session.accessToken)).twoStep.enabled).toBe(false);
    expect((await login(server, username)).status).toBe(200);
  });

  it('wrong codes are limited per account, whatever address they come from', async () => {
    const server = await start({ RATE_LIMIT_AUTH: 3, TRUST_PROXY: 1 });
    const { username, secret } = await enrolled(server);
    // (The limiter's minute runs on the real clock, so the test does not wait it out.)
    const from = (n: number) => ({ 'x-forwarded-for': `203.0.113.${n}` });
    for (let i = 1; i <= 3; i++) {
      expect((await login(server, username, '000000', from(i))).status).toBe(401);
    }
    now += 30_000;
    // The right code from a fresh address is refused too until the minute has passed.
    const limited = await login(server, username, await codeAt(secret), from(9));
    expect(limited.status).toBe(429);
    expect(limited.body.error?.code).toBe('rate_limited');
    // Another account is not held back by it.
    const other = await enrolled(server);
    now += 30_000;
    expect((await login(server, other.username, await codeAt(other.secret), from(10))).status).toBe(
      200,
    );
  });

  it('TOTP_REQUIRED_FOR_ADMINS: admin powers wait for two-step sign-in, which then stays on', async () => {
    const server = await start({ TOTP_REQUIRED_FOR_ADMINS: true });
    const admin = await register(server);
    expect(admin.user.role).toBe('admin');
    expect(admin.user.twoStep.required).toBe(true);
    const before = await http<Answer<object>>(server, 'GET', '/api/admin/users', {
      token: admin.accessToken,
    });
    expect(before.status).toBe(403);
    expect(before.body.error?.message).toMatch(/two-step/);
    const member = await register(server);
    expect(member.user.twoStep.required).toBe(false);

    const setup = await setUp(server, admin.accessToken);
    expect((await confirm(server, admin.accessToken, await codeAt(setup.body.secret))).status).toBe(
      200,
    );
    const after = await http(server, 'GET', '/api/admin/users', { token: admin.accessToken });
    expect(after.status).toBe(200);
    now += 30_000;
    const off = await http<Answer<object>>(server, 'POST', '/api/me/two-step/disable', {
      token: admin.accessToken,
      body: { password: PASSWORD, code: await codeAt(setup.body.secret) },
    });
    expect(off.status).toBe(403);
    expect((await me(server, admin.accessToken)).twoStep.enabled).toBe(true);
  });
});
