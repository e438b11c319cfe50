/**
 * The app at a real account's size, in Chromium over real engines and a real server: 30 chats, a
 * chat of 330 messages over several days (200 of them today) with 65 unread, Hebrew and Arabic
 * text, a new account, and an account of 1,000 chats. Fixtures are written through the server
 * store's own methods (see seed.ts), so the suite stays well under a minute and a half.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { register } from '@chitchat/server/testing';
import { engine, PASSWORD, uniqueUser, until, type Engine } from '../engines';
import { chromiumAvailable, openApp, screenshot } from './browser';
import { useRig } from './rig';
import { seedDirect, seedMessages, seedPerson, type SeedMessage } from '../seed';

const runBrowser = chromiumAvailable();

const DAY = 86_400_000;
const HEBREW = 'שלום דנה, מה שלומך היום? נתראה מחר בבוקר ליד הים עם כל החברים והמשפחה שלנו';
const ARABIC = 'مرحبا دانا، كيف حالك اليوم؟ أراك غدا';
const HISTORY = 330;
const UNREAD = 65;
const OLD_WORD = 'pomegranate';

// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)("a real account's size in Chromium", () => {
  const rig = useRig();
  let dana: { username: string; id: string };
  let anaChat: string;
  let anaId: string;
  let danaPage: Page;

  beforeAll(async () => {
    const session = await register(rig.server, uniqueUser('dana'), PASSWORD);
    dana = { username: session.user.username, id: session.user.id };
    const store = rig.server.store;
    const now = Date.now();

    // Ana: 330 messages over six days, 200 of them today; Dana answered up to the last 65.
    const ana = await register(rig.server, uniqueUser('ana'), PASSWORD);
    anaId = ana.user.id;
    await store.updateUser(anaId, { displayName: 'Ana Lima' });
    anaChat = await seedDirect(store, dana.id, anaId);
    const history: SeedMessage[] = [];
    for (let i = 1; i <= HISTORY; i++) {
      const daysAgo = i <= 130 ? 6 - Math.floor((i - 1) / 26) : 0;
      const at = now - daysAgo * DAY - (HISTORY - i) * 60_000 - (daysAgo > 0 ? 0 : 0);
      const fromDana = i === HISTORY - UNREAD || (i < HISTORY - UNREAD && i % 4 === 0);
      const text =
        i === 5
          ? `The ${OLD_WORD} tree we planted is growing (message ${i})`
          : i === 40
            ? HEBREW
            : i === 41
              ? ARABIC
              : `${fromDana ? 'Dana' : 'Ana'} message ${i}`;
      history.push({ from: fromDana ? dana.id : anaId, text, at });
    }
    await seedMessages(store, anaChat, history);

    // 29 more chats, a few in Hebrew and Arabic, each with a last message.
    const names = [
      'נועה כהן',
      'ليلى حداد',
      ...Array.from({ length: 27 }, (_, i) => `Friend ${i + 1}`),
    ];
    await Promise.all(
      names.map(async (name, i) => {
        const peer = await seedPerson(store, name);
        const chat = await seedDirect(store, dana.id, peer);
        const text = i === 0 ? HEBREW : i === 1 ? ARABIC : `Hello from ${name}`;
        await seedMessages(store, chat, [{ from: peer, text, at: now - (i + 1) * 3_600_000 }]);
      }),
    );
  }, 120_000);

  /** An engine signed in to `username`, its first sync done (at least `chats` conversations). */
  async function signedIn(username: string, chats: number): Promise<Engine> {
    const e = await engine({ deviceName: `${username} laptop` });
    rig.engines.push(e);
    await e.client.signIn({ serverUrl: rig.server.url, username, password: PASSWORD });
    await until(
      e.client,
      async () => ((await e.client.listConversations()).length >= chats ? true : undefined),
      100_000,
      `${chats} chats`,
    );
    return e;
  }

  async function window(e: Engine, size = { width: 1200, height: 760 }): Promise<Page> {
    const w = await openApp(rig.browser, rig.app.url, e.client, {
      defaultServerUrl: rig.server.url,
    });
    rig.windows.push(w);
    await w.page.setViewportSize(size);
    return w.page;
  }

  /** Nothing but the two lists ever scrolls: the page, the layout and the panes stay at 0. */
  async function expectWindowStill(page: Page) {
    const scrolled = await page.evaluate(() =>
      [
        document.scrollingElement,
        document.body,
        document.getElementById('root'),
        document.querySelector('.layout'),
        document.querySelector('.sidebar'),
        document.querySelector('.chat-area'),
        document.querySelector('.chat'),
      ]
        .filter((el): el is Element => el !== null)
        .map((el) => el.scrollTop + el.scrollLeft),
    );
    expect(scrolled.every((n) => n === 0)).toBe(true);
    const size = page.viewportSize();
    const sidebarHeader = await page.locator('.sidebar-header').boundingBox();
    expect(sidebarHeader?.y).toBe(0);
    if ((await page.locator('.chat-header').count()) === 0 || size === null) return;
    const header = await page.locator('.chat-header').boundingBox();
    const composer = await page.locator('.composer').boundingBox();
    expect(header?.y).toBe(0);
    expect(Math.round((composer?.y ?? 0) + (composer?.height ?? 0))).toBe(size.height);
  }

  const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
  /** The bubble whose text starts with `text` (its time follows in the same box). */
  const bubbleWith = (page: Page, text: string) =>
    log(page)
      .locator('.bubble-text > .text')
      .filter({ hasText: new RegExp(`^${text}$`) });
  const listScroller = (page: Page) => page.locator('.conversation-list .chat-scroller');
  const scrollTopOf = (l: Locator) => l.evaluate((el) => el.scrollTop);

  /** True when `inner` lies inside the visible part of the message list. */
  async function inMessageView(page: Page, inner: Locator): Promise<boolean> {
    const view = await log(page).boundingBox();
    const box = await inner.boundingBox();
    if (!view || !box) return false;
    return box.y >= view.y - 1 && box.y + box.height <= view.y + view.height + 1;
  }

  it('a new account says "No chats yet" with a way to start one', async () => {
    const e = await engine({ deviceName: 'Eve laptop' });
    rig.engines.push(e);
    const page = await window(e);
    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    await page.getByLabel('Username').fill(uniqueUser('eve'));
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('No chats yet').waitFor();
    await page.getByRole('button', { name: 'Start a chat' }).waitFor();
    await screenshot(page, 'size-01-new-account');
  });

  it('the chat list scrolls by wheel and keyboard on its own; text reads in its own direction', async () => {
    const e = await signedIn(dana.username, 30);
    // People who wrote to each other are contacts: none of these chats is a message request.
    expect(
      (await e.client.listConversations()).filter((c) => c.request !== null).map((c) => c.title),
    ).toEqual([]);
    const page = await window(e);
    danaPage = page;
    await page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('button', { name: /Ana Lima/ })
      .waitFor();
    const scroller = listScroller(page);
    expect(await scroller.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);

    // The wheel over the list scrolls the list, not the window.
    await scroller.hover();
    await page.mouse.wheel(0, 600);
    await expect.poll(() => scrollTopOf(scroller)).toBeGreaterThan(0);
    await expectWindowStill(page);
    await page.mouse.wheel(0, -5000);
    await expect.poll(() => scrollTopOf(scroller)).toBe(0);

    // Moving down the list with the keyboard moves the list; the window stays.
    await page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('button', { name: /Ana Lima/ })
      .focus();
    for (let i = 0; i < 25; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => scrollTopOf(scroller)).toBeGreaterThan(0);
    const focused = await page.evaluate(() => document.activeElement?.className ?? '');
    expect(focused).toContain('conversation-row');
    await expectWindowStill(page);

    // Previews and titles choose their direction; a Hebrew preview keeps its first word in view.
    await page.mouse.wheel(0, -5000);
    const hebrewRow = page.getByRole('button', { name: /נועה כהן/ });
    const preview = hebrewRow.locator('.preview-text');
    expect(await preview.getAttribute('dir')).toBe('auto');
    expect(await hebrewRow.locator('.row-title').getAttribute('dir')).toBe('auto');
    expect(await preview.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    const firstWordShown = await preview.evaluate((el) => {
      const text = el.firstChild;
      if (text === null) return false;
      const range = document.createRange();
      range.setStart(text, 0);
      range.setEnd(text, (el.textContent ?? '').indexOf(' '));
      const word = range.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      return word.left >= box.left - 0.5 && word.right <= box.right + 0.5;
    });
    expect(firstWordShown).toBe(true);
    const arabicRow = page.getByRole('button', { name: /ليلى حداد/ });
    expect(
      await arabicRow.locator('.preview-text').evaluate((el) => getComputedStyle(el).direction),
    ).toBe('rtl');

    // Opening a chat from the keyboard keeps the header and the composer in place.
    await hebrewRow.focus();
    await page.keyboard.press('Enter');
    const bubble = log(page).locator('.bubble-text').first();
    await bubble.waitFor();
    expect(await bubble.getAttribute('dir')).toBe('auto');
    expect(await bubble.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    expect(await page.locator('.chat-header h2').getAttribute('dir')).toBe('auto');
    expect(await page.getByText('has not accepted your message request').count()).toBe(0);
    await expectWindowStill(page);
    await screenshot(page, 'size-02-hebrew-chat-1200-light');
  });

  it('a chat with 65 unread opens at the divider; new ones count once; history scrolls back to its beginning', async () => {
    const page = danaPage;
    await page.mouse.wheel(0, -5000);
    await page.getByRole('button', { name: /^Ana Lima.*65 unread/ }).click();

    // The divider is on screen with the first unread message under it.
    const divider = log(page).getByText(`${UNREAD} unread messages`);
    await divider.waitFor();
    await screenshot(page, 'size-03-unread-divider-1200-light');
    expect(await inMessageView(page, divider)).toBe(true);
    const firstUnread = bubbleWith(page, `Ana message ${HISTORY - UNREAD + 1}`);
    expect(await inMessageView(page, firstUnread)).toBe(true);
    await expectWindowStill(page);

    // Three new messages while scrolled up: the round button says 3, not 6.
    const ana = await signedIn((await rig.server.store.getUser(anaId))?.username ?? '', 1);
    for (const text of ['new one', 'new two', 'new three'])
      await ana.client.sendMessage({ conversationId: anaChat, text });
    await page.getByRole('button', { name: 'Jump to latest, 3 new' }).waitFor();
    await expect.poll(() => page.locator('.jump-count').textContent()).toBe('3');

    // Scrolling back: a spinner while loading, no jump, and the beginning at the end.
    await page.evaluate(() => {
      const w = window as unknown as { __sawSpinner: boolean };
      w.__sawSpinner = false;
      new MutationObserver(() => {
        if (document.querySelector('.spinner')) w.__sawSpinner = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    const scroller = log(page);
    const beginning = page.getByText('This is the beginning of the conversation.');
    await expect
      .poll(
        async () => {
          // As a person's wheel would: it also ends holding the previous page's first message.
          await scroller.evaluate((el) => {
            el.dispatchEvent(new WheelEvent('wheel', { bubbles: true }));
            el.scrollTo({ top: 0 });
          });
          return beginning.isVisible();
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    await beginning.waitFor();
    expect(
      await page.evaluate(() => (window as unknown as { __sawSpinner: boolean }).__sawSpinner),
    ).toBe(true);
    await log(page).getByText(`${OLD_WORD} tree`).waitFor();
    await bubbleWith(page, 'Ana message 1').waitFor();
    await expectWindowStill(page);
    await screenshot(page, 'size-04-beginning-1200-light');
  });

  it('loading older history keeps the first visible message at its place on screen', async () => {
    const page = danaPage;
    // Reopen Ana's chat: a fresh list with only the newest page loaded.
    await page.getByRole('button', { name: /Friend 2\b/ }).click();
    await log(page).locator('.bubble').first().waitFor();
    await page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('button', { name: /Ana Lima/ })
      .click();
    await page.locator('.chat-header h2', { hasText: 'Ana Lima' }).waitFor();
    await log(page).locator('.bubble').first().waitFor();
    const scroller = log(page);
    for (let load = 0; load < 3; load++) {
      // Scrolls to the top and follows the first visible message, frame by frame, until older
      // messages went in above it and the list settled: how far it ever moved from its place.
      const moved = await scroller.evaluate(async (el) => {
        const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
        const rows = () => [...el.querySelectorAll<HTMLElement>('[data-key]')];
        const firstVisible = () => {
          const top = el.getBoundingClientRect().top;
          return rows().find((row) => row.getBoundingClientRect().bottom > top + 1) ?? null;
        };
        // To the top as a person's wheel would go (which ends holding the previous anchor).
        el.dispatchEvent(new WheelEvent('wheel', { bubbles: true }));
        el.scrollTop = 0;
        await frame();
        const anchor = firstVisible();
        if (anchor === null) return { error: 'no row in view' };
        const key = anchor.dataset.key ?? '';
        const at = () =>
          el.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`)?.getBoundingClientRect()
            .top ?? Number.NaN;
        const rowsAbove = () => rows().findIndex((row) => row.dataset.key === key);
        const start = at();
        const aboveBefore = rowsAbove();
        let worst = 0;
        let prepended = false;
        for (let frames = 0, settled = 0; frames < 600 && settled < 30; frames++) {
          await frame();
          const drift = Math.abs(at() - start);
          if (!Number.isNaN(drift)) worst = Math.max(worst, drift);
          if (rowsAbove() > aboveBefore) prepended = true;
          if (prepended) settled++;
        }
        return { prepended, worst };
      });
      expect(moved).toMatchObject({ prepended: true });
      expect((moved as { worst: number }).worst).toBeLessThanOrEqual(2);
    }
    await expectWindowStill(page);
  });

  it('a search hit far back opens its chat there, highlighted inside the message list', async () => {
    const page = danaPage;
    await page.getByRole('button', { name: /Friend 1\b/ }).click();
    await log(page).waitFor();
    await page.getByLabel('Search chats and messages').fill(OLD_WORD);
    const hit = page.locator('.hit-row', { hasText: OLD_WORD });
    await hit.click();
    const highlighted = log(page).locator('.bubble.highlighted');
    await highlighted.waitFor();
    expect(await highlighted.textContent()).toContain(`${OLD_WORD} tree`);
    expect(await inMessageView(page, highlighted)).toBe(true);
    await expectWindowStill(page);
    await page.getByLabel('Search chats and messages').press('Escape');
  });

  it('holds its layout at 640×420 and in dark mode', async () => {
    const page = danaPage;
    await page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('button', { name: /Ana Lima/ })
      .click();
    await log(page).waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'size-05-chat-1200-dark');
    await page.setViewportSize({ width: 640, height: 420 });
    await expectWindowStill(page);
    await screenshot(page, 'size-06-chat-640-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'size-07-chat-640-light');
    // Tabbing down the list at the small size still moves only the list.
    await page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('button', { name: /Ana Lima/ })
      .focus();
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => scrollTopOf(listScroller(page))).toBeGreaterThan(0);
    await expectWindowStill(page);
    await screenshot(page, 'size-08-list-640-light');
  });

  it('an account of 1,000 chats draws only the rows in view and scrolls to the last one', async () => {
    const lee = await register(rig.server, uniqueUser('lee'), PASSWORD);
    const names = Array.from({ length: 1000 }, (_, i) =>
      i % 10 === 3 ? `سامي ${i + 1}` : `Contact ${i + 1}`,
    );
    await Promise.all(
      names.map(async (name) =>
        seedDirect(rig.server.store, lee.user.id, await seedPerson(rig.server.store, name)),
      ),
    );
    const e = await signedIn(lee.user.username, 1000);
    const page = await window(e);
    await page.locator('.conversation-row').first().waitFor();
    const scroller = listScroller(page);
    expect(await page.locator('.conversation-row').count()).toBeLessThan(60);
    // The scroll height stands for all 1,000 rows.
    const rowHeight = (await page.locator('.conversation-row').first().boundingBox())?.height ?? 0;
    expect(await scroller.evaluate((el) => el.scrollHeight)).toBeGreaterThan(rowHeight * 990);
    await scroller.hover();
    await page.mouse.wheel(0, rowHeight * 1200);
    await expect
      .poll(() => scroller.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 2))
      .toBe(true);
    expect(await page.locator('.conversation-row').count()).toBeLessThan(60);
    await expectWindowStill(page);
    await screenshot(page, 'size-09-thousand-chats-1200-light');
  });
});
