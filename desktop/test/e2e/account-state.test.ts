import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  engine,
  online,
  showsTexts,
  uniqueUser,
  userIdOf,
  wholeHistory,
  PASSWORD,
} from '../engines';
import { chromiumAvailable, screenshot } from './browser';
import { useRig } from './rig';
import { audit } from './axe';

const runBrowser = chromiumAvailable();

/**
 * The account state as a person meets it (DESIGN §3): one account on two devices stars a message,
 * finds it in "Starred messages" on the other device, and deletes a message for themselves; the
 * other person keeps everything.
 */
// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)(
  'starred messages and delete for me, on two devices of one account',
  () => {
    const rig = useRig();

    const device = (name: string) => rig.device(name);

    const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
    const bubble = (page: Page, text: string) =>
      log(page).getByRole('article').filter({ hasText: text });
    /** A message's own action (the toolbar beside its bubble). */
    const action = (page: Page, text: string, name: string) =>
      log(page)
        .locator('.bubble-row')
        .filter({ hasText: text })
        .getByRole('toolbar', { name: 'Message actions' })
        .getByRole('button', { name, exact: true });

    it('star on the laptop, find it under Starred messages on the phone, delete for me on one device and see it gone on the other', async () => {
      const laptop = await device('Ana laptop');
      const anaName = uniqueUser('ana');
      await laptop.page.getByRole('button', { name: 'New here? Create an account' }).click();
      await laptop.page.getByLabel('Username').fill(anaName);
      await laptop.page.getByLabel('Display name (optional)').fill('Ana Lima');
      await laptop.page.getByLabel('Password').fill(PASSWORD);
      await laptop.page.getByRole('button', { name: 'Create account' }).click();
      await laptop.page.getByRole('navigation', { name: 'Conversations' }).waitFor();

      // Ben, the other person, writes from his own engine (no window needed).
      const ben = await engine({ deviceName: 'Ben laptop' });
      rig.engines.push(ben);
      await ben.client.signUp({
        serverUrl: rig.server.url,
        username: uniqueUser('ben'),
        password: PASSWORD,
        displayName: 'Ben Okafor',
      });
      await online(ben.client);
      const chat = await laptop.engine.client.startDirectChat(await userIdOf(ben.client));
      await laptop.engine.client.sendMessage({ conversationId: chat.id, text: 'Lunch tomorrow?' });
      // Ben answers once he has it, so the log's order is the one the test expects.
      await showsTexts(ben.client, chat.id, ['Lunch tomorrow?']);
      await ben.client.sendMessage({
        conversationId: chat.id,
        text: 'Yes! 12:30 at the usual place',
      });
      await ben.client.sendMessage({ conversationId: chat.id, text: 'Bring the slides please' });

      // Ana's phone: the same account on a second device.
      const phone = await device('Ana phone');
      await phone.page.getByLabel('Username').fill(anaName);
      await phone.page.getByLabel('Password').fill(PASSWORD);
      await phone.page.getByRole('button', { name: 'Sign in' }).click();
      await phone.page.getByRole('navigation', { name: 'Conversations' }).waitFor();

      // Star on the laptop, with the mouse.
      await laptop.page.getByRole('button', { name: /^Ben Okafor/ }).click();
      await bubble(laptop.page, 'Bring the slides please').hover();
      await action(laptop.page, 'Bring the slides please', 'Star').click();
      await bubble(laptop.page, 'Bring the slides please')
        .getByRole('img', { name: 'Starred' })
        .waitFor();
      await screenshot(laptop.page, 'account-01-starred-on-laptop');

      // The phone shows the star on the bubble, and lists it under Starred messages.
      await phone.page.getByRole('button', { name: /^Ben Okafor/ }).click();
      await bubble(phone.page, 'Bring the slides please')
        .getByRole('img', { name: 'Starred' })
        .waitFor();
      await phone.page.getByRole('button', { name: 'Starred messages' }).click();
      const starred = phone.page.getByRole('dialog', { name: 'Starred messages' });
      await starred.getByText('Bring the slides please').waitFor();
      await screenshot(phone.page, 'account-02-starred-list-on-phone');
      expect(await audit(phone.page, 'starred-messages')).toEqual([]);
      // Opening it jumps to the message.
      await starred.getByRole('button', { name: /Bring the slides please/ }).click();
      await starred.waitFor({ state: 'detached' });
      await bubble(phone.page, 'Bring the slides please').waitFor();

      // From the keyboard on the laptop: S on a focused message stars it, S again unstars it.
      const lunch = bubble(laptop.page, 'Yes! 12:30 at the usual place');
      await lunch.focus();
      await lunch.press('s');
      await lunch.getByRole('img', { name: 'Starred' }).waitFor();
      await bubble(phone.page, 'Yes! 12:30 at the usual place')
        .getByRole('img', { name: 'Starred' })
        .waitFor();
      await lunch.press('s');
      await lunch.getByRole('img', { name: 'Starred' }).waitFor({ state: 'detached' });

      // Delete for me on the phone (it asks first, as WhatsApp): gone there, and on the laptop.
      await bubble(phone.page, 'Yes! 12:30 at the usual place').hover();
      await action(phone.page, 'Yes! 12:30 at the usual place', 'Delete').click();
      const ask = phone.page.getByRole('dialog', { name: 'Delete message?' });
      await ask.waitFor();
      // Ben's message: only he may delete it for everyone.
      expect(await ask.getByRole('button', { name: 'Delete for everyone' }).count()).toBe(0);
      await screenshot(phone.page, 'account-03-delete-for-me-asks');
      await ask.getByRole('button', { name: 'Delete for me' }).click();
      await bubble(phone.page, 'Yes! 12:30 at the usual place').waitFor({ state: 'detached' });
      await bubble(laptop.page, 'Yes! 12:30 at the usual place').waitFor({ state: 'detached' });
      await bubble(laptop.page, 'Bring the slides please').waitFor();
      await screenshot(laptop.page, 'account-04-deleted-for-me-on-laptop');
      await screenshot(phone.page, 'account-05-deleted-for-me-on-phone');

      // On her own message the laptop offers both; Escape cancels and keeps it.
      await bubble(laptop.page, 'Lunch tomorrow?').focus();
      await bubble(laptop.page, 'Lunch tomorrow?').press('Delete');
      const own = laptop.page.getByRole('dialog', { name: 'Delete message?' });
      await own.getByRole('button', { name: 'Delete for everyone' }).waitFor();
      await own.getByRole('button', { name: 'Delete for me' }).waitFor();
      expect(await audit(laptop.page, 'delete-dialog')).toEqual([]);
      await laptop.page.keyboard.press('Escape');
      await own.waitFor({ state: 'detached' });
      await bubble(laptop.page, 'Lunch tomorrow?').waitFor();

      // Ben still has every message, and no star of Ana's.
      await showsTexts(ben.client, chat.id, [
        'Lunch tomorrow?',
        'Yes! 12:30 at the usual place',
        'Bring the slides please',
      ]);
      expect((await wholeHistory(ben.client, chat.id)).some((m) => m.starred === true)).toBe(false);
    });
  },
);
