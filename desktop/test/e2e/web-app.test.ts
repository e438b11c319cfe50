import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '@chitchat/server/testing';
import { REFRESH_COOKIE_NAME, pushTagOf, type WebPushPayload } from '@chitchat/shared';
import { chromiumAvailable, launchChromium, screenshotDir } from './browser';

/*
 * The web app as the server serves it (issue #17, DESIGN §11), in Chromium: the real build of
 * `npm run build:web` at a real server's address, its engine in the Worker, under the CSP header.
 * Sign up, the refresh token only in the HttpOnly cookie, a reload that stays signed in, the
 * service worker, a push delivered through the DevTools protocol shown as the chat's notification,
 * and the unread count in the title.
 */

const desktopRoot = path.resolve(import.meta.dirname, '../..');
const PASSWORD = 'correct horse battery';
const run = chromiumAvailable() ? describe : describe.skip;

run('the served web app in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let webDir: string;
  const violations: string[] = [];

  beforeAll(async () => {
    webDir = mkdtempSync(path.join(tmpdir(), 'chitchat-web-e2e-'));
    const { build } = await import('vite');
    await build({
      configFile: path.join(desktopRoot, 'vite.web.config.ts'),
      logLevel: 'warn',
      mode: 'production',
      build: { outDir: webDir, emptyOutDir: true },
    });
    server = await startServer({ config: { WEB_APP_DIR: webDir } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    await context.grantPermissions(['notifications'], { origin: server.url });
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text()))
        violations.push(message.text());
    });
    page.on('pageerror', (error) => violations.push(`pageerror: ${error.message}`));
    mkdirSync(screenshotDir, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('opens at the server address with the server prefilled, signs up, and keeps the refresh token out of script reach', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Sign in to chitchat' }).waitFor();
    expect(await page.getByLabel('Server address').inputValue()).toBe(server.url);
    await page.screenshot({ path: path.join(screenshotDir, 'web-01-sign-in.png') });

    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    await page.getByLabel('Username').fill(`webby_${process.pid}`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await page.screenshot({ path: path.join(screenshotDir, 'web-02-signed-in.png') });

    const cookie = (await context.cookies()).find((c) => c.name === REFRESH_COOKIE_NAME);
    expect(cookie).toMatchObject({
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
      path: '/api/auth/refresh',
    });
    expect(await page.evaluate(() => document.cookie)).not.toContain(REFRESH_COOKIE_NAME);
    const stored = await page.evaluate(() =>
      JSON.stringify({ ...localStorage, ...sessionStorage }),
    );
    expect(stored).not.toContain(cookie?.value ?? '-');
    expect(await page.title()).toBe('chitchat');
  });

  it('stays signed in across a reload (the engine refreshes through the cookie)', async () => {
    await page.reload();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Sign in to chitchat' }).count()).toBe(0);
  });

  it('runs the service worker, which shows a push as the chat notification', async () => {
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(`${server.url}/`);
    const cdp = await context.newCDPSession(page);
    const registration = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const ours = registrations.find((r) => r.scopeURL === `${server.url}/` && !r.isDeleted);
        if (ours !== undefined) resolve(ours.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    const payload: WebPushPayload = {
      type: 'message',
      conversationId: 'c_web_1',
      seq: 3,
      senderName: 'Ben Okafor',
      conversationTitle: 'Climbing',
      preview: 'Rope or bouldering tonight?',
      tag: pushTagOf('c_web_1'),
    };
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: server.url,
      registrationId: await registration,
      data: JSON.stringify(payload),
    });
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const shown = await (await navigator.serviceWorker.ready).getNotifications();
          return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
        }),
      )
      .toEqual([
        { title: 'Climbing', body: 'Ben Okafor: Rope or bouldering tonight?', tag: 'chat:c_web_1' },
      ]);
  });

  it('opens offline from the service worker cache, still signed in', async () => {
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await context.setOffline(true);
    try {
      await page.reload();
      await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
      expect(await page.getByRole('heading', { name: 'Sign in to chitchat' }).count()).toBe(0);
      await page.screenshot({ path: path.join(screenshotDir, 'web-03-offline.png') });
    } finally {
      await context.setOffline(false);
    }
  });

  it('loaded under the CSP with no violation', () => {
    expect(violations).toEqual([]);
  });
});
