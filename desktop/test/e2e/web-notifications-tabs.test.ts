import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connect, register } from '@chitchat/server/testing';
import { pushTagOf } from '@chitchat/shared';
import { chromiumAvailable } from './browser';
import { signUpInWeb, startWebRig, type WebRig } from './web-rig';

/*
 * The web app's own notifications with two tabs of one account open (issue #17), as the server
 * serves the app, in Chromium: every tab hears each message, and the service worker alone decides.
 * Tab A is focused on one chat, tab B is in the background: a message in A's chat shows nothing
 * (B does not notify about the chat being read), a message in another chat shows exactly once
 * (not once per tab), and it folds into the chat's shown push ("3 new messages" becomes 4).
 */

const run = chromiumAvailable() ? describe : describe.skip;

/**
 * A tab in the background. Headless Chromium counts every page as visible and focused, so the
 * tab's document says what a hidden, unfocused tab's would (a stand-in for the window manager).
 */
async function inBackground(page: Page): Promise<void> {
  await page.addInitScript(() => {
    Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { get: () => true });
    document.hasFocus = () => false;
  });
}

interface Shown {
  title: string;
  body: string;
  tag: string;
}

const shownIn = (page: Page): Promise<Shown[]> =>
  page.evaluate(async () =>
    (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
    })),
  );

const clearIn = (page: Page): Promise<void> =>
  page.evaluate(async () => {
    for (const n of await (await navigator.serviceWorker.ready).getNotifications()) n.close();
  });

run('web app notifications with two tabs open', () => {
  let rig: WebRig;
  let context: BrowserContext;

  beforeAll(async () => {
    rig = await startWebRig();
    context = await rig.browser.newContext({ viewport: { width: 1200, height: 760 } });
    await context.grantPermissions(['notifications'], { origin: rig.server.url });
  });
  afterAll(async () => {
    await context?.close();
    await rig?.close();
  });

  it('skips the chat read in the focused tab, shows another chat once, and folds into a shown push', async () => {
    const username = `tabs_${process.pid}`;
    const tabA = await context.newPage();
    await signUpInWeb(tabA, rig.server.url, username);
    const me = (await rig.server.store.findUserByUsername(username))?.id ?? '';

    // Two people write to her: chat X (Bob) and chat Y (Carol).
    const bob = await register(rig.server, `bob_tabs_${process.pid}`);
    const carol = await register(rig.server, `carol_tabs_${process.pid}`);
    const bobSocket = await connect(rig.server, bob.accessToken);
    const carolSocket = await connect(rig.server, carol.accessToken);
    try {
      const x = await call(bobSocket, 'conversation:direct', { userId: me });
      const y = await call(carolSocket, 'conversation:direct', { userId: me });
      const say = (socket: typeof bobSocket, conversationId: string, text: string) =>
        call(socket, 'message:send', { conversationId, clientMsgId: crypto.randomUUID(), text });
      await say(bobSocket, x.id, 'Hello from Bob');
      await say(carolSocket, y.id, 'Hello from Carol');
      const listA = tabA.getByRole('navigation', { name: 'Conversations' });
      await listA.getByText('Hello from Carol').waitFor();

      // Tab B opens in the background; tab A opens chat X and stays focused.
      const tabB = await context.newPage();
      await inBackground(tabB);
      await tabB.goto(`${rig.server.url}/`);
      const listB = tabB.getByRole('navigation', { name: 'Conversations' });
      await listB.getByText('Hello from Carol').waitFor();
      await listA.getByText('Hello from Bob').click();
      await tabA.getByRole('heading', { name: bob.user.displayName, level: 2 }).waitFor();
      expect(await tabA.evaluate(() => document.hasFocus())).toBe(true);
      expect(await tabB.evaluate(() => document.hasFocus())).toBe(false);
      await expect.poll(() => shownIn(tabA)).toHaveLength(2);
      await clearIn(tabA);

      // A message in X, read in tab A: both tabs hear it, and nothing is shown.
      await say(bobSocket, x.id, 'Are you reading this?');
      await tabA.getByText('Are you reading this?').first().waitFor();
      await listB.getByText('Are you reading this?').waitFor();
      // A message in Y: shown once (twice would have folded into "2 new messages").
      await say(carolSocket, y.id, 'Lunch at one?');
      await expect
        .poll(() => shownIn(tabB))
        .toEqual([{ title: carol.user.displayName, body: 'Lunch at one?', tag: pushTagOf(y.id) }]);

      // Y's notification as a push leaves it after three messages: the next one says four.
      await clearIn(tabA);
      await tabA.evaluate(
        async ({ tag, conversationId, title }) => {
          const registration = await navigator.serviceWorker.ready;
          await registration.showNotification(title, {
            tag,
            body: '3 new messages · Are you there?',
            data: { conversationId, seq: 4, count: 3 },
          });
        },
        { tag: pushTagOf(y.id), conversationId: y.id, title: carol.user.displayName },
      );
      await say(carolSocket, y.id, 'I saved you a seat');
      await expect.poll(() => shownIn(tabA)).toEqual([
        {
          title: carol.user.displayName,
          body: '4 new messages · I saved you a seat',
          tag: pushTagOf(y.id),
        },
      ]);
      // Tab A turns to chat Y: a message there now shows nothing; one in X (not on screen) shows.
      await clearIn(tabA);
      await listA.getByText('I saved you a seat').click();
      await tabA.getByRole('heading', { name: carol.user.displayName, level: 2 }).waitFor();
      await say(carolSocket, y.id, 'See you there');
      await tabA.getByText('See you there').first().waitFor();
      await listB.getByText('See you there').waitFor();
      await say(bobSocket, x.id, 'Still there?');
      await expect
        .poll(() => shownIn(tabA))
        .toEqual([{ title: bob.user.displayName, body: 'Still there?', tag: pushTagOf(x.id) }]);
    } finally {
      bobSocket.close();
      carolSocket.close();
    }
  });
});
