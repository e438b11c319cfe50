import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { online, PASSWORD } from '../engines';
import { seedMessages, seedPerson } from '../seed';
import { audit } from './axe';
import { chromiumAvailable, screenshot } from './browser';
import { useRig } from './rig';

const runBrowser = chromiumAvailable();

/**
 * Reactions as people use them (issue #14), in a group of two dozen with a long history: Ana reacts
 * from the quick bar, changes her mind, picks from the full picker and with the keyboard; Bob sees
 * each change on his screen and Ana's phone follows; the chip shows who reacted, and Ana removes
 * hers from there.
 */
// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('reactions in a group (Chromium)', () => {
  const rig = useRig();

  const device = (name: string) => rig.device(name);

  /** A window on a new engine, signed up as `displayName`. */
  const person = (displayName: string) => rig.person(displayName);

  const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
  const row = (page: Page, text: string) =>
    log(page).locator('.bubble-row').filter({ hasText: text });
  const action = (page: Page, text: string, name: string) =>
    row(page, text)
      .getByRole('toolbar', { name: 'Message actions' })
      .getByRole('button', { name, exact: true });
  /** The chips under a message, as their text reads (`👍`, `❤️2`...), and which is yours. */
  const chips = async (page: Page, text: string) =>
    row(page, text)
      .locator('.reaction-chip')
      .evaluateAll((nodes) =>
        nodes.map((n) => `${n.textContent ?? ''}${n.classList.contains('mine') ? ' mine' : ''}`),
      );
  const showsChips = (page: Page, text: string, expected: string[]) =>
    expect.poll(() => chips(page, text), { timeout: 15_000 }).toEqual(expected);

  it('react, change it, see it on the other screen and the second device, then remove it', async () => {
    const ana = await person('Ana Lima');
    const bob = await person('Bob Stone');
    const phone = await device('Ana phone');
    await phone.engine.client.signIn({
      serverUrl: rig.server.url,
      username: ana.username,
      password: PASSWORD,
    });
    await online(phone.engine.client);
    const others = await Promise.all(
      Array.from({ length: 22 }, (_, i) => seedPerson(rig.server.store, `Member ${i + 1}`)),
    );
    const team = await ana.engine.client.createGroup({
      title: 'Weekend trip',
      memberIds: [bob.userId, ...others],
    });
    expect(team.memberCount).toBe(24);
    // A long history before the message everyone reacts to.
    const start = Date.now() - 3_600_000;
    await seedMessages(
      rig.server.store,
      team.id,
      Array.from({ length: 60 }, (_, i) => ({
        from: others[i % others.length] ?? bob.userId,
        text: `Plan item ${i + 1}`,
        at: start + i * 1_000,
      })),
    );
    const question = 'Shall we leave at 8 on Saturday?';
    await bob.page.getByRole('button', { name: /^Weekend trip/ }).waitFor();
    await bob.engine.client.sendMessage({ conversationId: team.id, text: question });
    for (const d of [ana, bob, phone])
      await d.page.getByRole('button', { name: /^Weekend trip/ }).click();
    // The chat opens at the first unread of a long history: each jumps to the latest message.
    // The button shows once the timeline has drawn, so ask again until the message is there
    // (looking once could come before the button, and leave the message off screen).
    for (const d of [ana, bob, phone]) {
      const jump = d.page.getByRole('button', { name: /^Jump to latest/ });
      await expect
        .poll(
          async () => {
            if (await row(d.page, question).isVisible()) return true;
            if (await jump.isVisible()) await jump.click({ timeout: 2_000 }).catch(() => undefined);
            return false;
          },
          { timeout: 30_000 },
        )
        .toBe(true);
    }

    // Ana hovers the message and opens the quick bar: six emoji and "+".
    await row(ana.page, question).hover();
    await action(ana.page, question, 'React').click();
    const bar = ana.page.getByRole('dialog', { name: 'React to message' });
    await bar.waitFor();
    // The bar takes the focus (keyboard users start on its first emoji).
    expect(await ana.page.evaluate(() => document.activeElement?.textContent)).toBe('👍');
    expect(await bar.getByRole('button').allTextContents()).toEqual([
      '👍',
      '❤️',
      '😂',
      '😮',
      '😢',
      '🙏',
      '+',
    ]);
    await screenshot(ana.page, 'reactions-01-quick-bar');
    expect(await audit(ana.page, 'reaction-bar')).toEqual([]);
    await bar.getByRole('button', { name: 'React 👍' }).click();
    await bar.waitFor({ state: 'detached' });
    await showsChips(ana.page, question, ['👍 mine']);
    await showsChips(bob.page, question, ['👍']);
    await showsChips(phone.page, question, ['👍 mine']);
    await screenshot(bob.page, 'reactions-02-bob-sees-thumbs-up');

    // She changes her mind: ❤️ replaces 👍 everywhere (one reaction per person).
    await row(ana.page, question).hover();
    await action(ana.page, question, 'React').click();
    await bar.getByRole('button', { name: 'Remove 👍' }).waitFor();
    await bar.getByRole('button', { name: 'React ❤️' }).click();
    await showsChips(ana.page, question, ['❤️ mine']);
    await showsChips(bob.page, question, ['❤️']);
    await showsChips(phone.page, question, ['❤️ mine']);

    // Bob adds his own ❤️: one chip counts two.
    await row(bob.page, question).hover();
    await action(bob.page, question, 'React').click();
    await bob.page
      .getByRole('dialog', { name: 'React to message' })
      .getByRole('button', { name: 'React ❤️' })
      .click();
    await showsChips(bob.page, question, ['❤️2 mine']);
    await showsChips(ana.page, question, ['❤️2 mine']);

    // The full picker: search, pick 🎉 (Ana's reaction becomes the party popper).
    await row(ana.page, question).hover();
    await action(ana.page, question, 'React').click();
    await bar.getByRole('button', { name: 'More reactions' }).click();
    const picker = ana.page.getByRole('dialog', { name: 'Choose a reaction' });
    await picker.waitFor();
    await picker.getByRole('searchbox', { name: 'Search emoji' }).fill('party');
    await screenshot(ana.page, 'reactions-03-picker-search');
    expect(await audit(ana.page, 'emoji-picker')).toEqual([]);
    await picker.getByRole('button', { name: /^🎉/ }).click();
    await picker.waitFor({ state: 'detached' });
    await showsChips(ana.page, question, ['❤️', '🎉 mine']);
    await showsChips(bob.page, question, ['❤️ mine', '🎉']);
    await showsChips(phone.page, question, ['❤️', '🎉 mine']);

    // By keyboard: on the message, "+" opens the bar; arrows move, Enter chooses 😂.
    await row(ana.page, question).getByRole('article').focus();
    await ana.page.keyboard.press('+');
    await bar.waitFor();
    await expect
      .poll(() => ana.page.evaluate(() => document.activeElement?.textContent))
      .toBe('👍');
    await ana.page.keyboard.press('ArrowRight');
    await ana.page.keyboard.press('ArrowRight');
    await ana.page.keyboard.press('Enter');
    await showsChips(bob.page, question, ['❤️ mine', '😂']);
    await showsChips(phone.page, question, ['❤️', '😂 mine']);

    // Bob clicks the chips: who reacted, by name.
    await row(bob.page, question).locator('.reaction-chip').first().click();
    const details = bob.page.getByRole('dialog', { name: '2 reactions' });
    await details.waitFor();
    expect(await details.locator('.reaction-person-name').allTextContents()).toEqual([
      'You reacted ❤️',
      'Ana Lima reacted 😂',
    ]);
    await screenshot(bob.page, 'reactions-04-who-reacted');
    expect(await audit(bob.page, 'reaction-details')).toEqual([]);
    await bob.page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });

    // Ana removes hers from the same list: gone on every screen.
    await row(ana.page, question).locator('.reaction-chip', { hasText: '😂' }).click();
    const mine = ana.page.getByRole('dialog', { name: '2 reactions' });
    await mine.getByRole('button', { name: 'Remove' }).click();
    await showsChips(ana.page, question, ['❤️']);
    await showsChips(bob.page, question, ['❤️ mine']);
    await showsChips(phone.page, question, ['❤️']);
    await screenshot(phone.page, 'reactions-05-removed-on-phone');

    // Nothing of it reached the chat list: still Bob's question, no unread for Ana's reactions.
    const bobList = await bob.engine.client.listConversations();
    expect(bobList.find((c) => c.id === team.id)?.lastMessage?.text).toBe(question);
  });
});
