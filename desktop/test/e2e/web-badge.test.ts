import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connect, register, type ClientSocket } from '@chitchat/server/testing';
import { chromiumAvailable, screenshotDir } from './browser';
import { signUpInWeb, startWebRig, type WebRig } from './web-rig';

/*
 * The web app's unread badge (issue #17), as the server serves it, in Chromium: "(3) chitchat" in
 * the tab title and the app badge (navigator.setAppBadge, watched in the page: Chromium has it but
 * shows it only for an installed app), live as messages arrive from other accounts and as they
 * are read.
 */

const run = chromiumAvailable() ? describe : describe.skip;

run('web app unread badge in Chromium', () => {
  let rig: WebRig;
  let context: BrowserContext;
  let page: Page;
  let bob: ClientSocket | null = null;
  const violations: string[] = [];

  beforeAll(async () => {
    rig = await startWebRig();
    context = await rig.browser.newContext({ viewport: { width: 1200, height: 760 } });
    // Records what the app sets as the app badge, then lets the browser have it.
    await context.addInitScript(() => {
      const calls: (number | null)[] = [];
      (window as unknown as { badgeCalls: (number | null)[] }).badgeCalls = calls;
      const set = navigator.setAppBadge?.bind(navigator);
      const clear = navigator.clearAppBadge?.bind(navigator);
      navigator.setAppBadge = (count?: number) => {
        calls.push(count ?? 0);
        return set?.(count).catch(() => undefined) ?? Promise.resolve();
      };
      navigator.clearAppBadge = () => {
        calls.push(null);
        return clear?.().catch(() => undefined) ?? Promise.resolve();
      };
    });
    page = await context.newPage();
    page.on('pageerror', (error) => violations.push(`pageerror: ${error.message}`));
    mkdirSync(screenshotDir, { recursive: true });
  });
  afterAll(async () => {
    bob?.close();
    await rig?.close();
  });

  const lastBadge = () =>
    page.evaluate(() => {
      const calls = (window as unknown as { badgeCalls: (number | null)[] }).badgeCalls;
      return calls.length === 0 ? 'none' : calls[calls.length - 1];
    });

  it('counts unread messages in the tab title and the app badge, live, and clears them when read', async () => {
    const username = `dana_${process.pid}`;
    await signUpInWeb(page, rig.server.url, username);
    expect(await page.title()).toBe('chitchat');
    const dana = (await rig.server.store.findUserByUsername(username))?.id ?? '';

    const bobSession = await register(rig.server, `bob_badge_${process.pid}`);
    bob = await connect(rig.server, bobSession.accessToken);
    const chat = await call(bob, 'conversation:direct', { userId: dana });
    const write = (text: string) =>
      call(bob as ClientSocket, 'message:send', {
        conversationId: chat.id,
        clientMsgId: crypto.randomUUID(),
        text,
      });

    await write('One');
    await expect.poll(() => page.title()).toBe('(1) chitchat');
    await write('Two');
    await write('Three');
    await expect.poll(() => page.title()).toBe('(3) chitchat');
    await expect.poll(lastBadge).toBe(3);
    await page.screenshot({ path: path.join(screenshotDir, 'web-badge-01-unread.png') });

    // Reading the chat clears both.
    await page.getByRole('navigation', { name: 'Conversations' }).getByText('Three').click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    await expect.poll(() => page.title()).toBe('chitchat');
    await expect.poll(lastBadge).toBeNull();

    // Another chat's message while this one is open counts again.
    const carolSession = await register(rig.server, `carol_badge_${process.pid}`);
    const carol = await connect(rig.server, carolSession.accessToken);
    try {
      const other = await call(carol, 'conversation:direct', { userId: dana });
      await call(carol, 'message:send', {
        conversationId: other.id,
        clientMsgId: crypto.randomUUID(),
        text: 'Hello from Carol',
      });
      await expect.poll(() => page.title()).toBe('(1) chitchat');
      await expect.poll(lastBadge).toBe(1);
    } finally {
      carol.close();
    }
  });

  it('had no page error', () => {
    expect(violations).toEqual([]);
  });
});
