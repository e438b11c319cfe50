import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '@chitchat/server/testing';
import { freePort, startProvider, type TestProvider } from '@chitchat/server/testing/oidc';
import type { Engine } from '../engines';
import {
  buildRenderer,
  chromiumAvailable,
  launchChromium,
  screenshot,
  serveRenderer,
  type AppWindow,
} from './browser';
import { openDevice, stopRig, type RendererServer } from './rig';
import { audit } from './axe';

const runBrowser = chromiumAvailable();

// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('single sign-on through the system browser (Chromium)', () => {
  let server: TestServer;
  let provider: TestProvider;
  let browser: Browser;
  let app: RendererServer;
  const windows: AppWindow[] = [];
  const engines: Engine[] = [];
  /** Pages the engine asked "the system browser" to open, in order. */
  const opened: Page[] = [];
  let wakeOpened: (() => void) | null = null;

  beforeAll(async () => {
    await buildRenderer();
    const port = await freePort();
    provider = await startProvider({
      redirectUris: [`http://127.0.0.1:${String(port)}/api/auth/oidc/callback`],
    });
    [server, browser, app] = await Promise.all([
      startServer({
        port,
        config: {
          REGISTRATION: 'open',
          PUBLIC_URL: `http://127.0.0.1:${String(port)}`,
          OIDC_ISSUER: provider.issuer,
          OIDC_CLIENT_ID: provider.clients.id,
          OIDC_CLIENT_SECRET: provider.clients.secret,
          OIDC_NAME: 'Example ID',
        },
      }),
      launchChromium(),
      serveRenderer(),
    ]);
  }, 120_000);
  afterAll(async () => {
    await stopRig({ server, browser, app, windows, engines });
    await provider.stop();
  });

  /** The system browser: one context for the whole run, as a person's browser keeps its cookies. */
  let systemBrowser: Awaited<ReturnType<Browser['newContext']>> | undefined;
  const openBrowser = async (url: string) => {
    systemBrowser ??= await browser.newContext({ viewport: { width: 900, height: 700 } });
    const page = await systemBrowser.newPage();
    opened.push(page);
    wakeOpened?.();
    void page.goto(url).catch(() => undefined);
  };
  const nextBrowserPage = async (count: number): Promise<Page> => {
    while (opened.length < count) {
      await new Promise<void>((resolve, reject) => {
        wakeOpened = resolve;
        setTimeout(() => reject(new Error('the app did not open the browser')), 15_000);
      });
    }
    const page = opened[count - 1];
    if (page === undefined) throw new Error('no page');
    return page;
  };

  it('signs in through the provider’s login page; a second sign-in finds the same account', async () => {
    provider.profiles.set('kim-sub-1', { preferred_username: 'kim', name: 'Kim Lee' });
    const rig = { server, browser, app, windows, engines };
    const { page, engine } = await openDevice(rig, 'Kim laptop', { openBrowser });
    const button = page.getByRole('button', { name: 'Continue with Example ID' });
    await button.waitFor();
    expect(await audit(page, 'sign-in-sso')).toEqual([]);
    await screenshot(page, 'sso-01-sign-in-screen');
    await button.click();
    await page
      .getByRole('button', { name: /Finish signing in with Example ID in your browser/ })
      .waitFor();

    // The system browser: the provider's own login and consent pages.
    const signInPage = await nextBrowserPage(1);
    await signInPage.locator('input[name="login"]').waitFor();
    await screenshot(signInPage, 'sso-02-provider-login');
    await signInPage.locator('input[name="login"]').fill('kim-sub-1');
    await signInPage.locator('input[name="password"]').fill('any password');
    await signInPage.getByRole('button', { name: 'Sign-in' }).click();
    await signInPage.getByRole('button', { name: 'Continue' }).click();
    await signInPage.getByText('You can close this window').waitFor();
    await screenshot(signInPage, 'sso-03-browser-done');

    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await screenshot(page, 'sso-04-signed-in');
    const first = await engine.client.getSession();
    expect(first.status).toBe('signed_in');
    const firstUser = first.status === 'signed_in' ? first.user : null;
    expect(firstUser?.username).toBe('kim');
    expect(firstUser?.displayName).toBe('Kim Lee');

    // No password to change: Settings says how this account signs in.
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByText('This account signs in with single sign-on').waitFor();
    expect(await settings.getByRole('button', { name: 'Change password…' }).count()).toBe(0);
    expect(await settings.getByRole('heading', { name: 'Two-step sign-in' }).count()).toBe(0);
    await screenshot(page, 'sso-05-settings-no-password');
    await page.keyboard.press('Escape');

    // Sign out and in again: the provider remembers the browser, the server finds the account.
    await engine.client.signOut();
    await button.waitFor();
    await button.click();
    await nextBrowserPage(2);
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    const second = await engine.client.getSession();
    expect(second.status === 'signed_in' ? second.user.id : null).toBe(firstUser?.id);
    expect(
      (await server.store.listUsers()).filter((u) => u.username.startsWith('kim')),
    ).toHaveLength(1);
  });

  it('cancel stops waiting for the browser; a refusal is shown in the app and in the browser', async () => {
    // Another person's browser: the provider does not know them yet.
    await systemBrowser?.close();
    systemBrowser = undefined;
    const rig = { server, browser, app, windows, engines };
    const { page, engine } = await openDevice(rig, 'Lou laptop', { openBrowser });
    const button = page.getByRole('button', { name: 'Continue with Example ID' });
    let count = opened.length;
    await button.click();
    await nextBrowserPage(++count);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await button.waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect((await engine.client.getSession()).status).toBe('signed_out');

    // The account is disabled by an admin: the provider says yes, chitchat says no.
    provider.profiles.set('lou-sub', { preferred_username: 'lou' });
    await button.click();
    const loginPage = await nextBrowserPage(++count);
    await loginPage.locator('input[name="login"]').fill('lou-sub');
    await loginPage.locator('input[name="password"]').fill('any password');
    await loginPage.getByRole('button', { name: 'Sign-in' }).click();
    await loginPage.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    const session = await engine.client.getSession();
    const userId = session.status === 'signed_in' ? session.user.id : '';
    await engine.client.signOut();
    expect(await server.store.setUserDisabled(userId, Date.now())).toBe('changed');
    await button.click();
    const refusedPage = await nextBrowserPage(++count);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('disabled');
    await refusedPage.getByText('Sign-in did not work').waitFor();
    await screenshot(page, 'sso-06-refused');
  });
});
