import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthOptions, AuthSession, Invite, Me } from '@chitchat/shared';
import { loadConfig, type Config } from '../src/config';
import { http, register, startServer, type TestServer } from './harness';
import { freePort } from './net';
import { startProvider, type TestProvider } from './oidc-provider';
import { SsoBrowser, pkcePair } from './sso-browser';

type Answer<T> = T & { error?: { code: string; message: string } };

/**
 * Single sign-on (issue #18) against a real OpenID provider (`oidc-provider`) on loopback: every
 * flow runs over HTTP, through the provider's own login and consent pages.
 */
describe('single sign-on (OpenID Connect)', () => {
  let provider: TestProvider;
  // Every server listens on one of these ports, so the provider knows their callbacks up front.
  const ports: number[] = [];
  const servers: TestServer[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 24; i++) ports.push(await freePort());
    const callbacks = ports.map((p) => `http://127.0.0.1:${String(p)}/api/auth/oidc/callback`);
    provider = await startProvider({
      redirectUris: callbacks,
      extraClients: [
        { id: 'other-app', secret: 'other-app-secret-0123456789abcdef', redirectUris: callbacks },
      ],
    });
  });
  afterAll(async () => {
    await provider.stop();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  let portsUsed = 0;
  const start = async (config: Partial<Config> = {}, deps: { now?: () => number } = {}) => {
    // A port of its own for each server: one used again could meet a kept-alive connection of
    // the server stopped before it.
    const port = ports[portsUsed++];
    if (port === undefined) throw new Error('out of registered ports');
    const server = await startServer({
      port,
      config: {
        PUBLIC_URL: `http://127.0.0.1:${String(port)}`,
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: provider.clients.id,
        OIDC_CLIENT_SECRET: provider.clients.secret,
        OIDC_NAME: 'Example ID',
        ...config,
      },
      deps,
    });
    servers.push(server);
    return server;
  };

  const LOOPBACK = 49_152;
  const toApp = (location: string) => location.startsWith(`http://127.0.0.1:${String(LOOPBACK)}/`);

  /** The desktop app's part: start with a PKCE pair and a state, sign in, read the redirect. */
  async function desktopSignIn(
    server: TestServer,
    login: string,
    options: { browser?: SsoBrowser; inviteCode?: string; purpose?: 'reauthenticate' } = {},
  ) {
    const browser = options.browser ?? new SsoBrowser();
    const pkce = pkcePair();
    const state = randomBytes(16).toString('base64url');
    const query = new URLSearchParams({
      client: 'desktop',
      port: String(LOOPBACK),
      state,
      codeChallenge: pkce.challenge,
      ...(options.inviteCode === undefined ? {} : { inviteCode: options.inviteCode }),
      ...(options.purpose === undefined ? {} : { purpose: options.purpose }),
    });
    const outcome = await browser.signIn(
      `${server.url}/api/auth/oidc/start?${query.toString()}`,
      login,
      toApp,
    );
    if (outcome.stoppedAt === null) {
      throw new Error(`no redirect to the app: ${String(outcome.status)} ${outcome.body}`);
    }
    const redirect = new URL(outcome.stoppedAt);
    expect(redirect.pathname).toBe('/sso');
    expect(redirect.searchParams.get('state')).toBe(state);
    return { redirect, pkce, browser };
  }

  const exchange = (server: TestServer, code: string, verifier: string) =>
    http<Answer<AuthSession>>(server, 'POST', '/api/auth/oidc/exchange', {
      body: { code, codeVerifier: verifier, device: { name: 'Laptop', platform: 'linux' } },
    });

  /** A full sign-in that must succeed: the session. */
  async function signedIn(server: TestServer, login: string, inviteCode?: string) {
    const { redirect, pkce } = await desktopSignIn(
      server,
      login,
      inviteCode === undefined ? {} : { inviteCode },
    );
    const code = redirect.searchParams.get('code');
    expect(code, redirect.href).not.toBeNull();
    const answer = await exchange(server, code ?? '', pkce.verifier);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  }

  const subject = () => `sub-${randomBytes(6).toString('hex')}`;

  it('the sign-in screen learns that single sign-on is offered, and by whom', async () => {
    const server = await start();
    const options = await http<AuthOptions>(server, 'GET', '/api/auth/options');
    expect(options.body).toEqual({ registration: 'open', sso: { name: 'Example ID' } });
    const off = await start({ OIDC_ISSUER: undefined });
    expect((await http<AuthOptions>(off, 'GET', '/api/auth/options')).body.sso).toBeNull();
    const refused = await http<Answer<object>>(
      off,
      'GET',
      `/api/auth/oidc/start?client=desktop&port=5000&state=${'s'.repeat(16)}&codeChallenge=${'c'.repeat(43)}`,
      { headers: { accept: 'application/json' } },
    );
    expect(refused.status).toBe(404);
    expect(refused.body.error?.code).toBe('not_found');
  });

  it('the first sign-in creates the account, later ones find it by subject, renames at the provider make no second account', async () => {
    const server = await start();
    const sub = subject();
    provider.profiles.set(sub, {
      preferred_username: 'Zoë Müller',
      email: 'zoe@example.org',
      name: 'Zoë Müller',
    });
    const first = await signedIn(server, sub);
    expect(first.user.username).toBe('zoe_muller');
    expect(first.user.displayName).toBe('Zoë Müller');
    expect(first.refreshToken).toEqual(expect.any(String));

    const again = await signedIn(server, sub);
    expect(again.user.id).toBe(first.user.id);
    expect(again.device.id).not.toBe(first.device.id);

    // The provider renames the person; another person takes the old name there.
    provider.profiles.set(sub, { preferred_username: 'zoe.new', name: 'Zoë' });
    const renamed = await signedIn(server, sub);
    expect(renamed.user.id).toBe(first.user.id);
    expect(renamed.user.username).toBe('zoe_muller');
    const other = subject();
    provider.profiles.set(other, { preferred_username: 'Zoë Müller' });
    const stranger = await signedIn(server, other);
    // Never found by a name: the reused name gets a new account with a unique username.
    expect(stranger.user.id).not.toBe(first.user.id);
    expect(stranger.user.username).toBe('zoe_muller2');

    // The access token works like any other.
    const me = await http<Me>(server, 'GET', '/api/me', { token: first.accessToken });
    expect(me.body.id).toBe(first.user.id);
  });

  it('a local account with the same name is never signed into by the provider', async () => {
    const server = await start();
    const local = await register(server, 'mallory');
    const sub = subject();
    provider.profiles.set(sub, { preferred_username: 'mallory' });
    const sso = await signedIn(server, sub);
    expect(sso.user.id).not.toBe(local.user.id);
    expect(sso.user.username).toBe('mallory2');
  });

  it('an account made by single sign-on has no password; the device records the sign-in', async () => {
    const server = await start();
    const sub = subject();
    provider.profiles.set(sub, { preferred_username: 'nopass' });
    const session = await signedIn(server, sub);
    expect(session.user.hasPassword).toBe(false);
    const login = await http<Answer<object>>(server, 'POST', '/api/auth/login', {
      body: { username: 'nopass', password: 'any password at all' },
    });
    expect(login.status).toBe(401);
    expect(login.body.error?.message).toMatch(/Continue with Example ID/);
    const change = await http<Answer<object>>(server, 'POST', '/api/me/password', {
      token: session.accessToken,
      body: { currentPassword: 'anything', newPassword: 'a new long password' },
    });
    expect(change.status).toBe(403);
    expect(change.body.error?.message).toMatch(/signs in with Example ID and has no password/);

    expect(await server.app.sso.recentSsoSignIn(session.device.id, 60_000)).toBe(true);
    const byPassword = await register(server);
    expect(byPassword.user.hasPassword).toBe(true);
    expect(await server.app.sso.recentSsoSignIn(byPassword.device.id, 60_000)).toBe(false);
  });

  it('two-step sign-in (for password sign-ins) is not offered to accounts made by single sign-on', async () => {
    const server = await start({ TOTP_REQUIRED_FOR_ADMINS: true });
    const sub = subject();
    provider.profiles.set(sub, { preferred_username: 'sso_admin' });
    const admin = await signedIn(server, sub);
    expect(admin.user.role).toBe('admin');
    // Its admin powers are not held back waiting for a two-step set-up it cannot make.
    expect(admin.user.twoStep.required).toBe(false);
    const users = await http(server, 'GET', '/api/admin/users', { token: admin.accessToken });
    expect(users.status).toBe(200);
    const setUp = await http<Answer<object>>(server, 'POST', '/api/me/two-step', {
      token: admin.accessToken,
    });
    expect(setUp.status).toBe(403);
    expect(setUp.body.error?.message).toMatch(/signs in with single sign-on/);
    expect(await server.store.twoStepOf(admin.user.id)).toBeNull();
  });

  it('an account made by single sign-on is deleted after a recent sign-in through the provider only (delete account, #15)', async () => {
    let offset = 0;
    const server = await start({}, { now: () => Date.now() + offset });
    await register(server); // the server's admin, so the new account is not its last one
    const login = subject();
    const session = await signedIn(server, login);
    const remove = () =>
      http<Answer<object>>(server, 'DELETE', '/api/me', { token: session.accessToken, body: {} });

    offset = 11 * 60 * 1000;
    const stale = await remove();
    expect(stale.status).toBe(403);
    expect(stale.body.error?.message).toMatch(/Sign in again with Example ID/);
    offset = 0;
    expect((await remove()).status).toBe(204);
    // The identity went with the account: signing in through the provider again makes a new one.
    const again = await signedIn(server, login);
    expect(again.user.id).not.toBe(session.user.id);
  });

  it('invite mode: a first sign-in needs an invite, which it uses', async () => {
    const server = await start({ REGISTRATION: 'invite' });
    const admin = await register(server, 'the_admin');
    const sub = subject();
    provider.profiles.set(sub, { preferred_username: 'invited' });

    const { redirect } = await desktopSignIn(server, sub);
    expect(redirect.searchParams.get('code')).toBeNull();
    expect(redirect.searchParams.get('error')).toBe('forbidden');
    expect(redirect.searchParams.get('message')).toMatch(/needs an invite/);
    expect((await server.store.listUsers()).map((u) => u.username)).toEqual(['the_admin']);

    const bad = await desktopSignIn(server, sub, { inviteCode: 'nosuchinvite' });
    expect(bad.redirect.searchParams.get('message')).toMatch(/invite code is not valid/);

    const invite = await http<Invite>(server, 'POST', '/api/invites', {
      token: admin.accessToken,
      body: { maxUses: 1 },
    });
    const session = await signedIn(server, sub, invite.body.code);
    expect(session.user.username).toBe('invited');
    expect((await server.store.getInvite(invite.body.code))?.uses).toBe(1);
    // Found by subject from now on: no invite needed again.
    expect((await signedIn(server, sub)).user.id).toBe(session.user.id);
  });

  it('closed mode refuses new accounts, clearly; disabled accounts are refused', async () => {
    const closed = await start({ REGISTRATION: 'closed' });
    const sub = subject();
    provider.profiles.set(sub, { preferred_username: 'shut_out' });
    const { redirect } = await desktopSignIn(closed, sub);
    expect(redirect.searchParams.get('error')).toBe('forbidden');
    expect(redirect.searchParams.get('message')).toMatch(/does not take new accounts/);
    expect(await closed.store.listUsers()).toEqual([]);

    const open = await start();
    await register(open, 'first_admin');
    const session = await signedIn(open, sub);
    expect(await open.store.setUserDisabled(session.user.id, Date.now())).toBe('changed');
    const refused = await desktopSignIn(open, sub);
    expect(refused.redirect.searchParams.get('code')).toBeNull();
    expect(refused.redirect.searchParams.get('message')).toMatch(/disabled/);
  });

  it('the one-time code works once, only with the verifier of the app that started', async () => {
    const server = await start();
    const sub = subject();
    provider.profiles.set(sub, { preferred_username: 'once' });
    const { redirect, pkce } = await desktopSignIn(server, sub);
    const code = redirect.searchParams.get('code') ?? '';

    // Another client (say another app on this machine that saw the redirect) has its own verifier.
    const stolen = await exchange(server, code, pkcePair().verifier);
    expect(stolen.status).toBe(401);
    expect(stolen.body.error?.code).toBe('unauthorized');
    // The attempt spent it: the code is single use whoever presents it.
    expect((await exchange(server, code, pkce.verifier)).status).toBe(401);

    const second = await desktopSignIn(server, sub);
    const good = second.redirect.searchParams.get('code') ?? '';
    expect((await exchange(server, good, second.pkce.verifier)).status).toBe(200);
    const replay = await exchange(server, good, second.pkce.verifier);
    expect(replay.status).toBe(401);
    expect(replay.body.error?.message).toMatch(/used already/);

    const malformed = await http<Answer<object>>(server, 'POST', '/api/auth/oidc/exchange', {
      body: { code: 'x', codeVerifier: 'y' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error?.code).toBe('invalid_payload');
  });

  it('a signed-in device proves its person again through the provider, for its own account only', async () => {
    const server = await start();
    const sub = subject();
    provider.profiles.set(sub, { preferred_username: 'again' });
    const session = await signedIn(server, sub);
    const before = await server.store.lastSsoSignIn(session.device.id);
    expect(before).not.toBeNull();

    const reauthenticate = (code: string, verifier: string, token?: string) =>
      http<Answer<{ ssoAuthenticatedAt: number }>>(
        server,
        'POST',
        '/api/auth/oidc/reauthenticate',
        {
          ...(token === undefined ? {} : { token }),
          body: { code, codeVerifier: verifier },
        },
      );
    const proof = await desktopSignIn(server, sub, { purpose: 'reauthenticate' });
    const code = proof.redirect.searchParams.get('code') ?? '';
    expect((await reauthenticate(code, proof.pkce.verifier)).status).toBe(401);
    const answer = await reauthenticate(code, proof.pkce.verifier, session.accessToken);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.ssoAuthenticatedAt).toBeGreaterThan(before ?? 0);
    expect(await server.store.lastSsoSignIn(session.device.id)).toBe(
      answer.body.ssoAuthenticatedAt,
    );
    // No new device was made for it.
    const devices = await http<{ devices: unknown[] }>(server, 'GET', '/api/devices', {
      token: session.accessToken,
    });
    expect(devices.body.devices).toHaveLength(1);

    // Someone else's proof does not count for this device.
    const other = subject();
    provider.profiles.set(other, { preferred_username: 'someone_else' });
    await signedIn(server, other);
    const foreign = await desktopSignIn(server, other, { purpose: 'reauthenticate' });
    const refused = await reauthenticate(
      foreign.redirect.searchParams.get('code') ?? '',
      foreign.pkce.verifier,
      session.accessToken,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toMatch(/as someone else/);
    expect(await server.store.lastSsoSignIn(session.device.id)).toBe(
      answer.body.ssoAuthenticatedAt,
    );

    // Proving oneself makes no account for a stranger.
    const stranger = subject();
    const none = await desktopSignIn(server, stranger, { purpose: 'reauthenticate' });
    expect(none.redirect.searchParams.get('error')).toBe('forbidden');
    expect(
      await server.store.userIdBySsoIdentity({ issuer: provider.issuer, subject: stranger }),
    ).toBeNull();
  });

  it('a provider that cannot be reached is said so, and tried again on the next start', async () => {
    const server = await start({ OIDC_ISSUER: `http://127.0.0.1:${String(await freePort())}` });
    const answer = await new SsoBrowser().request(
      `${server.url}/api/auth/oidc/start?client=web&state=${'s'.repeat(16)}&codeChallenge=${pkcePair().challenge}`,
    );
    expect(answer.status).toBe(500);
    expect(answer.body).toMatch(/cannot be reached right now/);
  });

  it('a callback with a wrong state, without the browser that started it, or with another client’s code is refused', async () => {
    const server = await start();
    const sub = subject();
    provider.profiles.set(sub, { preferred_username: 'careful' });
    const pkce = pkcePair();
    const startUrl = `${server.url}/api/auth/oidc/start?client=desktop&port=${String(LOOPBACK)}&state=${'a'.repeat(20)}&codeChallenge=${pkce.challenge}`;
    const atCallback = (l: string) => l.startsWith(`${server.url}/api/auth/oidc/callback`);

    // A wrong state.
    const browser = new SsoBrowser();
    const reached = await browser.signIn(startUrl, sub, atCallback);
    const callback = new URL(reached.stoppedAt ?? '');
    const tampered = new URL(callback);
    tampered.searchParams.set('state', 'not-the-state');
    const refused = await browser.request(tampered.href);
    expect(refused.status).toBe(403);
    expect(refused.location).toBeNull();
    expect(refused.body).toMatch(/did not confirm this sign-in/);

    // The right callback URL, opened in another browser (login CSRF): no flow there.
    const elsewhere = await new SsoBrowser().request(callback.href);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body).toMatch(/not started in this browser/);

    // A code the provider issued to another relying party.
    const other = new SsoBrowser();
    const began = await other.request(startUrl);
    const authorize = new URL(began.location ?? '');
    authorize.searchParams.set('client_id', 'other-app');
    const foreign = await other.signIn(authorize.href, sub, atCallback);
    const answer = await other.request(foreign.stoppedAt ?? '');
    expect(answer.status).toBe(403);
    expect(answer.location).toBeNull();
    expect(await server.store.listUsers()).toEqual([]);
  });

  it('any replica finishes a sign-in another started (a shared JWT_SECRET), and only then', async () => {
    const secret = 'a-shared-secret-of-at-least-32-characters!';
    const first = await start({ JWT_SECRET: secret });
    // Behind one address (PUBLIC_URL) two replicas; the provider comes back to either.
    const same = await start({ JWT_SECRET: secret, PUBLIC_URL: first.url });
    const other = await start({ JWT_SECRET: `${secret}-but-another`, PUBLIC_URL: first.url });
    const sub = subject();
    provider.profiles.set(sub, { preferred_username: 'roamer' });

    const finishOn = async (replica: TestServer) => {
      const pkce = pkcePair();
      const browser = new SsoBrowser();
      const reached = await browser.signIn(
        `${first.url}/api/auth/oidc/start?client=desktop&port=${String(LOOPBACK)}&state=${'r'.repeat(16)}&codeChallenge=${pkce.challenge}`,
        sub,
        (l) => l.startsWith(`${first.url}/api/auth/oidc/callback`),
      );
      const callback = new URL(reached.stoppedAt ?? '');
      callback.port = String(replica.port);
      return { answer: await browser.request(callback.href), pkce };
    };

    const { answer, pkce } = await finishOn(same);
    expect(answer.status).toBe(302);
    const code = new URL(answer.location ?? '').searchParams.get('code') ?? '';
    expect((await exchange(same, code, pkce.verifier)).status).toBe(200);

    const refused = await finishOn(other);
    expect(refused.answer.status).toBe(403);
    expect(refused.answer.body).toMatch(/not started in this browser/);
  });

  it('cancelling at the provider tells the app so, and makes nothing', async () => {
    const server = await start();
    const pkce = pkcePair();
    const browser = new SsoBrowser();
    let url = `${server.url}/api/auth/oidc/start?client=desktop&port=${String(LOOPBACK)}&state=${'c'.repeat(16)}&codeChallenge=${pkce.challenge}`;
    // Up to the provider's login page, where the person clicks its "cancel" (abort) link.
    for (let hop = 0; hop < 10 && !/\/interaction\/[^/]+$/.test(new URL(url).pathname); hop++) {
      url = (await browser.request(url)).location ?? url;
    }
    expect(new URL(url).pathname).toMatch(/^\/interaction\//);
    const back = await browser.signIn(`${url}/abort`, 'nobody', toApp);
    const redirect = new URL(back.stoppedAt ?? '');
    expect(redirect.searchParams.get('code')).toBeNull();
    expect(redirect.searchParams.get('error')).toBe('forbidden');
    expect(redirect.searchParams.get('message')).toMatch(/was cancelled/);
    expect(await server.store.listUsers()).toEqual([]);
  });

  it('the web app is redirected to PUBLIC_URL with the code in the fragment', async () => {
    const server = await start();
    const sub = subject();
    provider.profiles.set(sub, { preferred_username: 'webby' });
    const pkce = pkcePair();
    const state = 'w'.repeat(24);
    const outcome = await new SsoBrowser().signIn(
      `${server.url}/api/auth/oidc/start?client=web&state=${state}&codeChallenge=${pkce.challenge}`,
      sub,
      (l) => l.startsWith(`${server.url}/#`),
    );
    const fragment = new URLSearchParams(new URL(outcome.stoppedAt ?? '').hash.slice(1));
    expect(fragment.has('sso')).toBe(true);
    expect(fragment.get('state')).toBe(state);
    expect((await exchange(server, fragment.get('code') ?? '', pkce.verifier)).status).toBe(200);
  });

  it('only a loopback address and a port number are accepted for the desktop redirect', async () => {
    const server = await start();
    const base = `client=desktop&state=${'s'.repeat(16)}&codeChallenge=${pkcePair().challenge}`;
    const bad = [
      'port=80@evil.example',
      'port=0',
      'port=65536',
      'port=8080/evil',
      'port=0x50',
      'port=8080&loopback=localhost',
      'port=8080&loopback=evil.example',
      '',
    ];
    for (const query of bad) {
      const answer = await http<string>(server, 'GET', `/api/auth/oidc/start?${base}&${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body, query).toMatch(/invalid_payload/);
    }
    const web = await http<Answer<object>>(
      server,
      'GET',
      `/api/auth/oidc/start?client=web&port=8080&state=${'s'.repeat(16)}&codeChallenge=${pkcePair().challenge}`,
      { headers: { accept: 'application/json' } },
    );
    expect(web.status).toBe(400);
    expect(web.body.error?.code).toBe('invalid_payload');

    const ipv6 = await new SsoBrowser().request(
      `${server.url}/api/auth/oidc/start?${base}&port=8080&loopback=[::1]`,
    );
    expect(ipv6.status).toBe(302);
    expect(ipv6.location).toMatch(new RegExp(`^${provider.issuer}/`));
  });

  it('starting is rate limited by the auth bucket', async () => {
    const server = await start({ RATE_LIMIT_AUTH: 2 });
    const url = `${server.url}/api/auth/oidc/start?client=web&state=${'s'.repeat(16)}&codeChallenge=${pkcePair().challenge}`;
    const browser = new SsoBrowser();
    expect((await browser.request(url)).status).toBe(302);
    expect((await browser.request(url)).status).toBe(302);
    const third = await browser.request(url, { accept: 'application/json' });
    expect(third.status).toBe(429);
    expect(third.body).toMatch(/rate_limited/);
  });

  it('the configuration needs the client and PUBLIC_URL with an issuer, and https away from loopback', () => {
    expect(() => loadConfig({ OIDC_ISSUER: 'https://id.example.org' })).toThrow(
      /OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, PUBLIC_URL must be set/,
    );
    expect(() =>
      loadConfig({
        OIDC_ISSUER: 'http://id.example.org',
        OIDC_CLIENT_ID: 'a',
        OIDC_CLIENT_SECRET: 'b',
        PUBLIC_URL: 'https://chat.example.org',
      }),
    ).toThrow(/OIDC_ISSUER.*https/);
    const config = loadConfig({
      OIDC_ISSUER: 'https://id.example.org/realms/family',
      OIDC_CLIENT_ID: 'chitchat',
      OIDC_CLIENT_SECRET: 'secret',
      PUBLIC_URL: 'https://chat.example.org/',
    });
    expect(config.OIDC_ISSUER).toBe('https://id.example.org/realms/family');
  });
});
