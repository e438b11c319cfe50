import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { startServer } from '@chitchat/server/testing';
import { uniqueUser, PASSWORD } from '../engines';
import { chromiumAvailable, screenshot, setFocused } from './browser';
import { useRig } from './rig';

const runBrowser = chromiumAvailable();

// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('the desktop app in Chromium, over a real engine and server', () => {
  const rig = useRig();

  const device = (name: string) => rig.device(name);

  async function signUp(page: Page, username: string, displayName: string) {
    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Display name (optional)').fill(displayName);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
  }

  async function signIn(page: Page, username: string) {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
  }

  const bubbles = (page: Page) => page.getByRole('log', { name: 'Messages' }).getByRole('article');
  const send = async (page: Page, text: string) => {
    const composer = page.getByLabel('Message', { exact: true });
    await composer.fill(text);
    await composer.press('Enter');
  };

  it('two people and a second device: chat, ticks, typing, presence, groups, offline writing, unread on both devices', async () => {
    const ana = await device('Ana laptop');
    const ben = await device('Ben laptop');
    const anaName = uniqueUser('ana');
    const benName = uniqueUser('ben');
    await screenshot(ana.page, '01-sign-in');
    await signUp(ana.page, anaName, 'Ana Lima');
    await signUp(ben.page, benName, 'Ben Okafor');
    await screenshot(ana.page, '02-empty-list');

    // Ana starts a chat with Ben.
    await ana.page.getByRole('button', { name: 'New chat' }).click();
    await ana.page.getByLabel('Search people by username').fill(benName);
    await screenshot(ana.page, '03-new-chat');
    await ana.page.getByRole('button', { name: /Ben Okafor/ }).click();
    await send(ana.page, 'Hi Ben! Are we still on for lunch tomorrow?');
    await expect.poll(() => bubbles(ana.page).count()).toBe(1);

    // Ben sees the chat as a message request with an unread badge and opens it: Ana is not his
    // contact yet, so she sees "delivered" only until he accepts; then the tick turns to read.
    const requests = ben.page.getByRole('region', { name: 'Message requests' });
    const benRow = requests.getByRole('button', { name: /^Ana Lima .* 1 unread message$/ });
    await benRow.waitFor();
    await screenshot(ben.page, '04-unread');
    await benRow.click();
    await ben.page.getByRole('log').getByText('Are we still on for lunch tomorrow?').waitFor();
    const banner = ben.page.getByRole('region', { name: 'Message request', exact: true });
    await banner.waitFor();
    await ana.page.getByRole('img', { name: 'Delivered' }).first().waitFor();
    await screenshot(ben.page, '04b-message-request');
    await banner.getByRole('button', { name: 'Accept' }).click();
    await banner.waitFor({ state: 'detached' });
    await ana.page.getByRole('img', { name: 'Read' }).first().waitFor();

    // Typing shows up on the other side, and presence in the header.
    await ben.page
      .getByLabel('Message', { exact: true })
      .pressSequentially('Yes! 12:30 at the usual place', { delay: 15 });
    await ana.page.locator('.subtitle.typing').waitFor();
    await ben.page.getByLabel('Message', { exact: true }).press('Enter');
    await ana.page.getByRole('log').getByText('Yes! 12:30 at the usual place').waitFor();
    await expect
      .poll(() => ana.page.locator('.chat-header .subtitle').textContent())
      .toBe('online');

    // Replies and edits.
    await ana.page.getByRole('log').getByText('Yes! 12:30').hover();
    await ana.page.getByRole('button', { name: 'Reply' }).last().click();
    await send(ana.page, 'Perfect, see you there 👍');
    await ben.page.getByRole('button', { name: 'Reply to You' }).waitFor();
    await ana.page.getByLabel('Message', { exact: true }).press('ArrowUp');
    await ana.page.getByLabel('Message', { exact: true }).fill('Perfect, see you there!');
    await ana.page.getByLabel('Message', { exact: true }).press('Enter');
    await ben.page.getByRole('log').getByText('Perfect, see you there!').waitFor();
    await ben.page.getByRole('log').getByText('edited').waitFor();
    await screenshot(ana.page, '05-chat');

    // Ben on a second device: unread counts there too, and reading on one device clears both.
    const benPhone = await device('Ben phone');
    await signIn(benPhone.page, benName);
    await setFocused(ben.page, false); // Ben's laptop is in the background
    await send(ana.page, 'One more thing: bring the slides');
    await send(ana.page, 'And the budget numbers');
    const unreadTwo = /^Ana Lima .* 2 unread messages$/;
    await benPhone.page.getByRole('button', { name: unreadTwo }).waitFor();
    await ben.page.getByRole('button', { name: unreadTwo }).waitFor();
    await setFocused(ben.page, true); // Ben looks at the open chat on his laptop
    await expect
      .poll(() =>
        benPhone.page.getByRole('button', { name: /^Ana Lima .* unread messages?$/ }).count(),
      )
      .toBe(0);
    await expect
      .poll(() => ben.page.getByRole('button', { name: /^Ana Lima .* unread messages?$/ }).count())
      .toBe(0);

    // A group: Ana creates it with Ben and Cara, then removes Cara.
    const cara = await device('Cara laptop');
    const caraName = uniqueUser('cara');
    await signUp(cara.page, caraName, 'Cara Nunes');
    await ana.page.getByRole('button', { name: 'New group' }).click();
    await ana.page.getByLabel('Group name').fill('Lunch crew');
    for (const name of [benName, caraName]) {
      await ana.page.getByLabel('Add people by username').fill(name);
      await ana.page.getByRole('button', { name: new RegExp(name) }).click();
    }
    await ana.page.getByRole('button', { name: /Create group with 2/ }).click();
    await send(ana.page, 'Welcome to the lunch crew!');
    await cara.page.getByRole('button', { name: /^Lunch crew .* 1 unread message$/ }).click();
    await cara.page.getByRole('log').getByText('Welcome to the lunch crew!').waitFor();
    // Group message info: Cara has read it, Ben's device has it but he has not opened the group.
    await ana.page.getByRole('log').getByText('Welcome to the lunch crew!').hover();
    await ana.page.getByRole('button', { name: 'Message info' }).click();
    const info = ana.page.getByRole('dialog', { name: 'Message info' });
    await info.getByRole('region', { name: 'Read' }).getByText('Cara Nunes').waitFor();
    await info.getByRole('region', { name: 'Delivered' }).getByText('Ben Okafor').waitFor();
    await ana.page.getByRole('button', { name: 'Close' }).click();
    await ana.page.getByRole('button', { name: 'Group info', exact: true }).click();
    await ana.page.getByRole('dialog', { name: 'Group info' }).getByText('Cara Nunes').waitFor();
    await screenshot(ana.page, '06-group-info');
    ana.page.once('dialog', (d) => void d.accept()); // "Remove Cara Nunes from …?"
    await ana.page.getByRole('button', { name: 'Remove Cara Nunes' }).click();
    await cara.page
      .getByText("You can't send messages to this group because you're no longer a member.")
      .waitFor();
    await ana.page.getByRole('button', { name: 'Close' }).click();
    await ana.page
      .getByRole('log')
      .getByText('Ana Lima removed Cara Nunes')
      .or(ana.page.getByRole('log').getByText('You removed Cara Nunes'))
      .waitFor();
    await send(ana.page, 'Just the two of us now');
    await ben.page.getByRole('button', { name: /^Lunch crew/ }).click();
    await ben.page.getByRole('log').getByText('Just the two of us now').waitFor();
    await screenshot(ben.page, '07-group-chat');
    await expect
      .poll(async () =>
        (
          await cara.engine.client.openConversation(
            (await cara.engine.client.listConversations())[0]?.id ?? '',
          )
        ).messages.map((m) => m.text ?? m.systemText),
      )
      .not.toContain('Just the two of us now');

    // Writing while the server is down: pending in the app, delivered exactly once when it returns.
    await ana.page.getByRole('button', { name: /^Ben Okafor/ }).click();
    const { dataDir, port } = rig.server;
    await rig.server.stop();
    await ana.page
      .getByRole('status')
      .filter({ hasText: /Connecting|offline/ })
      .waitFor();
    await send(ana.page, 'Written while the server was down (1)');
    await send(ana.page, 'Written while the server was down (2)');
    await expect
      .poll(() => ana.page.getByRole('img', { name: 'Pending' }).count())
      .toBeGreaterThanOrEqual(2);
    await screenshot(ana.page, '08-offline');
    rig.server = await startServer({ dataDir, port });
    await ben.page.getByRole('button', { name: /^Ana Lima/ }).click();
    for (const text of [
      'Written while the server was down (1)',
      'Written while the server was down (2)',
    ]) {
      await ben.page.getByRole('log').getByText(text).waitFor({ timeout: 20_000 });
      await expect.poll(() => ben.page.getByRole('log').getByText(text).count()).toBe(1);
    }
    await expect
      .poll(() => ana.page.getByRole('img', { name: 'Pending' }).count(), { timeout: 20_000 })
      .toBe(0);

    // A photo from Ana: Ben sees its thumbnail, then the full image.
    const photo = await sharp({
      create: { width: 1600, height: 1000, channels: 3, background: { r: 30, g: 140, b: 110 } },
    })
      .composite([
        {
          input: Buffer.from(
            '<svg width="1600" height="1000"><circle cx="800" cy="500" r="320" fill="#f5c242"/></svg>',
          ),
          top: 0,
          left: 0,
        },
      ])
      .jpeg()
      .toBuffer();
    await ana.page
      .locator('input[type=file]')
      .setInputFiles({ name: 'sunset.jpg', mimeType: 'image/jpeg', buffer: photo });
    await ana.page.getByLabel('Caption').fill('The view from the office');
    await ana.page
      .getByRole('dialog', { name: 'Send files' })
      .getByRole('button', { name: 'Send' })
      .click();
    await ben.page.getByRole('button', { name: /^Ana Lima/ }).click();
    const thumb = ben.page.getByRole('log').getByRole('img', { name: 'sunset.jpg' });
    await thumb.waitFor({ timeout: 20_000 });
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
    await ben.page.getByRole('log').getByText('The view from the office').waitFor();
    await screenshot(ben.page, '09-photo');
    await ben.page.getByRole('button', { name: 'Photo sunset.jpg, open' }).click();
    const full = ben.page
      .getByRole('dialog', { name: 'Photo sunset.jpg' })
      .getByRole('img', { name: 'sunset.jpg' });
    await expect
      .poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 20_000 })
      .toBe(1600);
    await screenshot(ben.page, '10-photo-viewer');
    await ben.page.keyboard.press('Escape');
    await expect
      .poll(() => ben.page.getByRole('button', { name: /^Ana Lima/ }).textContent())
      .toContain('📷 Photo');

    // Search finds a message and opens it in place.
    await ana.page.getByLabel('Search chats and messages').fill('slides');
    await ana.page.getByRole('region', { name: 'Messages' }).getByRole('button').first().click();
    await ana.page.locator('.bubble.highlighted').waitFor();
    await screenshot(ana.page, '11-search');

    // Settings lists the devices; dark theme follows the system.
    await ben.page.getByRole('button', { name: 'Settings' }).click();
    await ben.page.locator('.device-row').filter({ hasText: 'this device' }).waitFor();
    await expect.poll(() => ben.page.locator('.device-row').count()).toBe(2);
    // Privacy: Ben hides his last seen and online status, and takes group adds from contacts only.
    await ben.page.getByLabel('Last seen and online').selectOption('nobody');
    await ben.page.getByLabel('Who can add me to groups').selectOption('contacts');
    await expect
      .poll(() => ben.page.getByLabel('Last seen and online').inputValue())
      .toBe('nobody');
    await screenshot(ben.page, '12-settings');
    await ben.page.getByRole('button', { name: 'Close' }).click();
    await ben.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(ben.page, '13-dark');
  }, 120_000);
});
