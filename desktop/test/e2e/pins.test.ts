import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startServer } from '@chitchat/server/testing';
import { wholeHistory } from '../engines';
import { seedMessages, seedPerson } from '../seed';
import { audit } from './axe';
import { chromiumAvailable, screenshot } from './browser';
import { useRig } from './rig';

const runBrowser = chromiumAvailable();

/**
 * Pinned messages as people use them (issue #14), in a group of a dozen with a history of a few
 * hundred messages: Ana finds an old message by search and pins it, then pins a recent one with the
 * keyboard; Bob sees the bar, cycles through both pins and lands on the old one, which his window
 * had not loaded; the "pinned a message" line jumps too; Ana unpins, and a deleted message's pin
 * leaves the bar. Then, offline, Ana replies to and edits a message still waiting to be sent, and
 * Bob sees both land right after the reconnect.
 */
// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('pinned messages and pending targets (Chromium)', () => {
  const rig = useRig();

  /** A window on a new engine, signed up as `displayName`. */
  const person = (displayName: string) => rig.person(displayName);

  const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
  /** The bubble whose own text is exactly `text` (not a reply quoting it). */
  const row = (page: Page, text: string) =>
    log(page)
      .locator('.bubble-row')
      .filter({ has: page.locator('.bubble-text .text').getByText(text, { exact: true }) });
  const action = (page: Page, text: string, name: string) =>
    row(page, text)
      .getByRole('toolbar', { name: 'Message actions' })
      .getByRole('button', { name, exact: true });
  const bar = (page: Page) => page.getByRole('region', { name: 'Pinned messages' });
  /** The bar's button as a screen reader names it ('' while there is no bar). */
  const barName = async (page: Page) => {
    const snapshot = await bar(page)
      .ariaSnapshot({ timeout: 1_000 })
      .catch(() => '');
    return /button "(.*)"/.exec(snapshot)?.[1] ?? '';
  };
  const barSays = (page: Page, pattern: RegExp) =>
    expect.poll(() => barName(page), { timeout: 15_000 }).toMatch(pattern);
  /**
   * The list went to the message: its row is drawn (the list draws only what is near the screen).
   * The highlight that follows a jump lasts 3 s, too short to wait for on a busy machine.
   */
  const shownAt = (page: Page, text: string) => row(page, text).waitFor({ timeout: 20_000 });
  /** Scrolls to the newest message; the button goes away once there (it may while clicked). */
  async function toLatest(page: Page) {
    await log(page).waitFor();
    const jump = page.getByRole('button', { name: /^Jump to latest/ });
    await expect
      .poll(
        async () => {
          if (await jump.isVisible()) await jump.click({ timeout: 2_000 }).catch(() => undefined);
          return jump.isVisible();
        },
        { timeout: 15_000 },
      )
      .toBe(false);
  }

  it('pin an old and a recent message, cycle and jump from the bar, unpin; reply to and edit a pending message offline', async () => {
    const ana = await person('Ana Lima');
    const bob = await person('Bob Stone');
    const readers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => seedPerson(rig.server.store, `Reader ${i + 1}`)),
    );
    const club = await ana.engine.client.createGroup({
      title: 'Book club',
      memberIds: [bob.userId, ...readers],
    });
    const old = 'Meet at the library on Friday';
    const start = Date.now() - 3_600_000;
    await seedMessages(rig.server.store, club.id, [
      { from: readers[0] ?? bob.userId, text: old, at: start },
      ...Array.from({ length: 400 }, (_, i) => ({
        from: readers[i % readers.length] ?? bob.userId,
        text: `Chapter note ${i + 1}`,
        at: start + (i + 1) * 1_000,
      })),
    ]);
    const recent = 'Bring your copy of the book';
    await bob.page.getByRole('button', { name: /^Book club/ }).waitFor();
    await bob.engine.client.sendMessage({ conversationId: club.id, text: recent });
    for (const d of [ana, bob]) {
      await d.page.getByRole('button', { name: /^Book club/ }).click();
      await toLatest(d.page);
      await row(d.page, recent).waitFor();
    }
    expect(await bar(bob.page).count()).toBe(0);

    // Ana's laptop has the whole history (she read it all: search looks in what a device holds);
    // she finds the old message by search, the chat opens there, and she pins it from its actions.
    expect((await wholeHistory(ana.engine.client, club.id)).some((m) => m.text === old)).toBe(true);
    await ana.page.getByLabel('Search chats and messages').fill('library');
    await ana.page.locator('.hit-row', { hasText: old }).click();
    await shownAt(ana.page, old);
    await row(ana.page, old).hover();
    await action(ana.page, old, 'Pin').click();
    await row(ana.page, old).getByRole('img', { name: 'Pinned' }).waitFor();
    await barSays(ana.page, /^Pinned message: Reader 1: Meet at the library on Friday$/);
    await ana.page.getByLabel('Search chats and messages').press('Escape');

    // Bob's bar shows it live; his window has only the newest page, without the old message.
    await barSays(bob.page, /^Pinned message: Reader 1: Meet at the library on Friday$/);
    await log(bob.page).getByText('Ana Lima pinned a message').waitFor();
    expect(await row(bob.page, old).count()).toBe(0);

    // Back at the bottom, Ana pins the recent message with the keyboard (P on the message).
    await toLatest(ana.page);
    const recentBubble = row(ana.page, recent).getByRole('article');
    await recentBubble.focus();
    await recentBubble.press('p');
    await row(ana.page, recent).getByRole('img', { name: 'Pinned' }).waitFor();
    await log(ana.page).getByText('You pinned a message').nth(1).waitFor();

    // Bob: the newest pin first, "1/2", and a line per pin.
    await barSays(bob.page, /^Pinned message 1 of 2: You: Bring your copy of the book$/);
    expect(await bar(bob.page).locator('.pinned-count').textContent()).toBe('1/2');
    expect(await log(bob.page).getByText('Ana Lima pinned a message').count()).toBe(2);
    await screenshot(bob.page, 'pins-01-bar-with-two-pins');
    expect(await audit(bob.page, 'pinned-bar')).toEqual([]);

    // A click jumps to the shown pin and moves the bar on; the next click reaches the old message,
    // loading the history up to it; the bar then starts over.
    await bar(bob.page).getByRole('button').click();
    await shownAt(bob.page, recent);
    await barSays(bob.page, /^Pinned message 2 of 2: Reader 1: Meet at the library on Friday$/);
    await bar(bob.page).getByRole('button').focus();
    await bob.page.keyboard.press('Enter');
    await shownAt(bob.page, old);
    await barSays(bob.page, /^Pinned message 1 of 2: You: Bring/);
    await screenshot(bob.page, 'pins-02-jumped-to-the-old-pin');

    // The system line jumps too: Ana's first "You pinned a message" names the old message.
    await toLatest(ana.page);
    await row(ana.page, old).waitFor({ state: 'detached' });
    await log(ana.page).getByRole('button', { name: 'You pinned a message' }).first().click();
    await shownAt(ana.page, old);

    // Ana unpins the recent one from its actions: Bob's bar keeps only the old one.
    await toLatest(ana.page);
    await row(ana.page, recent).hover();
    await action(ana.page, recent, 'Unpin').click();
    await row(ana.page, recent).getByRole('img', { name: 'Pinned' }).waitFor({ state: 'detached' });
    await barSays(bob.page, /^Pinned message: Reader 1: Meet at the library on Friday$/);
    await toLatest(bob.page);
    await log(bob.page).getByText('Ana Lima unpinned a message').waitFor();
    await screenshot(bob.page, 'pins-03-after-unpin');
    await bob.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(bob.page, 'pins-04-after-unpin-dark');
    await bob.page.emulateMedia({ colorScheme: 'light' });

    // Ana (the group's owner) deletes the old message for everyone: its pin leaves every bar.
    await log(ana.page).getByRole('button', { name: 'You pinned a message' }).first().click();
    await shownAt(ana.page, old);
    await row(ana.page, old).hover();
    await action(ana.page, old, 'Delete').click();
    await ana.page.getByRole('button', { name: 'Delete for everyone' }).click();
    for (const d of [ana, bob]) await bar(d.page).waitFor({ state: 'detached', timeout: 15_000 });

    // ---- Offline: Ana writes, replies to that message still in the outbox, then edits it.
    await toLatest(ana.page);
    const { dataDir, port } = rig.server;
    await rig.server.stop();
    await ana.page
      .getByRole('status')
      .filter({ hasText: /Connecting|offline/ })
      .first()
      .waitFor({ timeout: 20_000 });
    const composer = ana.page.getByRole('textbox', { name: 'Message' });
    const first = 'Is the meeting still on?';
    await composer.fill(first);
    await composer.press('Enter');
    await row(ana.page, first).getByRole('img', { name: 'Pending' }).waitFor();
    // A pending message cannot be pinned yet, and says why.
    const pin = action(ana.page, first, 'Pin');
    expect(await pin.getAttribute('aria-disabled')).toBe('true');
    expect(await pin.getAttribute('title')).toBe('You can pin this message once it is sent');
    await row(ana.page, first).hover();
    await action(ana.page, first, 'Reply').click();
    const reply = 'I mean this Friday';
    await composer.fill(reply);
    await composer.press('Enter');
    await row(ana.page, reply).getByRole('button', { name: 'Reply to You' }).waitFor();
    await row(ana.page, reply).getByRole('img', { name: 'Pending' }).waitFor();
    await row(ana.page, first).hover();
    await action(ana.page, first, 'Edit').click();
    const edited = 'Is the meeting still on at six?';
    await composer.fill(edited);
    await composer.press('Enter');
    await row(ana.page, edited).waitFor();
    await row(ana.page, edited).getByRole('img', { name: 'Pending' }).waitFor();
    await screenshot(ana.page, 'pins-05-reply-and-edit-pending-offline');

    rig.server = await startServer({ dataDir, port });
    // After the reconnect: sent once each with the edited text (an edit made before the first try
    // rewrites the message itself, so it need not read "edited"), the reply quoting it.
    await expect
      .poll(() => log(ana.page).getByRole('img', { name: 'Pending' }).count(), {
        timeout: 30_000,
      })
      .toBe(0);
    for (const d of [ana, bob]) {
      await row(d.page, edited).waitFor({ timeout: 30_000 });
      await expect
        .poll(() => row(d.page, reply).locator('.quote-text').textContent(), { timeout: 15_000 })
        .toBe(edited);
    }
    await row(bob.page, reply).getByRole('button', { name: 'Reply to Ana Lima' }).waitFor();
    expect(await row(bob.page, first).count()).toBe(0);
    expect(await log(bob.page).getByText(reply, { exact: true }).count()).toBe(1);
    await screenshot(bob.page, 'pins-06-reply-and-edit-landed-for-bob');
    // Bob quotes the message Ana replied to: the reply is on its seq, not on another.
    await row(bob.page, reply).getByRole('button', { name: 'Reply to Ana Lima' }).click();
    await shownAt(bob.page, edited);
  });
});
