import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshotDir } from './browser';
import { signUpInWeb, startWebRig, type WebRig } from './web-rig';

/*
 * The offline banner in the web app (issue #17), as the server serves it, in Chromium: offline,
 * "You're offline" with "Retry now"; back online, "Retry now" connects at once rather than after
 * socket.io's back-off, and the banner goes. The server counts the connection attempts (a
 * middleware of its own Socket.io server refuses them while the test says so), so the test waits
 * for attempts, not for time.
 */

const run = chromiumAvailable() ? describe : describe.skip;
const BANNER = "You're offline";

run("the web app's offline banner (Chromium)", () => {
  let rig: WebRig;
  /** Connection attempts that reached the server: when, and whether they were refused. */
  const attempts: { at: number; refused: boolean }[] = [];
  let refusing = false;
  const violations: string[] = [];

  beforeAll(async () => {
    rig = await startWebRig();
    // Refused at the handshake (engine.io's allowRequest), as an unreachable server fails the
    // transport: socket.io's manager keeps retrying with its back-off.
    const { opts } = rig.server.app.io.engine;
    const allow = opts.allowRequest;
    opts.allowRequest = (request, callback) => {
      attempts.push({ at: Date.now(), refused: refusing });
      if (refusing) callback('server unavailable (test)', false);
      else if (allow !== undefined) allow(request, callback);
      else callback(null, true);
    };
  });
  afterAll(() => rig?.close());

  const banner = (page: Page) => page.getByRole('status').filter({ hasText: BANNER });

  it('offline shows the banner; back online, "Retry now" connects at once and the banner goes', async () => {
    const context = await rig.browser.newContext({ viewport: { width: 1200, height: 760 } });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text()))
        violations.push(message.text());
    });
    page.on('pageerror', (error) => violations.push(`pageerror: ${error.message}`));
    await signUpInWeb(page, rig.server.url, `offline_${process.pid}`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    expect(await banner(page).count()).toBe(0);

    // The network goes: the app opens from the service worker and says it is offline.
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await banner(page).waitFor();
    await banner(page).getByRole('button', { name: 'Retry now' }).waitFor();
    await page.screenshot({ path: path.join(screenshotDir, 'web-offline-01-banner.png') });

    // The network is back but the server still refuses: socket.io backs off between attempts
    // (0.5 s, 1 s, 2 s, 4 s... with jitter), and the banner stays.
    refusing = true;
    const before = attempts.length;
    await context.setOffline(false);
    await expect
      .poll(() => attempts.length - before, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(4);
    expect(await banner(page).count()).toBe(1);

    // The server is back. The next attempt of the back-off is at least 4 s (8 s less half of it
    // for jitter) after the last refused one; "Retry now" connects at once.
    refusing = false;
    const lastRefused = attempts.at(-1)?.at ?? 0;
    const clicked = Date.now();
    await banner(page).getByRole('button', { name: 'Retry now' }).click();
    await banner(page).waitFor({ state: 'hidden' });
    const admitted = attempts.find((a) => a.at >= clicked && !a.refused);
    expect(admitted).toBeDefined();
    expect((admitted?.at ?? Infinity) - lastRefused).toBeLessThan(4_000);
    await page.screenshot({ path: path.join(screenshotDir, 'web-offline-02-back.png') });
    await context.close();
  });

  it('loaded under the CSP with no violation', () => {
    expect(violations).toEqual([]);
  });
});
