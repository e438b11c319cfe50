import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '@chitchat/server/testing';
import {
  SsoBrowser,
  freePort,
  startProvider,
  type TestProvider,
} from '@chitchat/server/testing/oidc';
import { codeFromBrowser } from '../src/core/sso-loopback.node.ts';
import { engine, removeProfiles } from './engines';

/**
 * The engine's single sign-on (issue #18) in Node against a real server and a real OpenID provider:
 * its loopback listener, the "system browser" (a scripted one here; Chromium in e2e/sso.test.ts),
 * cancel, time-out and redirects that are not its own.
 */
describe('single sign-on from the engine', () => {
  let server: TestServer;
  let provider: TestProvider;

  beforeAll(async () => {
    const port = await freePort();
    provider = await startProvider({
      redirectUris: [`http://127.0.0.1:${String(port)}/api/auth/oidc/callback`],
    });
    server = await startServer({
      port,
      config: {
        PUBLIC_URL: `http://127.0.0.1:${String(port)}`,
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: provider.clients.id,
        OIDC_CLIENT_SECRET: provider.clients.secret,
        OIDC_NAME: 'Example ID',
      },
    });
  });
  afterAll(async () => {
    await server.stop();
    await provider.stop();
    removeProfiles();
  });

  const isLoopback = (url: string) => /^http:\/\/127\.0\.0\.1:\d+\/sso\?/.test(url);

  /** A person's browser: signs in at the provider as `login`, then follows the app's redirect. */
  const personAs =
    (login: string, beforeApp?: (loopbackUrl: string, browser: SsoBrowser) => Promise<void>) =>
    async (url: string) => {
      const browser = new SsoBrowser();
      const reached = await browser.signIn(url, login, isLoopback);
      if (reached.stoppedAt === null) throw new Error(`no redirect to the app: ${reached.body}`);
      await beforeApp?.(reached.stoppedAt, browser);
      const page = await browser.request(reached.stoppedAt);
      expect(page.body).toMatch(/You can close this window/);
    };

  it('the sign-in screen learns what the server offers', async () => {
    const { client } = await engine();
    expect(await client.getAuthOptions(server.url)).toEqual({
      registration: 'open',
      sso: { name: 'Example ID' },
    });
  });

  it('signs in through the browser; a redirect that is not this sign-in’s changes nothing', async () => {
    provider.profiles.set('noor-sub', { preferred_username: 'noor', name: 'Noor' });
    const { client } = await engine({
      openBrowser: personAs('noor-sub', async (loopbackUrl, browser) => {
        // Another page on this computer guesses the port: wrong state, refused, still waiting.
        const forged = new URL(loopbackUrl);
        forged.searchParams.set('state', 'x'.repeat(32));
        forged.searchParams.set('code', 'y'.repeat(43));
        const refused = await browser.request(forged.href);
        expect(refused.status).toBe(400);
      }),
    });
    const state = await client.signInWithSso({ serverUrl: server.url });
    expect(state.status).toBe('signed_in');
    expect(state.status === 'signed_in' ? state.user.username : null).toBe('noor');
    // Signed in like any other account: the engine reads from the server with its tokens.
    expect(await client.listConversations()).toEqual([]);
    // Later, proving it is still them (before deleting the account, say): no new device.
    const proof = await client.reauthenticateWithSso();
    const deviceId = state.status === 'signed_in' ? state.deviceId : '';
    expect(await server.store.lastSsoSignIn(deviceId)).toBe(proof.ssoAuthenticatedAt);
    expect(await server.app.sso.recentSsoSignIn(deviceId, 60_000)).toBe(true);
    await client.signOut();
  });

  it('a refusal by the server reaches the app with its message', async () => {
    provider.profiles.set('pat-sub', { preferred_username: 'pat' });
    const { client: first } = await engine({ openBrowser: personAs('pat-sub') });
    const made = await first.signInWithSso({ serverUrl: server.url });
    const userId = made.status === 'signed_in' ? made.user.id : '';
    await first.signOut();
    expect(await server.store.setUserDisabled(userId, Date.now())).toBe('changed');

    const { client } = await engine({
      openBrowser: async (url) => {
        const browser = new SsoBrowser();
        const reached = await browser.signIn(url, 'pat-sub', isLoopback);
        const page = await browser.request(reached.stoppedAt ?? '');
        expect(page.status).toBe(403);
        expect(page.body).toMatch(/disabled/);
      },
    });
    const refusal = await client.signInWithSso({ serverUrl: server.url }).then(
      () => null,
      (error: { code?: string; message?: string }) => error,
    );
    expect(refusal?.code).toBe('forbidden');
    expect(refusal?.message).toMatch(/disabled/);
    expect((await client.getSession()).status).toBe('signed_out');
  });

  it('cancel and time-out stop waiting and close the loopback port', async () => {
    let loopback = '';
    const { client } = await engine({
      openBrowser: async (url) => {
        loopback = `http://127.0.0.1:${new URL(url).searchParams.get('port') ?? ''}/sso`;
        void client.cancelSignIn();
      },
    });
    await expect(client.signInWithSso({ serverUrl: server.url })).rejects.toMatchObject({
      code: 'cancelled',
    });
    await expect(fetch(loopback)).rejects.toThrow();

    await expect(
      codeFromBrowser({
        serverUrl: server.url,
        openBrowser: async () => undefined,
        signal: AbortSignal.timeout(50),
      }),
    ).rejects.toMatchObject({ code: 'timeout' });

    const { client: noBrowser } = await engine();
    await expect(noBrowser.signInWithSso({ serverUrl: server.url })).rejects.toMatchObject({
      code: 'unsupported',
    });
  });
});
