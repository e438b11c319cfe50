import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '@chitchat/server/testing';
import { seedDirect, seedMessages, type SeedMessage } from '../seed';
import { chromiumAvailable, screenshot } from './browser';
import { bubbles, signUpInWeb, startWebRig, type WebRig } from './web-rig';

/*
 * The web app in a small window (issue #17): at 640x420 the conversation pane is what is left
 * beside the chat list, so long messages must use most of it rather than a column of a few words;
 * at a desktop size bubbles keep their reading width. Measured, not looked at: each long bubble's
 * width against the message pane's (the desktop app shares this renderer and these rules).
 */

const LONG =
  'This is a long message that should wrap over several lines in a narrow window, as a paragraph people read, not a column of two words per line';

/** The message pane's width and the widest long bubble's, in CSS pixels. */
async function widths(page: Page): Promise<{ pane: number; bubble: number }> {
  const pane = await page.getByRole('log', { name: 'Messages' }).boundingBox();
  const sizes = await bubbles(page)
    .filter({ hasText: 'This is a long message' })
    .evaluateAll((rows) =>
      rows.map(
        (row) =>
          (row.closest('.bubble-row')?.querySelector('.bubble') ?? row).getBoundingClientRect()
            .width,
      ),
    );
  return { pane: pane?.width ?? 0, bubble: Math.max(0, ...sizes) };
}

describe.runIf(chromiumAvailable())('the web app at a narrow window (Chromium)', () => {
  let rig: WebRig;
  beforeAll(async () => {
    rig = await startWebRig();
  });
  afterAll(() => rig?.close());

  it('long bubbles use most of the pane at 640x420 and keep a reading width at 1200x760', async () => {
    const { server, browser } = rig;
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    const page = await context.newPage();
    const username = `narrow_${process.pid}`;
    await signUpInWeb(page, server.url, username);
    const ana = (await server.store.findUserByUsername(username))?.id ?? '';
    const bob = await register(server, `bob_narrow_${process.pid}`);
    const chat = await seedDirect(server.store, ana, bob.user.id);
    const now = Date.now();
    const history: SeedMessage[] = Array.from({ length: 40 }, (_, i) => ({
      from: i % 2 === 0 ? bob.user.id : ana,
      text: i % 4 < 2 ? `${LONG} (${i + 1})` : `Short ${i + 1}`,
      at: now - (40 - i) * 60_000,
    }));
    await seedMessages(server.store, chat, history);
    // Written through the store, so no push: a reload syncs it.
    await page.reload();
    await page
      .getByRole('navigation', { name: 'Conversations' })
      .getByText(/Short 40/)
      .click();
    await bubbles(page).filter({ hasText: 'Short 40' }).waitFor();

    const wide = await widths(page);
    await page.setViewportSize({ width: 640, height: 420 });
    await expect.poll(async () => (await widths(page)).pane).toBeLessThan(wide.pane);
    const narrow = await widths(page);
    await screenshot(page, 'web-narrow-640x420');
    // Small window: a long bubble takes at least three quarters of the pane.
    expect(narrow.bubble / narrow.pane).toBeGreaterThanOrEqual(0.75);
    // The actions of a message still come on hover, inside the pane, and work.
    const row = bubbles(page).filter({ hasText: 'Short 39' });
    await row.hover();
    const actions = page
      .getByRole('toolbar', { name: 'Message actions' })
      .filter({ visible: true });
    const box = await actions.first().boundingBox();
    const pane = await page.getByRole('log', { name: 'Messages' }).boundingBox();
    expect(box).not.toBeNull();
    expect(box?.x ?? -1).toBeGreaterThanOrEqual(pane?.x ?? 0);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual((pane?.x ?? 0) + narrow.pane);
    await screenshot(page, 'web-narrow-640x420-actions');
    // Desktop size: a reading width, never the whole pane.
    expect(wide.bubble).toBeLessThanOrEqual(640);
    expect(wide.bubble / wide.pane).toBeLessThanOrEqual(0.75);
    await context.close();
  });
});
