import { rmSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, register, startServer, type TestServer } from '@chitchat/server/testing';
import {
  SsoBrowser,
  freePort,
  pkcePair,
  startProvider,
  type TestProvider,
} from '@chitchat/server/testing/oidc';
import { REFRESH_COOKIE_NAME } from '@chitchat/shared';
import { PASSWORD, uniqueUser } from '../engines';
import { SSO_FLOW_KEY, SSO_REFUSALS } from '../../src/web/sso-redirect';
import { audit } from './axe';
import { chromiumAvailable, launchChromium, screenshot } from './browser';
import { buildWebApp, startChatInPage } from './web-rig';

/*
 * Single sign-on in the served web app (issue #17, DESIGN §12), in Chromium against a real
 * OpenID provider (`oidc-provider`) on loopback: the tab goes to the provider and comes back to
 * `${PUBLIC_URL}/#sso&code=…&state=…`, the page checks the state it kept in sessionStorage and
 * the engine Worker exchanges the code (the refresh token lands in the HttpOnly cookie).
 * REGISTRATION=invite, so an invite carried through the provider and the server's refusal
 * without one are both seen.
 */

const run = chromiumAvailable() ? describe : describe.skip;
const PROVIDER = 'Example ID';

run('single sign-on in the served web app (Chromium)', () => {
  let server: TestServer;
  let provider: TestProvider;
  let browser: Browser;
  let webDir: string;
  let adminToken: string;
  const adminName = uniqueUser('admin');
  const problems: string[] = [];

  beforeAll(async () => {
    webDir = await buildWebApp();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${String(port)}`;
    provider = await startProvider({ redirectUris: [`${publicUrl}/api/auth/oidc/callback`] });
    [server, browser] = await Promise.all([
      startServer({
        port,
        config: {
          WEB_APP_DIR: webDir,
          REGISTRATION: 'invite',
          PUBLIC_URL: publicUrl,
          OIDC_ISSUER: provider.issuer,
          OIDC_CLIENT_ID: provider.clients.id,
          OIDC_CLIENT_SECRET: provider.clients.secret,
          OIDC_NAME: PROVIDER,
        },
      }),
      launchChromium(),
    ]);
    // The first account (no invite needed) is the admin who makes invites.
    adminToken = (await register(server, adminName, PASSWORD)).accessToken;
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await provider?.stop();
    rmSync(webDir, { recursive: true, force: true });
  });

  /** A person's browser: its own cookies at the provider and at the server. */
  async function newTab(): Promise<{ context: BrowserContext; page: Page; visited: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const page = await context.newPage();
    const visited: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) visited.push(frame.url());
    });
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    return { context, page, visited };
  }

  /** The provider's development login and consent pages, as a person fills them. */
  async function signInAtProvider(page: Page, subject: string): Promise<void> {
    await page.locator('input[name="login"]').fill(subject);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  const ssoButton = (page: Page) => page.getByRole('button', { name: `Continue with ${PROVIDER}` });
  const conversations = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
  const alertText = (page: Page) => page.getByRole('alert').textContent();

  async function newInvite(): Promise<string> {
    const made = await http<{ code: string }>(server, 'POST', '/api/invites', {
      token: adminToken,
      body: { maxUses: 1 },
    });
    expect(made.status).toBe(201);
    return made.body.code;
  }

  /**
   * Someone else's sign-in, run to its end in another browser: a real return with a code and a
   * state this tab never made (what a login CSRF would slip into a tab).
   */
  async function someoneElsesReturn(subject: string): Promise<string> {
    const query = new URLSearchParams({
      client: 'web',
      state: 'someone-elses-state-0123',
      codeChallenge: pkcePair().challenge,
      inviteCode: await newInvite(),
    });
    const outcome = await new SsoBrowser().signIn(
      `${server.url}/api/auth/oidc/start?${query.toString()}`,
      subject,
      (location) => location.startsWith(`${server.url}/#sso`),
    );
    expect(outcome.stoppedAt).toContain('#sso&code=');
    return outcome.stoppedAt ?? '';
  }

  /** The tab's next start does not reach the provider: it comes straight back to `to`. */
  const sendStartTo = (page: Page, to: string) =>
    page.route(`${server.url}/api/auth/oidc/start*`, (route) =>
      route.fulfill({ status: 302, headers: { location: to } }),
    );

  /** Signs up through the provider with a fresh invite, up to the chat list. */
  async function signUpWithSso(page: Page, subject: string): Promise<void> {
    const invite = await newInvite();
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    await page.getByLabel('Invite code or link').fill(invite);
    await ssoButton(page).click();
    await signInAtProvider(page, subject);
    await conversations(page).waitFor({ timeout: 30_000 });
  }

  it('without an invite the server’s refusal is shown; with one the person signs in, the code leaves the address, a reload stays signed in', async () => {
    provider.profiles.set('wen-sub', { preferred_username: 'wen', name: 'Wen Ito' });
    const { context, page, visited } = await newTab();
    await page.goto(`${server.url}/`);
    await ssoButton(page).waitFor();
    expect(await audit(page, 'web-sign-in-sso')).toEqual([]);
    await screenshot(page, 'web-sso-01-sign-in-screen');

    // No invite: the provider says yes, the server (REGISTRATION=invite) says no, in its words.
    await ssoButton(page).click();
    await page.locator('input[name="login"]').waitFor();
    await screenshot(page, 'web-sso-02-provider-login');
    await signInAtProvider(page, 'wen-sub');
    await expect.poll(() => alertText(page), { timeout: 20_000 }).toContain('needs an invite');
    expect(new URL(page.url()).hash).toBe('');
    expect(visited.some((url) => url.includes('#sso&error=forbidden'))).toBe(true);
    await screenshot(page, 'web-sso-03-refused-without-invite');

    // With an invite pasted on "Create an account": it rides through the provider to the server.
    const invite = await newInvite();
    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    await page.getByLabel('Invite code or link').fill(invite);
    visited.length = 0;
    await ssoButton(page).click();
    // The provider remembers this browser: straight back to the app, signed in.
    await conversations(page).waitFor({ timeout: 30_000 });
    const back = visited.find((url) => url.includes('#sso&code='));
    expect(back, visited.join('\n')).toBeDefined();
    expect(new URL(back ?? '').origin).toBe(server.url);
    // The code left the address bar at once, and the flow's verifier left sessionStorage.
    expect(page.url()).toBe(`${server.url}/`);
    expect(await page.evaluate((key) => sessionStorage.getItem(key), SSO_FLOW_KEY)).toBeNull();
    // The session: a refresh cookie the page's scripts cannot read, nothing in storage.
    const cookies = await context.cookies();
    const refresh = cookies.find((c) => c.name === REFRESH_COOKIE_NAME);
    expect(refresh?.httpOnly).toBe(true);
    expect(await page.evaluate(() => document.cookie)).not.toContain(REFRESH_COOKIE_NAME);
    const stored = await page.evaluate(() =>
      JSON.stringify({ ...localStorage, ...sessionStorage }),
    );
    expect(stored).not.toContain(refresh?.value ?? 'no cookie');
    const wen = (await server.store.listUsers()).find((u) => u.username === 'wen');
    expect(wen?.displayName).toBe('Wen Ito');
    await screenshot(page, 'web-sso-04-signed-in');

    // A reload: still signed in, through the cookie.
    await page.reload();
    await conversations(page).waitFor();
    expect(await ssoButton(page).count()).toBe(0);
    // A used return opened again (history, a shared link) is refused, and signs no one in.
    await page.goto('about:blank');
    await page.goto(back ?? '');
    await conversations(page).waitFor();
    expect(page.url()).toBe(`${server.url}/`);
    await context.close();
    expect(problems).toEqual([]);
  });

  it('Back from the provider to a page the browser kept (back/forward cache) offers the button again', async () => {
    const { context, page } = await newTab();
    await page.goto(`${server.url}/`);
    // The start answers 204: the tab stays as it was left, "Signing in…", as a page restored
    // from the back/forward cache is (Playwright's Chromium keeps no such cache to restore from).
    await page.route(`${server.url}/api/auth/oidc/start*`, (route) =>
      route.fulfill({ status: 204 }),
    );
    await ssoButton(page).click();
    const submit = page.locator('.auth-card button.primary');
    await expect.poll(() => submit.textContent()).toBe('Signing in…');
    await page.evaluate(() =>
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })),
    );
    await expect.poll(() => submit.textContent()).toBe('Sign in');
    expect(await ssoButton(page).getAttribute('aria-disabled')).toBe('false');
    await context.close();
  });

  it('a return whose state this tab did not make, or with no flow kept in this tab, is refused', async () => {
    provider.profiles.set('mal-sub', { preferred_username: 'mal', name: 'Mal Ory' });
    const foreign = await someoneElsesReturn('mal-sub');
    const { context, page } = await newTab();
    await page.goto(`${server.url}/`);
    await sendStartTo(page, foreign);
    await ssoButton(page).click();
    await expect.poll(() => alertText(page), { timeout: 20_000 }).toBe(SSO_REFUSALS.stateMismatch);
    expect(page.url()).toBe(`${server.url}/`);
    expect(await page.evaluate((key) => sessionStorage.getItem(key), SSO_FLOW_KEY)).toBeNull();
    expect(await conversations(page).count()).toBe(0);
    await screenshot(page, 'web-sso-05-tampered-state');

    // The same return in another tab, which kept no flow (no verifier): refused as well.
    const other = await context.newPage();
    await other.goto(foreign);
    await expect.poll(() => alertText(other)).toBe(SSO_REFUSALS.notStarted);
    expect(other.url()).toBe(`${server.url}/`);
    expect(await conversations(other).count()).toBe(0);
    await context.close();
  });

  it('deleting an account made by single sign-on goes to the provider and back to the settings, and continues', async () => {
    provider.profiles.set('ria-sub', { preferred_username: 'ria', name: 'Ria Sen' });
    const { context, page } = await newTab();
    await signUpWithSso(page, 'ria-sub');
    const ria = (await server.store.listUsers()).find((u) => u.username === 'ria');
    expect(ria).toBeDefined();
    const openDeletion = async () => {
      await page.getByRole('button', { name: 'Settings' }).click();
      const settings = page.getByRole('dialog', { name: 'Settings' });
      await settings.getByRole('button', { name: 'Delete account…' }).click();
      return settings.getByRole('form', { name: 'Delete account' });
    };

    // The service worker controls the page by now: the start route must still reach the server.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    // A chat is open: the way back opens it again, under the settings.
    await startChatInPage(page, adminName, adminName);
    const chat = page.getByRole('region', { name: `Chat with ${adminName}` });

    // A return that is not this tab's: the app comes back to the same form and does not go on.
    await sendStartTo(page, await someoneElsesReturn('mal-sub'));
    let form = await openDeletion();
    await form.getByText('To confirm, sign in again with single sign-on').waitFor();
    await form.getByRole('button', { name: 'Delete my account' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    const refusal = settings.getByRole('alert').filter({ hasText: SSO_REFUSALS.stateMismatch });
    await refusal.waitFor({ timeout: 30_000 });
    await refusal.scrollIntoViewIfNeeded();
    await chat.waitFor();
    expect(new URL(page.url()).hash).toBe('');
    expect((await server.store.getUser(ria?.id ?? ''))?.deletedAt).toBeNull();
    await screenshot(page, 'web-sso-06-reauthenticate-refused');

    // Again, untouched: the provider knows this browser, the tab comes back and the account goes.
    await page.unroute(`${server.url}/api/auth/oidc/start*`);
    form = settings.getByRole('form', { name: 'Delete account' });
    await form.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByText('Your account was deleted.').waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).hash).toBe('');
    expect((await server.store.getUser(ria?.id ?? ''))?.deletedAt).toEqual(expect.any(Number));
    await screenshot(page, 'web-sso-07-account-deleted');
    await context.close();
  });
});
