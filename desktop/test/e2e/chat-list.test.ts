/**
 * The chat list as a person organizes it (issue #15), in Chromium over real engines and a real
 * server: one account on two devices (laptop and phone) with 33 chats, and a peer who writes. Pin
 * three chats (a fourth is refused), archive one (a new message keeps it archived), mark one
 * unread, mute one for 8 hours from its menu and the group for 8 hours from its info panel (then
 * unmute it there), the All / Unread / Groups chips, and a draft typed on the laptop that shows on
 * the phone. Screenshots in both themes; axe on the list, the row menu and the mute choices.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { register } from '@chitchat/server/testing';
import { engine, online, PASSWORD, showsTexts, uniqueUser, until, type Engine } from '../engines';
import { chromiumAvailable, openApp, screenshot } from './browser';
import { useRig } from './rig';
import { audit } from './axe';
import { seedDirect, seedMessages, seedPerson } from '../seed';

const runBrowser = chromiumAvailable();
const CHATS = 32;

// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('the chat list on two devices of one account', () => {
  const rig = useRig();
  let dana: { username: string; id: string };
  let ana: Engine;
  let anaChat: string;
  let groupId: string;
  /** The seeded direct chats, most recent first. */
  const friends: string[] = [];

  beforeAll(async () => {
    const session = await register(rig.server, uniqueUser('dana'), PASSWORD);
    dana = { username: session.user.username, id: session.user.id };
    const store = rig.server.store;
    const now = Date.now();
    // 32 chats; Dana wrote last in most of them (nothing unread), the peer in three.
    for (let i = 0; i < CHATS; i++) {
      const peer = await seedPerson(store, `Friend ${i + 1}`);
      const chat = await seedDirect(store, dana.id, peer);
      const unread = i >= 6 && i <= 8;
      await seedMessages(store, chat, [
        {
          from: unread ? peer : dana.id,
          text: `${unread ? 'Hi Dana' : 'Hello'} (${i + 1})`,
          at: now - (i + 2) * 3_600_000,
        },
      ]);
      friends.push(chat);
    }
    // Ana writes from her own engine; her chat is the most recent.
    ana = await engine({ deviceName: 'Ana phone' });
    rig.engines.push(ana);
    await ana.client.signUp({
      serverUrl: rig.server.url,
      username: uniqueUser('ana'),
      password: PASSWORD,
      displayName: 'Ana Lima',
    });
    await online(ana.client);
    const anaSession = await ana.client.getSession();
    if (anaSession.status !== 'signed_in') throw new Error('Ana is not signed in');
    anaChat = await seedDirect(store, dana.id, anaSession.user.id);
    await seedMessages(store, anaChat, [{ from: dana.id, text: 'Morning Ana', at: now - 60_000 }]);
  }, 120_000);

  /** A device of Dana's, signed in with its first sync done, and its window. */
  async function device(name: string): Promise<{ engine: Engine; page: Page }> {
    const e = await engine({ deviceName: name });
    rig.engines.push(e);
    await e.client.signIn({
      serverUrl: rig.server.url,
      username: dana.username,
      password: PASSWORD,
    });
    await until(
      e.client,
      async () => ((await e.client.listConversations()).length >= CHATS + 1 ? true : undefined),
      60_000,
      'every chat',
    );
    const w = await openApp(rig.browser, rig.app.url, e.client, {
      defaultServerUrl: rig.server.url,
    });
    rig.windows.push(w);
    await w.page.setViewportSize({ width: 1100, height: 900 });
    await w.page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    return { engine: e, page: w.page };
  }

  const row = (page: Page, id: string) =>
    page.getByRole('navigation', { name: 'Conversations' }).locator(`[data-row-id="${id}"]`);
  const rowIds = async (page: Page) =>
    page
      .getByRole('navigation', { name: 'Conversations' })
      .locator('[data-row-id]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-id') ?? ''));
  /** Opens a row's menu with the mouse and picks an item. */
  async function choose(page: Page, id: string, item: string) {
    await row(page, id).click({ button: 'right' });
    await page.getByRole('menuitem', { name: item, exact: true }).click();
    await page.getByRole('menu').waitFor({ state: 'detached' });
  }

  it('pin three, archive one (a new message keeps it there), mark unread, mute for 8 hours, filter, and a draft that moves between devices', async () => {
    const laptop = await device('Dana laptop');
    const phone = await device('Dana phone');
    const group = await laptop.engine.client.createGroup({
      title: 'Book club',
      memberIds: [await anaId()],
    });
    groupId = group.id;
    await row(phone.page, groupId).waitFor();

    // Pin three chats: two with the mouse, one from the keyboard (Shift+F10 on the focused row).
    const [f1, f2, f3, f4, f5, f6] = friends as [string, string, string, string, string, string];
    await choose(laptop.page, f3, 'Pin chat');
    await choose(laptop.page, f5, 'Pin chat');
    await row(laptop.page, f6).focus();
    await laptop.page.keyboard.press('Shift+F10');
    const menu = laptop.page.getByRole('menu');
    await menu.waitFor();
    expect(await audit(laptop.page, 'chat-row-menu')).toEqual([]);
    await screenshot(laptop.page, 'chat-list-01-row-menu');
    await menu.getByRole('menuitem', { name: 'Pin chat' }).focus();
    await laptop.page.keyboard.press('Enter');
    await menu.waitFor({ state: 'detached' });
    // A fourth is refused with a clear message.
    await choose(laptop.page, f1, 'Pin chat');
    await laptop.page.getByRole('alert').filter({ hasText: 'pin up to 3 chats' }).waitFor();
    // Both devices show the three on top, the last pinned first, each with a pin.
    for (const page of [laptop.page, phone.page]) {
      await expect
        .poll(async () => (await rowIds(page)).slice(0, 3), { timeout: 15_000 })
        .toEqual([f6, f5, f3]);
      for (const id of [f6, f5, f3])
        await row(page, id).getByRole('img', { name: 'Pinned' }).waitFor();
    }

    // Archive Ana's chat on the phone: it leaves the list for "Archived" on both devices.
    await choose(phone.page, anaChat, 'Archive chat');
    for (const page of [phone.page, laptop.page]) {
      await row(page, anaChat).waitFor({ state: 'detached' });
      await page.getByRole('button', { name: /^Archived/ }).waitFor();
    }
    // Ana writes: the chat stays archived (as WhatsApp does).
    await ana.client.sendMessage({ conversationId: anaChat, text: 'Still there?' });
    await showsTexts(phone.engine.client, anaChat, ['Morning Ana', 'Still there?']);
    expect(await row(phone.page, anaChat).count()).toBe(0);
    await phone.page.getByRole('button', { name: /^Archived/ }).click();
    await row(phone.page, anaChat).waitFor();
    await screenshot(phone.page, 'chat-list-02-archived');
    await phone.page.getByRole('button', { name: 'Back to chats' }).click();

    // Mark as unread and mute for 8 hours on the laptop: a dot and a muted icon on the phone.
    await choose(laptop.page, f2, 'Mark as unread');
    await choose(laptop.page, f4, 'Mute for 8 hours');
    await row(phone.page, f2).filter({ hasText: 'marked as unread' }).waitFor();
    await row(phone.page, f4).getByRole('img', { name: 'Muted' }).waitFor();

    // The group's info panel asks for how long, with the row menu's choices: 8 hours, picked with
    // the keyboard, reaches the phone as a time about 8 hours away (not "always").
    await row(laptop.page, groupId).click();
    await laptop.page.getByRole('button', { name: 'Group info', exact: true }).click();
    const info = laptop.page.getByRole('dialog', { name: 'Group info' });
    const toggle = info.getByLabel('Mute notifications');
    await toggle.focus();
    await laptop.page.keyboard.press('Space');
    const muteFor = info.getByRole('group', { name: 'Mute this chat for' });
    await muteFor.waitFor();
    expect(await toggle.isChecked()).toBe(false);
    expect(await muteFor.locator('label').allInnerTexts()).toEqual(['8 hours', '1 week', 'Always']);
    // Focus is on the chosen duration (8 hours); the arrows move the choice.
    await laptop.page.keyboard.press('ArrowDown');
    expect(await muteFor.getByRole('radio', { name: '1 week' }).isChecked()).toBe(true);
    await laptop.page.keyboard.press('ArrowUp');
    expect(await muteFor.getByRole('radio', { name: '8 hours' }).isChecked()).toBe(true);
    // axe in both themes (it saves a screenshot of each: a11y-mute-choices-light/-dark).
    expect(await audit(laptop.page, 'mute-choices')).toEqual([]);
    await info.getByRole('button', { name: 'Mute', exact: true }).click();
    const mutedGroup = await until(
      phone.engine.client,
      async () =>
        (await phone.engine.client.listConversations()).find((c) => c.id === groupId && c.muted),
      15_000,
      'the group muted on the phone',
    );
    expect(mutedGroup.mutedUntil).not.toBe('always');
    const hoursLeft = (Date.parse(mutedGroup.mutedUntil ?? '') - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(7.9);
    expect(hoursLeft).toBeLessThanOrEqual(8);
    await info.getByText(/^Muted until /).waitFor();
    expect(await toggle.isChecked()).toBe(true);
    await row(phone.page, groupId)
      .getByRole('img', { name: /^Muted until / })
      .waitFor();
    // Turning it off unmutes at once, on both devices.
    await toggle.focus();
    await laptop.page.keyboard.press('Space');
    await row(phone.page, groupId)
      .getByRole('img', { name: /^Muted/ })
      .waitFor({ state: 'detached' });
    expect(await toggle.isChecked()).toBe(false);
    expect(await muteFor.count()).toBe(0);
    await laptop.page.keyboard.press('Escape');
    await info.waitFor({ state: 'detached' });

    // Filters: Unread shows the three with messages from the peer and the one marked; Groups the group.
    await phone.page.getByRole('button', { name: 'Unread', exact: true }).click();
    await expect
      .poll(async () => (await rowIds(phone.page)).sort(), { timeout: 15_000 })
      .toEqual([f2, ...friends.slice(6, 9)].sort());
    await screenshot(phone.page, 'chat-list-03-unread-filter');
    await phone.page.getByRole('button', { name: 'Groups', exact: true }).click();
    await expect.poll(() => rowIds(phone.page), { timeout: 15_000 }).toEqual([groupId]);
    await phone.page.getByRole('button', { name: 'All', exact: true }).click();

    // A draft typed on the laptop shows on the phone's row and in its composer.
    await row(laptop.page, f1).click();
    await laptop.page.getByLabel('Message', { exact: true }).fill('See you at 8');
    await row(phone.page, f1)
      .filter({ hasText: 'Draft:' })
      .filter({ hasText: 'See you at 8' })
      .waitFor();
    await row(phone.page, f1).click();
    await expect
      .poll(() => phone.page.getByLabel('Message', { exact: true }).inputValue(), {
        timeout: 15_000,
      })
      .toBe('See you at 8');

    await screenshot(laptop.page, 'chat-list-04-light');
    expect(await audit(laptop.page, 'chat-list-light')).toEqual([]);
    await laptop.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(laptop.page, 'chat-list-05-dark');
    expect(await audit(laptop.page, 'chat-list-dark')).toEqual([]);
    await phone.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(phone.page, 'chat-list-06-phone-dark');
  });

  async function anaId(): Promise<string> {
    const s = await ana.client.getSession();
    if (s.status !== 'signed_in') throw new Error('Ana is not signed in');
    return s.user.id;
  }
});
