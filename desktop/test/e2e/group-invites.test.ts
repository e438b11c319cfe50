/**
 * Group invite links as people use them (issue #15), in Chromium over real engines and a real
 * server: an admin makes a link in the group's info panel (copy, QR code), sends it in a chat; a
 * non-member opens it from the message, sees the group and joins; "Reset link" makes the old link
 * useless ("reset or has expired"). Approval mode: a request shows up live for two admins, one
 * approves, the queue empties on both, and the joiner's chat opens by itself. axe in both themes;
 * screenshots invites-01.. at 1200x760 and 640x420.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { audit } from './axe';
import { chromiumAvailable, screenshot } from './browser';
import { useRig } from './rig';

const runBrowser = chromiumAvailable();
const PUBLIC_URL = 'https://chat.example';

// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('group invite links and the approval queue (Chromium)', () => {
  const rig = useRig({ REGISTRATION: 'open', PUBLIC_URL });

  const person = (displayName: string) => rig.person(displayName);
  const row = (page: Page, id: string) =>
    page.getByRole('navigation', { name: 'Conversations' }).locator(`[data-row-id="${id}"]`);
  /** Opens a chat from the list, then its info panel. */
  const openInfo = async (page: Page, id: string) => {
    await row(page, id).click();
    await page.getByRole('button', { name: 'Group info', exact: true }).click();
    return page.getByRole('dialog', { name: 'Group info' });
  };
  const small = async (page: Page, name: string) => {
    await page.setViewportSize({ width: 640, height: 420 });
    await screenshot(page, name);
    await page.setViewportSize({ width: 1200, height: 760 });
  };

  it('an admin makes a link and sends it; Carl opens it from the message and joins; a reset link is refused', async () => {
    const ana = await person('Ana Lima');
    const ben = await person('Ben Okafor');
    const carl = await person('Carl Ray');
    const dana = await person('Dana Sol');
    const group = await ana.engine.client.createGroup({
      title: 'Hiking club',
      memberIds: [ben.userId],
    });
    const photo = await sharp({
      create: { width: 96, height: 96, channels: 3, background: { r: 30, g: 140, b: 200 } },
    })
      .jpeg()
      .toBuffer();
    await ana.engine.client.setGroupPhoto(group.id, {
      bytes: new Uint8Array(photo),
      mime: 'image/jpeg',
    });

    const page = ana.page;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const info = await openInfo(page, group.id);
    await info.getByRole('heading', { name: 'Invite via link' }).waitFor();
    await info.getByLabel('Link works for').selectOption({ label: '7 days' });
    await info.getByRole('button', { name: 'Create invite link' }).click();
    const shown = info.getByLabel('Invite link');
    await expect.poll(() => shown.textContent()).toMatch(/^https:\/\/chat\.example\/join\//);
    const link = (await shown.textContent()) ?? '';
    await info.getByText(/Works until/).waitFor();
    await info.getByRole('button', { name: 'Copy link' }).click();
    await info.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await info.getByRole('button', { name: 'QR code' }).click();
    await info.getByRole('img', { name: 'QR code of the invite link to Hiking club' }).waitFor();
    await info.getByRole('checkbox', { name: 'Approve new members' }).waitFor();
    expect(await audit(page, 'invite-link-light')).toEqual([]);
    await screenshot(page, 'invites-01-link');
    await small(page, 'invites-01-link-small');
    await page.keyboard.press('Escape');

    // Ana sends the link to Carl, who is not in the group.
    const chat = await ana.engine.client.startDirectChat(carl.userId);
    await ana.engine.client.sendMessage({
      conversationId: chat.id,
      text: `Come hiking with us: ${link}`,
    });
    // A message request for Carl: the list shows the request row and no "No chats match." under it.
    await row(carl.page, chat.id).waitFor();
    expect(await carl.page.getByText('No chats match.').count()).toBe(0);
    await row(carl.page, chat.id).click();
    // The message shows a card: the group's photo (through the link: Carl is no member), its name,
    // its size and "Join group"; the link in the text is a link.
    const card = carl.page.getByRole('group', { name: 'Group invite: Hiking club' });
    await card.getByText('Group invite · 2 members').waitFor();
    await card.locator('.avatar-photo img').waitFor();
    await screenshot(carl.page, 'invites-02a-card');
    await row(page, chat.id).click();
    const anaCard = page.getByRole('group', { name: 'Group invite: Hiking club' });
    await anaCard.getByRole('button', { name: 'View group' }).waitFor();
    await carl.page.getByRole('link', { name: link }).click();
    const invite = carl.page.getByRole('dialog', { name: 'Group invite' });
    await invite.getByRole('heading', { name: 'Hiking club' }).waitFor();
    await invite.getByText('Group · 2 members').waitFor();
    // The group's photo shows in the preview too.
    await invite.locator('.avatar-photo img').waitFor();
    await carl.page.keyboard.press('Escape');
    await invite.waitFor({ state: 'detached' });
    await card.getByRole('button', { name: 'Join group' }).click();
    await invite.getByRole('heading', { name: 'Hiking club' }).waitFor();
    expect(await audit(carl.page, 'join-preview-light')).toEqual([]);
    await screenshot(carl.page, 'invites-02-preview');
    await carl.page.emulateMedia({ colorScheme: 'dark' });
    expect(await audit(carl.page, 'join-preview-dark')).toEqual([]);
    await small(carl.page, 'invites-02-preview-small-dark');
    await carl.page.emulateMedia({ colorScheme: 'light' });
    await invite.getByRole('button', { name: 'Join group' }).click();
    // The chat opens: its header names the group.
    await carl.page.getByRole('button', { name: 'Group info: Hiking club' }).waitFor();
    await row(carl.page, group.id).waitFor();
    await screenshot(carl.page, 'invites-03-joined');
    // Back in the chat with Ana, the card now offers "View group".
    await row(carl.page, chat.id).click();
    await card.getByRole('button', { name: 'View group' }).waitFor();

    // "Reset link": the old link admits nobody; Dana, pasting it, is told so.
    page.once('dialog', (d) => void d.accept());
    const again = await openInfo(page, group.id);
    await again.getByRole('button', { name: 'Reset link' }).click();
    await expect.poll(() => again.getByLabel('Invite link').textContent()).not.toBe(link);
    await page.keyboard.press('Escape');
    await dana.page.getByRole('button', { name: 'New chat' }).click();
    const newChat = dana.page.getByRole('dialog', { name: 'New chat' });
    await newChat.getByRole('searchbox').fill(link);
    await newChat.getByRole('button', { name: 'Open group invite link' }).click();
    await dana.page
      .getByRole('dialog', { name: 'Group invite' })
      .getByText('This invite link was reset or has expired.', { exact: false })
      .waitFor();
    await screenshot(dana.page, 'invites-04-reset-link');
    expect(await row(dana.page, group.id).count()).toBe(0);
  });

  it('approval mode: the request shows up live for two admins, one approves, both queues empty and the chat opens for the joiner', async () => {
    const ana = await person('Ana Lima');
    const ben = await person('Ben Okafor');
    const erin = await person('Erin Vale');
    const group = await ana.engine.client.createGroup({
      title: 'Book club',
      memberIds: [ben.userId],
    });
    await ana.engine.client.updateGroup({
      conversationId: group.id,
      roles: [{ userId: ben.userId, role: 'admin' }],
    });
    const anaInfo = await openInfo(ana.page, group.id);
    await anaInfo.getByRole('button', { name: 'Create invite link' }).click();
    const link = (await anaInfo.getByLabel('Invite link').textContent()) ?? '';
    expect(link).toContain('/join/');
    // Ben (the other admin) has the panel open when Ana turns approval on: his switch follows the
    // group's state live, and his own change reaches Ana's.
    await expect
      .poll(async () => (await ben.engine.client.listInviteLinks(group.id)).length)
      .toBe(1);
    const benInfo = await openInfo(ben.page, group.id);
    await benInfo.getByRole('heading', { name: 'Invite via link' }).waitFor();
    const benApprove = benInfo.getByRole('checkbox', { name: 'Approve new members' });
    expect(await benApprove.isChecked()).toBe(false);
    const approve = anaInfo.getByRole('checkbox', { name: 'Approve new members' });
    await approve.check();
    await expect.poll(() => approve.isChecked()).toBe(true);
    await expect.poll(() => benApprove.isChecked()).toBe(true);
    await benApprove.uncheck();
    await expect.poll(() => approve.isChecked()).toBe(false);
    await benApprove.check();
    await expect.poll(() => approve.isChecked()).toBe(true);
    await expect
      .poll(async () => (await erin.engine.client.previewInviteLink(link)).approveJoins)
      .toBe(true);

    // Erin pastes the link into "New chat" and asks to join.
    await erin.page.getByRole('button', { name: 'New chat' }).click();
    await erin.page.getByRole('dialog', { name: 'New chat' }).getByRole('searchbox').fill(link);
    await erin.page.getByRole('button', { name: 'Open group invite link' }).click();
    const invite = erin.page.getByRole('dialog', { name: 'Group invite' });
    await invite.getByRole('button', { name: 'Request to join' }).click();
    await invite.getByText('Request sent.', { exact: false }).waitFor();
    await invite.getByRole('button', { name: 'Cancel request' }).waitFor();
    await screenshot(erin.page, 'invites-05-request-sent');

    // Both admins see it live, without reopening anything.
    for (const info of [anaInfo, benInfo])
      await info.getByRole('button', { name: /Pending requests.*\(1\)/ }).waitFor();
    await benInfo.getByRole('button', { name: /Pending requests/ }).click();
    const list = benInfo.getByRole('list', { name: 'Pending requests' });
    await list.getByText('Erin Vale').waitFor();
    expect(await audit(ben.page, 'join-requests-light')).toEqual([]);
    await screenshot(ben.page, 'invites-06-queue');
    await ben.page.emulateMedia({ colorScheme: 'dark' });
    expect(await audit(ben.page, 'join-requests-dark')).toEqual([]);
    await small(ben.page, 'invites-06-queue-small-dark');
    await ben.page.emulateMedia({ colorScheme: 'light' });

    await list.getByRole('button', { name: 'Approve Erin Vale' }).click();
    for (const info of [anaInfo, benInfo])
      await expect
        .poll(() => info.getByRole('button', { name: /Pending requests/ }).count())
        .toBe(0);
    // Erin's preview turns into the chat once the group reaches her.
    await erin.page.getByRole('button', { name: 'Group info: Book club' }).waitFor();
    await screenshot(erin.page, 'invites-07-approved');
    await expect
      .poll(
        async () =>
          (await ana.engine.client.listConversations()).find((c) => c.id === group.id)?.memberCount,
      )
      .toBe(3);
  });
});
