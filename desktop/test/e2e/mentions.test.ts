import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seedPerson } from '../seed';
import { audit } from './axe';
import { chromiumAvailable, screenshot } from './browser';
import { useRig } from './rig';

const runBrowser = chromiumAvailable();

/** Members of the group besides Ana and Bob: a few who share Bob's first letters, the rest plain. */
const OTHERS = [
  'Boris Ivanov',
  'Bea Santos',
  'Roberta Bocelli',
  'Carla Mendes',
  ...Array.from({ length: 24 }, (_, i) => `Reader ${String(i + 1).padStart(2, '0')}`),
];

/**
 * Mentions as people meet them (issue #14): in a group of thirty, Ana types "@bo", picks Bob from
 * the list with the keyboard, and sends; Bob, who muted the group, sees the "@" on the chat in his
 * list and his name highlighted in the message.
 */
// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('mentions in a group of thirty (Chromium)', () => {
  const rig = useRig();

  /** A window on a new engine, signed up as `displayName`. */
  const person = (displayName: string) => rig.person(displayName, displayName);

  const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
  const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });

  it('Ana mentions Bob through the picker; Bob sees the "@" in his list and his name highlighted', async () => {
    const ana = await person('Ana Lima');
    const bob = await person('Bob Stone');
    const others = await Promise.all(OTHERS.map((name) => seedPerson(rig.server.store, name)));
    const club = await ana.engine.client.createGroup({
      title: 'Book club',
      memberIds: [bob.userId, ...others],
    });
    expect(club.memberCount).toBe(30);
    const bobRow = bob.page.getByRole('button', { name: /^Book club/ });
    await bobRow.waitFor();
    await bob.engine.client.setMuted(club.id, true);

    // Ana opens the group and types "@bo": the picker lists who matches, Bob's namesakes too.
    await ana.page.getByRole('button', { name: /^Book club/ }).click();
    const field = composer(ana.page);
    await field.click();
    await field.pressSequentially('Hi @bo');
    const picker = ana.page.getByRole('listbox', { name: 'Mention a member' });
    await picker.waitFor();
    const options = picker.getByRole('option');
    // Names that start with "bo" first, then usernames, then any word: Roberta's "Bocelli".
    expect(await options.allInnerTexts()).toEqual([
      expect.stringContaining('Bob Stone'),
      expect.stringContaining('Boris Ivanov'),
      expect.stringContaining('Roberta Bocelli'),
    ]);
    await expect.poll(() => options.first().getAttribute('aria-selected')).toBe('true');
    await screenshot(ana.page, 'mentions-01-picker');
    expect(await audit(ana.page, 'mention-picker')).toEqual([]);

    // Arrows move the choice (the field keeps the focus and names it); Escape closes the list.
    await field.press('ArrowDown');
    await expect.poll(() => options.nth(1).getAttribute('aria-selected')).toBe('true');
    await expect
      .poll(() => field.getAttribute('aria-activedescendant'))
      .toBe(await options.nth(1).getAttribute('id'));
    await field.press('ArrowUp');
    await field.press('Escape');
    await picker.waitFor({ state: 'detached' });
    // Typing on reopens it for the new word; Enter picks Bob and inserts his name as a token.
    await field.press('Backspace');
    await field.pressSequentially('o');
    await picker.waitFor();
    await field.press('Enter');
    await picker.waitFor({ state: 'detached' });
    expect(await field.inputValue()).toBe('Hi @Bob Stone ');
    await field.pressSequentially('can you bring the book on Friday?');
    await field.press('Enter');

    const sent = log(ana.page).getByRole('article').filter({ hasText: 'bring the book' });
    await sent.locator('.mention', { hasText: '@Bob Stone' }).waitFor();

    // Bob muted the group: the list still shows the "@" beside the unread count.
    await bob.page.getByRole('button', { name: /You were mentioned/ }).waitFor();
    expect(await bobRow.getAttribute('aria-label')).toBeNull();
    expect(await bobRow.textContent()).toMatch(/@.*You were mentioned/);
    await screenshot(bob.page, 'mentions-02-list-badge');
    await bobRow.click();
    const received = log(bob.page).getByRole('article').filter({ hasText: 'bring the book' });
    const me = received.locator('.mention.mention-me');
    await me.waitFor();
    expect(await me.textContent()).toBe('@Bob Stone');
    await screenshot(bob.page, 'mentions-03-highlighted');
    expect(await audit(bob.page, 'mention-received')).toEqual([]);
    // Read now: the "@" leaves the list.
    await bob.page
      .getByRole('button', { name: /You were mentioned/ })
      .waitFor({ state: 'detached' });
  });
});
