import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '@chitchat/server/testing';
import { PASSWORD, removeProfiles, uniqueUser } from '../engines';
import { seedDirect, seedMessages, seedPerson, type SeedMessage } from '../seed';
import { audit } from './axe';
import { chromiumAvailable, screenshot } from './browser';
import { bubbles, engineCall, send, signUpInPage, startWebRig, type WebRig } from './web-rig';

/*
 * The acceptance walk of issue #17 on the web app as the server serves it (not the test binding),
 * in Debian's Chromium: Ana signs up in one browser context and chats with Bob, signed in in
 * another; her account is seeded at a real size through the store (30 chats, a chat of 240
 * messages in several scripts); a reload finds every message; offline, a reload opens the cached
 * chats, searches them, and two messages written then arrive once and in order at Bob's when the
 * network is back; a second tab agrees. Screenshots web-NN at 1200x760 and 640x420, light and dark;
 * axe on each screen in both themes.
 */

const HISTORY = 240;
const SCRIPTS = [
  'Meet me at the station tomorrow',
  'שלום בוב, נתראה מחר בתחנה',
  'مرحبا بوب، أراك غدا في المحطة',
  '明天在车站见面吧',
  'Увидимся завтра на вокзале',
  'Café crème à la gare demain',
];
const OLD_WORD = 'pomegranate';

interface PageMessage {
  seq: number | null;
  text: string | null;
  type: string;
}

/** Every message of a chat as the page's engine has it, loading older pages from the server. */
async function wholeChat(page: Page, conversationId: string): Promise<PageMessage[]> {
  let answer = (await engineCall(page, 'openConversation', [conversationId, 500])) as {
    messages: PageMessage[];
    atStart: boolean;
  };
  const all = [...answer.messages];
  while (!answer.atStart) {
    const oldest = all.find((m) => m.seq !== null)?.seq ?? 1;
    if (oldest <= 1) break;
    answer = (await engineCall(page, 'loadOlder', [conversationId, oldest, 500])) as typeof answer;
    if (answer.messages.length === 0) break;
    all.unshift(...answer.messages);
  }
  return all.filter((m) => m.type === 'message');
}

/** The state's screenshots: 1200x760 and 640x420, light and dark. */
async function shots(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1200, 760],
    [640, 420],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await screenshot(page, `${name}-${width}x${height}-${theme}`);
    }
  }
  await page.setViewportSize({ width: 1200, height: 760 });
  await page.emulateMedia({ colorScheme: 'light' });
}

describe.runIf(chromiumAvailable())('the web app walk of issue #17 in Chromium', () => {
  let rig: WebRig;
  const violations: string[] = [];
  beforeAll(async () => {
    rig = await startWebRig();
  });
  afterAll(async () => {
    await rig?.close();
    removeProfiles();
  });

  const row = (page: Page, name: RegExp) =>
    page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name });
  const newContext = (): Promise<BrowserContext> =>
    rig.browser.newContext({ viewport: { width: 1200, height: 760 } });

  it('sign up, chat, reload, offline reading, search and writing, delivered once and in order, two tabs', async () => {
    const store = rig.server.store;
    const anaContext = await newContext();
    const ana = await anaContext.newPage();
    await ana.goto(`${rig.server.url}/`);
    await ana.getByRole('heading', { name: 'Sign in to chitchat' }).waitFor();
    await shots(ana, 'web-01-sign-in');
    violations.push(...(await audit(ana, 'web-sign-in')));
    await signUpInPage(ana, uniqueUser('ana'), 'Ana Lima', PASSWORD);
    await shots(ana, 'web-02-new-account');
    // The empty pane is calm: its bottom edge is the pane's own colour, no accent strip (#17).
    const strip = await ana
      .locator('.empty-chat')
      .evaluate((el) => getComputedStyle(el).borderBottomWidth);
    expect(strip).toBe('0px');
    violations.push(...(await audit(ana, 'web-empty')));
    const session = (await engineCall(ana, 'getSession')) as { user: { id: string } };
    const anaId = session.user.id;

    // Ana's account at a real size, written through the store: Bob and 29 more chats.
    const bobName = uniqueUser('bob');
    const bob = await register(rig.server, bobName, PASSWORD);
    await store.updateUser(bob.user.id, { displayName: 'Bob Stone' });
    const chat = await seedDirect(store, anaId, bob.user.id);
    const now = Date.now();
    const history: SeedMessage[] = Array.from({ length: HISTORY }, (_, i) => ({
      from: i % 3 === 0 ? anaId : bob.user.id,
      text:
        i === 3
          ? `The ${OLD_WORD} tree is growing (message ${i + 1})`
          : `${SCRIPTS[i % SCRIPTS.length] ?? ''} (${i + 1})`,
      // Over the last two days, up to a minute ago: the newest chat of the list.
      at: now - (HISTORY - i) * 12 * 60_000,
    }));
    await seedMessages(store, chat, history);
    const names = [
      'נועה כהן',
      'ليلى حداد',
      '王芳',
      'Ольга',
      ...Array.from({ length: 25 }, (_, i) => `Friend ${i + 1}`),
    ];
    for (const [i, name] of names.entries()) {
      const peer = await seedPerson(store, name);
      const other = await seedDirect(store, anaId, peer);
      await seedMessages(store, other, [
        {
          from: peer,
          text: `${SCRIPTS[i % SCRIPTS.length] ?? ''} — ${name}`,
          at: now - (i + 2) * 3_600_000,
        },
      ]);
    }

    // Bob signs in on the web app in another browser context.
    const bobContext = await newContext();
    const bobPage = await bobContext.newPage();
    await bobPage.goto(`${rig.server.url}/`);
    await bobPage.getByLabel('Username').fill(bobName);
    await bobPage.getByLabel('Password').fill(PASSWORD);
    await bobPage.getByRole('button', { name: 'Sign in', exact: true }).click();
    await row(bobPage, /^Ana Lima /).click();
    await bubbles(bobPage).getByText(`(${HISTORY})`).waitFor();

    // Ana reloads: every chat is there; she and Bob write to each other live.
    await ana.reload();
    await row(ana, /^Bob Stone /).waitFor();
    // The list draws only the rows on screen: the engine says how many chats it shows.
    expect(((await engineCall(ana, 'listConversations')) as unknown[]).length).toBe(30);
    await row(ana, /^Bob Stone /).click();
    await bubbles(ana).getByText(`(${HISTORY})`).waitFor();
    await send(ana, 'Hi Bob, writing from the web app');
    await bubbles(bobPage).getByText('Hi Bob, writing from the web app').waitFor();
    await send(bobPage, 'Hi Ana! Got it live');
    await bubbles(ana).getByText('Hi Ana! Got it live').waitFor();
    await shots(ana, 'web-03-chat');
    violations.push(...(await audit(ana, 'web-chat')));

    // A reload finds every message: the seeded history and the two just written, in order.
    await ana.reload();
    await row(ana, /^Bob Stone .*Got it live/).waitFor();
    const texts = (await wholeChat(ana, chat)).map((m) => m.text);
    expect(texts).toEqual([
      ...history.map((m) => m.text),
      'Hi Bob, writing from the web app',
      'Hi Ana! Got it live',
    ]);

    // Offline: the service worker opens the app, the cache shows the chats and searches them.
    await ana.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await anaContext.setOffline(true);
    await ana.reload();
    await row(ana, /^Bob Stone .*Got it live/).waitFor();
    await ana.getByText("You're offline").waitFor();
    await shots(ana, 'web-04-offline-list');
    await ana.getByRole('searchbox', { name: 'Search chats and messages' }).fill(OLD_WORD);
    await ana.getByRole('region', { name: 'Messages' }).getByText(OLD_WORD).waitFor();
    await shots(ana, 'web-05-offline-search');
    violations.push(...(await audit(ana, 'web-offline-search')));
    await ana.getByRole('searchbox', { name: 'Search chats and messages' }).fill('');

    // Two messages written offline wait in the outbox (the clock), across a reload too.
    await row(ana, /^Bob Stone /).click();
    await send(ana, 'Offline one');
    await send(ana, 'Offline two');
    for (const text of ['Offline one', 'Offline two'])
      await bubbles(ana).filter({ hasText: text }).getByRole('img', { name: 'Pending' }).waitFor();
    await shots(ana, 'web-06-offline-outbox');
    await ana.reload();
    await row(ana, /^Bob Stone /).click();
    await bubbles(ana)
      .filter({ hasText: 'Offline two' })
      .getByRole('img', { name: 'Pending' })
      .waitFor();

    // Back online: Bob gets both, once each, in order.
    await anaContext.setOffline(false);
    await bubbles(bobPage).getByText('Offline two').waitFor();
    const bobTexts = await bubbles(bobPage).allInnerTexts();
    const ones = bobTexts.filter((t) => t.includes('Offline one'));
    const twos = bobTexts.filter((t) => t.includes('Offline two'));
    expect([ones.length, twos.length]).toEqual([1, 1]);
    expect(bobTexts.findIndex((t) => t.includes('Offline one'))).toBeLessThan(
      bobTexts.findIndex((t) => t.includes('Offline two')),
    );
    await bubbles(ana)
      .filter({ hasText: 'Offline two' })
      .getByRole('img', { name: /Delivered|Read/ })
      .waitFor();
    await shots(ana, 'web-07-delivered');
    await shots(bobPage, 'web-08-bob');
    const bobSide = (await wholeChat(bobPage, chat)).map((m) => m.text);
    expect(bobSide.slice(-4)).toEqual([
      'Hi Bob, writing from the web app',
      'Hi Ana! Got it live',
      'Offline one',
      'Offline two',
    ]);

    // A second tab of Ana's shows the same chats and the same history.
    const second = await anaContext.newPage();
    await second.goto(`${rig.server.url}/`);
    await row(second, /^Bob Stone .*Offline two/).click();
    await bubbles(second).getByText('Offline one').waitFor();
    expect((await wholeChat(second, chat)).map((m) => m.text)).toEqual(
      (await wholeChat(ana, chat)).map((m) => m.text),
    );
    await shots(second, 'web-09-second-tab');
    expect(violations).toEqual([]);
    await anaContext.close();
    await bobContext.close();
    // A whole walk: sign-ups, a real-size catch-up, reloads, 36 screenshots and 8 axe runs.
  }, 600_000);
});
