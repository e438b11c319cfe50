import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  connect,
  http,
  login,
  register,
  startServer,
  type TestServer,
} from '@chitchat/server/testing';
import { pushTagOf, type WebPushPayload } from '@chitchat/shared';
import { PHOTO_CACHE, conversationUrl, photoCacheUrl } from '../../src/web/sw/notification';
import { browserKeys, opened, startPushService } from '@chitchat/server/testing/push';
import { chromiumAvailable, launchChromium, screenshotDir } from './browser';
import { buildWebApp, signUpInWeb, solidPng } from './web-rig';

/*
 * Web Push from the web app's side (issue #17), as the server serves it, in Chromium:
 * Settings → Notifications → "Notifications on this browser". Chromium's own subscribe needs
 * Google's push service, so the first suite follows the real button flow up to where the browser
 * refuses; the second stands in for the browser's push service only (PushManager in the page
 * answers a subscription to a push service on loopback with keys this test made, as a browser
 * would) and checks the rest against the real server: the PUT and DELETE, the state after a
 * reload, sign-out, and a message to the closed app arriving there as a push the keys decrypt.
 */

const PUBLIC_URL = 'https://chat.example.org';
const run = chromiumAvailable() ? describe : describe.skip;
const FAKE_KEY = 'chitchat-test-push-subscription';

/**
 * The browser's push service, stood in for in the page: PushManager answers a subscription to
 * `endpoint` with `keys` (made by the test, as a browser would), kept across reloads.
 */
async function standInPushService(
  context: BrowserContext,
  endpoint: string,
  keys: ReturnType<typeof browserKeys>,
): Promise<void> {
  await context.addInitScript(
    ({ endpoint: address, keys: subscriptionKeys, storageKey }) => {
      const subscription = (): PushSubscription =>
        ({
          endpoint: address,
          expirationTime: null,
          toJSON: () => ({ endpoint: address, expirationTime: null, keys: subscriptionKeys }),
          unsubscribe: () => {
            localStorage.removeItem(storageKey);
            return Promise.resolve(true);
          },
        }) as unknown as PushSubscription;
      PushManager.prototype.subscribe = function subscribe() {
        localStorage.setItem(storageKey, 'yes');
        return Promise.resolve(subscription());
      };
      PushManager.prototype.getSubscription = function getSubscription() {
        return Promise.resolve(localStorage.getItem(storageKey) === null ? null : subscription());
      };
    },
    { endpoint, keys: keys.json, storageKey: FAKE_KEY },
  );
}

run('web app notifications in Chromium', () => {
  let server: TestServer;
  let service: Awaited<ReturnType<typeof startPushService>>;
  let browser: Browser;
  let webDir: string;
  const violations: string[] = [];

  beforeAll(async () => {
    webDir = await buildWebApp();
    service = await startPushService();
    server = await startServer({
      config: { WEB_APP_DIR: webDir, PUBLIC_URL, WEB_PUSH_ALLOW_LOOPBACK: true },
    });
    browser = await launchChromium();
    mkdirSync(screenshotDir, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await service?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text()))
        violations.push(message.text());
    });
    page.on('pageerror', (error) => violations.push(`pageerror: ${error.message}`));
  };
  const openSettings = async (page: Page) => {
    await page.getByRole('button', { name: 'Settings' }).click();
    return page
      .getByRole('dialog', { name: 'Settings' })
      .getByRole('region', { name: 'Notifications' });
  };
  const userIdOf = async (username: string) => {
    const user = await server.store.findUserByUsername(username);
    return user?.id ?? '';
  };
  const subscriptionsOf = async (userId: string) => server.store.pushSubscriptionsOf([userId]);

  it('asks the permission only on "Turn on", and says so when the browser refuses to subscribe', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    const page = await context.newPage();
    watch(page);
    const username = `bell_${process.pid}`;
    await signUpInWeb(page, server.url, username);
    let section = await openSettings(page);
    await expect.poll(() => section.getByText('Notifications on this browser').count()).toBe(1);
    await section.getByRole('button', { name: 'Turn on' }).waitFor();
    // Never asked on load.
    expect(await page.evaluate(() => Notification.permission)).toBe('default');
    await page.screenshot({ path: path.join(screenshotDir, 'web-notify-01-off.png') });

    // The permission prompt (dismissed by headless Chromium) is the first thing "Turn on" does.
    await section.getByRole('button', { name: 'Turn on' }).click();
    await section.getByRole('alert').waitFor();
    expect(await section.getByRole('alert').textContent()).toMatch(
      /Notifications (were not allowed|are blocked)/,
    );

    // Allowed in the site settings (Settings reopened reads the state again): the browser itself
    // subscribes, which Chromium cannot here (no Google push service).
    await context.grantPermissions(['notifications'], { origin: server.url });
    await page
      .getByRole('dialog', { name: 'Settings' })
      .getByRole('button', { name: 'Close' })
      .click();
    section = await openSettings(page);
    await section.getByRole('button', { name: 'Turn on' }).click();
    await expect
      .poll(() => section.getByRole('alert').textContent())
      .toMatch(/^This browser could not subscribe to notifications: /);
    await section.getByRole('button', { name: 'Turn on' }).waitFor();
    await page.screenshot({ path: path.join(screenshotDir, 'web-notify-02-refused.png') });
    expect(await subscriptionsOf(await userIdOf(username))).toEqual([]);
    await context.close();
  });

  it('subscribes, keeps the state over a reload, turns off, and signs out without a subscription left', async () => {
    const keys = browserKeys();
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    await context.grantPermissions(['notifications'], { origin: server.url });
    await standInPushService(context, `${service.origin}/push/ada`, keys);
    const page = await context.newPage();
    watch(page);
    const username = `ada_${process.pid}`;
    await signUpInWeb(page, server.url, username);
    const userId = await userIdOf(username);

    let section = await openSettings(page);
    await section.getByRole('button', { name: 'Turn on' }).click();
    await section.getByRole('button', { name: 'Turn off' }).waitFor();
    await section.getByText(/On: new messages show/).waitFor();
    await page.screenshot({ path: path.join(screenshotDir, 'web-notify-03-on.png') });
    expect(await subscriptionsOf(userId)).toMatchObject([
      { userId, endpoint: `${service.origin}/push/ada`, ...keys.json },
    ]);

    await page.reload();
    section = await openSettings(page);
    await section.getByRole('button', { name: 'Turn off' }).waitFor();

    await section.getByRole('button', { name: 'Turn off' }).click();
    await section.getByRole('button', { name: 'Turn on' }).waitFor();
    expect(await subscriptionsOf(userId)).toEqual([]);
    expect(await page.evaluate((k) => localStorage.getItem(k), FAKE_KEY)).toBeNull();

    // On again, then the app closes: a message to it arrives at the push service.
    await section.getByRole('button', { name: 'Turn on' }).click();
    await section.getByRole('button', { name: 'Turn off' }).waitFor();
    expect(await subscriptionsOf(userId)).toHaveLength(1);
    await page.close();
    await expect
      .poll(async () =>
        (await server.app.io.fetchSockets()).filter((s) => s.data.userId === userId),
      )
      .toEqual([]);
    const bob = await register(server, `bob_${process.pid}`);
    const bobSocket = await connect(server, bob.accessToken);
    try {
      const chat = await call(bobSocket, 'conversation:direct', { userId });
      await call(bobSocket, 'message:send', {
        conversationId: chat.id,
        clientMsgId: crypto.randomUUID(),
        text: 'Are you there?',
      });
      const pushed = opened(await service.next('/push/ada'), keys);
      expect(pushed).toMatchObject({
        type: 'message',
        conversationId: chat.id,
        preview: 'Are you there?',
        conversationTitle: null,
        tag: `chat:${chat.id}`,
      });
    } finally {
      bobSocket.close();
    }

    // Back in the app: signing out leaves no subscription, on the server nor in the browser.
    const again = await context.newPage();
    watch(again);
    await again.goto(`${server.url}/`);
    await again.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await again.getByRole('button', { name: 'Settings' }).click();
    await again.getByRole('button', { name: 'Sign out of this device' }).click();
    await again.getByRole('heading', { name: 'Sign in to chitchat' }).waitFor();
    await expect.poll(() => again.evaluate((k) => localStorage.getItem(k), FAKE_KEY)).toBeNull();
    expect(await subscriptionsOf(userId)).toEqual([]);
    await context.close();
  });

  it('shows a push as the chat\'s notification with its photo, folds a second into "2 new messages", and a click opens that chat', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    await context.grantPermissions(['notifications'], { origin: server.url });
    const page = await context.newPage();
    watch(page);
    const username = `cleo_${process.pid}`;
    await signUpInWeb(page, server.url, username);
    const cleo = await userIdOf(username);

    // Bob, with a profile photo, writes to Cleo: the chat's photo is kept for notifications.
    const bob = await register(server, `bob_photo_${process.pid}`);
    const media = await fetch(`${server.url}/api/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bob.accessToken}`, 'content-type': 'image/png' },
      body: new Uint8Array(solidPng(96, 96, [200, 60, 40])),
    });
    expect(media.status).toBe(201);
    const photo = ((await media.json()) as { id: string }).id;
    expect(
      (await http(server, 'PATCH', '/api/me', { token: bob.accessToken, body: { photo } })).status,
    ).toBe(200);
    const bobSocket = await connect(server, bob.accessToken);
    const chat = await call(bobSocket, 'conversation:direct', { userId: cleo });
    await call(bobSocket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: crypto.randomUUID(),
      text: 'Hi Cleo',
    });
    bobSocket.close();
    const bobName = bob.user.displayName;
    await page.getByRole('navigation', { name: 'Conversations' }).getByText('Hi Cleo').waitFor();
    await expect
      .poll(() =>
        page.evaluate(
          async ({ cacheName, url }) =>
            (await (await caches.open(cacheName)).match(url)) !== undefined,
          { cacheName: PHOTO_CACHE, url: photoCacheUrl(chat.id) },
        ),
      )
      .toBe(true);

    // The open tab showed its own notification of "Hi Cleo" (the same tag a push uses): read and
    // closed, so the pushes below start a fresh one.
    const pageShown = () =>
      page.evaluate(async () => {
        const list = await (await navigator.serviceWorker.ready).getNotifications();
        for (const n of list) n.close();
        return list.map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
      });
    await expect
      .poll(pageShown)
      .toEqual([{ title: bobName, body: 'Hi Cleo', tag: `chat:${chat.id}` }]);
    const cdp = await context.newCDPSession(page);
    const registration = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const ours = registrations.find((r) => r.scopeURL === `${server.url}/` && !r.isDeleted);
        if (ours !== undefined) resolve(ours.registrationId);
      });
    });
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await cdp.send('ServiceWorker.enable');
    const registrationId = await registration;
    const deliver = (seq: number, preview: string) => {
      const payload: WebPushPayload = {
        type: 'message',
        conversationId: chat.id,
        seq,
        senderName: bobName,
        conversationTitle: null,
        preview,
        tag: pushTagOf(chat.id),
      };
      return cdp.send('ServiceWorker.deliverPushMessage', {
        origin: server.url,
        registrationId,
        data: JSON.stringify(payload),
      });
    };
    const shown = () =>
      page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
          tag: n.tag,
          icon: n.icon.slice(0, 'data:image/'.length),
        })),
      );

    await deliver(2, 'Are you coming tonight?');
    await expect.poll(shown).toEqual([
      {
        title: bobName,
        body: 'Are you coming tonight?',
        tag: `chat:${chat.id}`,
        icon: 'data:image/',
      },
    ]);
    await deliver(3, 'I saved you a seat');
    await expect.poll(shown).toEqual([
      {
        title: bobName,
        body: '2 new messages · I saved you a seat',
        tag: `chat:${chat.id}`,
        icon: 'data:image/',
      },
    ]);
    expect(await page.getByRole('heading', { name: bobName, level: 2 }).count()).toBe(0);

    // The click, as the worker receives it: the open tab opens the chat.
    const [worker] = context.serviceWorkers();
    expect(worker).toBeDefined();
    await worker?.evaluate(async () => {
      const scope = self as unknown as {
        registration: ServiceWorkerRegistration;
        dispatchEvent(event: Event): boolean;
      };
      const [notification] = await scope.registration.getNotifications();
      const NotificationEventOf = (
        globalThis as unknown as {
          NotificationEvent: new (type: string, init: { notification: Notification }) => Event;
        }
      ).NotificationEvent;
      if (notification === undefined) throw new Error('no notification to click');
      try {
        scope.dispatchEvent(new NotificationEventOf('notificationclick', { notification }));
      } catch {
        // waitUntil refuses an event the test made; the handler's work has already started.
      }
    });
    await page.getByRole('heading', { name: bobName, level: 2 }).waitFor();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    await expect.poll(shown).toEqual([]);
    await page.screenshot({ path: path.join(screenshotDir, 'web-notify-04-opened.png') });

    // With no tab open, the worker opens the chat's address: a fresh tab there opens the chat.
    await page.close();
    const fresh = await context.newPage();
    watch(fresh);
    await fresh.goto(`${server.url}${conversationUrl(chat.id)}`);
    await fresh.getByRole('heading', { name: bobName, level: 2 }).waitFor();
    expect(new URL(fresh.url()).hash).toBe('');
    await context.close();
  });

  it('"Show previews" off: the open tab\'s own notification and a push to the closed app carry no text; another device\'s change shows live', async () => {
    const keys = browserKeys();
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    await context.grantPermissions(['notifications'], { origin: server.url });
    await standInPushService(context, `${service.origin}/push/dana`, keys);
    const page = await context.newPage();
    watch(page);
    const username = `dana_${process.pid}`;
    await signUpInWeb(page, server.url, username);
    const dana = await userIdOf(username);
    const settings = await openSettings(page);
    const previews = settings.getByRole('checkbox', { name: 'Show previews' });
    expect(await previews.isChecked()).toBe(true);
    await settings.getByRole('button', { name: 'Turn on' }).click();
    await settings.getByRole('button', { name: 'Turn off' }).waitFor();
    await previews.click();
    await expect.poll(() => previews.isChecked()).toBe(false);
    await expect
      .poll(async () => (await server.store.getUser(dana))?.notificationPreviews)
      .toBe(false);
    await page.screenshot({ path: path.join(screenshotDir, 'web-notify-05-no-previews.png') });
    await page
      .getByRole('dialog', { name: 'Settings' })
      .getByRole('button', { name: 'Close' })
      .click();

    const shown = () =>
      page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
        })),
      );
    const clear = () =>
      page.evaluate(async () => {
        for (const n of await (await navigator.serviceWorker.ready).getNotifications()) n.close();
      });
    const bob = await register(server, `bob_quiet_${process.pid}`);
    const bobName = bob.user.displayName;
    const bobSocket = await connect(server, bob.accessToken);
    try {
      const chat = await call(bobSocket, 'conversation:direct', { userId: dana });
      const say = (text: string) =>
        call(bobSocket, 'message:send', {
          conversationId: chat.id,
          clientMsgId: crypto.randomUUID(),
          text,
        });
      // The tab is open (no chat on screen): its own notification, without the line.
      await say('The door code is 4711');
      await expect.poll(shown).toEqual([{ title: bobName, body: 'New message' }]);
      await clear();

      // Another device of Dana's turns previews on: the tab's Settings follows without a reload.
      const phone = await login(server, username);
      expect(
        (
          await http(server, 'PATCH', '/api/me', {
            token: phone.accessToken,
            body: { notificationPreviews: true },
          })
        ).status,
      ).toBe(200);
      const again = await openSettings(page);
      await expect
        .poll(() => again.getByRole('checkbox', { name: 'Show previews' }).isChecked())
        .toBe(true);
      await page
        .getByRole('dialog', { name: 'Settings' })
        .getByRole('button', { name: 'Close' })
        .click();
      await say('Lunch at one?');
      await expect.poll(shown).toEqual([{ title: bobName, body: 'Lunch at one?' }]);
      await clear();

      // Off again in this tab, then the app closes: the push names the sender, never the text.
      await (await openSettings(page)).getByRole('checkbox', { name: 'Show previews' }).click();
      await expect
        .poll(async () => (await server.store.getUser(dana))?.notificationPreviews)
        .toBe(false);
      await page.close();
      await expect
        .poll(async () =>
          (await server.app.io.fetchSockets()).filter((s) => s.data.userId === dana),
        )
        .toEqual([]);
      await say('The alarm code is 1234');
      const pushed = opened(await service.next('/push/dana'), keys);
      expect(pushed).toMatchObject({ type: 'message', conversationId: chat.id, preview: null });
      expect(JSON.stringify(pushed)).not.toContain('1234');
    } finally {
      bobSocket.close();
    }
    await context.close();
  });

  it('loaded under the CSP with no violation', () => {
    expect(violations).toEqual([]);
  });
});
