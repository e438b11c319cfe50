/**
 * Profiles as people use them (issue #15), in Chromium over real engines and a real server: Ana
 * adds a photo (cropped to a square in the app) and an about line and limits both to her contacts;
 * Bob (her contact) sees the photo in the chat list and header and both in the contact panel; Carl
 * (who wrote to her, not her contact) sees initials and no about; Ana widens and narrows the
 * audience and both screens follow live. Screenshots in both themes; axe on the new screens.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { audit } from './axe';
import { chromiumAvailable, screenshot } from './browser';
import { useRig } from './rig';

const runBrowser = chromiumAvailable();
const ABOUT = 'Climbing ✦ מטפסת';

// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('profiles: photo, about and their audiences (Chromium)', () => {
  const rig = useRig();

  const person = (displayName: string) => rig.person(displayName);
  const row = (page: Page, id: string) =>
    page.getByRole('navigation', { name: 'Conversations' }).locator(`[data-row-id="${id}"]`);
  /** The photo in a chat row's avatar (absent: initials). */
  const rowPhoto = (page: Page, id: string) => row(page, id).locator('.avatar-photo img');

  it('Ana sets a photo and an about for her contacts; Bob sees them, Carl does not; changes show live', async () => {
    const ana = await person('Ana Lima');
    const bob = await person('Bob Stone');
    const carl = await person('Carl Ray');
    // Ana wrote to Bob (so he is her contact); Carl wrote to Ana, who never answered.
    const withBob = await ana.engine.client.startDirectChat(bob.userId);
    await ana.engine.client.sendMessage({ conversationId: withBob.id, text: 'Hi Bob' });
    const withCarl = await carl.engine.client.startDirectChat(ana.userId);
    await carl.engine.client.sendMessage({ conversationId: withCarl.id, text: 'Hello Ana?' });
    await row(bob.page, withBob.id).waitFor();
    await row(carl.page, withCarl.id).waitFor();

    // Settings → Profile: pick a photo, crop it, save; then the about line.
    const page = ana.page;
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    const picture = await sharp({
      create: { width: 900, height: 600, channels: 3, background: { r: 230, g: 120, b: 40 } },
    })
      .composite([
        {
          input: await sharp({
            create: { width: 300, height: 300, channels: 3, background: { r: 20, g: 90, b: 200 } },
          })
            .png()
            .toBuffer(),
          left: 300,
          top: 150,
        },
      ])
      .png()
      .toBuffer();
    await settings
      .getByLabel('Choose a profile photo')
      .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: picture });
    const crop = page.getByRole('dialog', { name: 'Crop your photo' });
    const area = crop.getByRole('img', { name: /Photo crop/ });
    await area.waitFor();
    // The photo is read (Set photo turns enabled once it is).
    await expect
      .poll(() => crop.getByRole('button', { name: 'Set photo' }).isEnabled(), { timeout: 20_000 })
      .toBe(true);
    // Drag a little and zoom from the keyboard, as a person would frame it.
    const box = await area.boundingBox();
    if (box === null) throw new Error('no crop area');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 30, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await area.focus();
    await page.keyboard.press('+');
    expect(await audit(page, 'profile-crop')).toEqual([]);
    await screenshot(page, 'profiles-01-crop');
    await crop.getByRole('button', { name: 'Set photo' }).click();
    await crop.waitFor({ state: 'detached' });
    await settings.getByRole('status').filter({ hasText: 'Photo saved.' }).waitFor();
    await settings.locator('.profile-photo-row .avatar-photo img').waitFor();
    await settings.getByLabel('About', { exact: true }).fill(ABOUT);
    await settings.getByRole('button', { name: 'Save about' }).click();
    await settings.getByRole('status').filter({ hasText: 'About saved.' }).waitFor();
    await settings.getByRole('combobox', { name: 'Profile photo' }).selectOption('contacts');
    await settings.getByRole('combobox', { name: 'About' }).selectOption('contacts');
    await expect
      .poll(async () => {
        const s = await ana.engine.client.getSession();
        return s.status === 'signed_in' ? [s.user.photoVisibility, s.user.aboutVisibility] : [];
      })
      .toEqual(['contacts', 'contacts']);
    expect(await audit(page, 'profile-settings')).toEqual([]);
    await screenshot(page, 'profiles-02-settings');
    await settings.getByRole('button', { name: 'Close' }).first().click();

    // Bob, her contact: the photo in the row and the header; the panel shows photo and about.
    await rowPhoto(bob.page, withBob.id).waitFor({ timeout: 20_000 });
    await row(bob.page, withBob.id).click();
    const header = bob.page.locator('.chat-header');
    await header.locator('.avatar-photo img').waitFor();
    await header.getByRole('button', { name: 'Contact info: Ana Lima' }).click();
    const panel = bob.page.getByRole('dialog', { name: 'Contact info' });
    await panel.getByText(ABOUT).waitFor();
    await panel.getByText(`@${ana.username}`).waitFor();
    await panel.getByText('0 groups in common').waitFor();
    expect(await audit(bob.page, 'contact-info-light')).toEqual([]);
    await screenshot(bob.page, 'profiles-03-contact-panel');
    // The photo, large.
    await panel.getByRole('button', { name: 'View the profile photo of Ana Lima' }).click();
    const large = bob.page.getByRole('dialog', { name: 'Profile photo of Ana Lima' });
    await large.getByRole('img', { name: 'Profile photo of Ana Lima' }).waitFor();
    await screenshot(bob.page, 'profiles-04-photo-large');
    await bob.page.keyboard.press('Escape');
    await large.waitFor({ state: 'detached' });
    await bob.page.emulateMedia({ colorScheme: 'dark' });
    expect(await audit(bob.page, 'contact-info-dark')).toEqual([]);
    await screenshot(bob.page, 'profiles-05-contact-panel-dark');
    await bob.page.keyboard.press('Escape');

    // Carl, outside her contacts: initials in the row, no about in the panel.
    await row(carl.page, withCarl.id).click();
    const carlHeader = carl.page.locator('.chat-header');
    await carlHeader.getByRole('button', { name: 'Contact info: Ana Lima' }).click();
    const carlPanel = carl.page.getByRole('dialog', { name: 'Contact info' });
    await carlPanel.getByText(`@${ana.username}`).waitFor();
    expect(await carlPanel.getByText(ABOUT).count()).toBe(0);
    expect(await carlPanel.locator('.avatar-photo').count()).toBe(0);
    expect(await rowPhoto(carl.page, withCarl.id).count()).toBe(0);
    await screenshot(carl.page, 'profiles-06-stranger-panel');

    // Live: Ana opens her photo to everyone (Carl's open panel and row follow), then hides it
    // from everyone (Bob's row goes back to initials).
    await ana.engine.client.updateOwnProfile({ photoVisibility: 'everyone' });
    await carlPanel.locator('.avatar-photo img').waitFor({ timeout: 20_000 });
    await rowPhoto(carl.page, withCarl.id).waitFor();
    expect(await carlPanel.getByText(ABOUT).count()).toBe(0);
    await ana.engine.client.updateOwnProfile({ photoVisibility: 'nobody' });
    await expect.poll(() => rowPhoto(bob.page, withBob.id).count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => rowPhoto(carl.page, withCarl.id).count(), { timeout: 20_000 }).toBe(0);
    await screenshot(bob.page, 'profiles-07-photo-hidden-dark');
  });
});
