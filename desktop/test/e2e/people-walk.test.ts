/**
 * The acceptance of issue #15 walked once, in its order, as a person would (Chromium over real
 * engines and a real server): Ana, with a real-size account (31 chats, 332 messages, names in
 * eight scripts, seeded through the store), on her laptop and her phone, and Bob on his laptop.
 * Through the UI only: set a photo and an about; create a group with a photo and a description;
 * share an invite link that Bob joins through; turn on admins-only messages; pin and archive chats;
 * mute for 8 hours; type a draft on the laptop and see it on the phone; change the password (the
 * phone is signed out); export the data (the zip is read back with Info-ZIP's unzip). Then Bob exits
 * the group: its panel is read-only. Screenshots walk-NN at 1200x760, a few in the dark theme.
 */
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { register } from '@chitchat/server/testing';
import { PASSWORD, uniqueUser } from '../engines';
import { seedDirect, seedMessages, seedPerson } from '../seed';
import { audit } from './axe';
import { chromiumAvailable, screenshot } from './browser';
import { useRig } from './rig';

const runBrowser = chromiumAvailable();
const NEW_PASSWORD = 'a walk in the hills';
const ABOUT = 'Trail running ✦ ركض في الجبال';
const GROUP = 'Trail runners · Бегуны';
const DESCRIPTION = 'Saturdays at 7 from the north gate.';
const PLAN = 'Saturday: 14 km, meet at the north gate 🏃';
/** Names in several scripts, as a real address book has them. */
const NAMES = [
  'Mei Chen 陈美',
  'Olga Ivanova Ольга',
  'Yusuf Haddad يوسف',
  'Noa Levi נועה',
  'Arjun Rao अर्जुन',
  'Eleni Papadaki Ελένη',
  'Min-jun Park 박민준',
  'Sofía Ruiz',
  'Kenji Sato 佐藤',
  'Jana Nováková',
];
const FRIENDS = 30;
const MESSAGES_EACH = 11;

/** Reads an archive with Info-ZIP's unzip, an independent reader of what the app wrote. */
const unzip = (args: string[]) => execFileSync('unzip', args, { maxBuffer: 64 * 1024 * 1024 });

/** A picture a person would pick: a wide photo with a subject off centre. */
const picture = (r: number, g: number, b: number) =>
  sharp({ create: { width: 900, height: 600, channels: 3, background: { r, g, b } } })
    .composite([
      {
        input: {
          create: { width: 260, height: 260, channels: 3, background: { r: b, g: r, b: g } },
        },
        left: 380,
        top: 160,
      },
    ])
    .png()
    .toBuffer();

// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('issue #15 walked as a person would (Chromium)', () => {
  const rig = useRig({ REGISTRATION: 'open', PUBLIC_URL: 'https://chat.example' });
  const ana = { username: uniqueUser('ana'), id: '' };
  const bob = { username: uniqueUser('bob'), id: '' };
  /** Seeded direct chats of Ana's, most recent first, and the people in them. */
  const friends: { chat: string; name: string; username: string }[] = [];
  let bobChat = '';

  beforeAll(async () => {
    const store = rig.server.store;
    ana.id = (await register(rig.server, ana.username, PASSWORD)).user.id;
    bob.id = (await register(rig.server, bob.username, PASSWORD)).user.id;
    await store.updateUser(ana.id, { displayName: 'Ana Lima' });
    await store.updateUser(bob.id, { displayName: 'Bob Stone' });
    const now = Date.now();
    for (let i = 0; i < FRIENDS; i++) {
      const name = `${NAMES[i % NAMES.length] ?? ''}${i >= NAMES.length ? ` ${Math.floor(i / NAMES.length) + 1}` : ''}`;
      const username = uniqueUser(`friend${i + 1}`);
      const peer = await seedPerson(store, name, username);
      const chat = await seedDirect(store, ana.id, peer);
      await seedMessages(
        store,
        chat,
        Array.from({ length: MESSAGES_EACH }, (_, m) => ({
          from: m % 2 === 0 ? peer : ana.id,
          text: `${name.split(' ')[0] ?? ''} · message ${m + 1} · ${i % 3 === 0 ? 'привет' : i % 3 === 1 ? 'مرحبا' : 'hello'}`,
          at: now - (i + 2) * 3_600_000 + m * 60_000,
        })),
      );
      friends.push({ chat, name, username });
    }
    bobChat = await seedDirect(store, ana.id, bob.id);
    await seedMessages(store, bobChat, [
      { from: bob.id, text: 'Running on Saturday?', at: now - 120_000 },
      { from: ana.id, text: 'Yes! I will make a group', at: now - 60_000 },
    ]);
  }, 120_000);

  const list = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
  const row = (page: Page, id: string) => list(page).locator(`[data-row-id="${id}"]`);
  const rowIds = (page: Page) =>
    list(page)
      .locator('[data-row-id]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-id') ?? ''));
  const signIn = async (page: Page, username: string, password: string) => {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };
  /** A device's window, signed in through the sign-in screen, with its chat list filled. */
  const device = async (name: string, username: string, chats: number) => {
    const d = await rig.device(name);
    await signIn(d.page, username, PASSWORD);
    await list(d.page).waitFor();
    await expect
      .poll(async () => (await d.engine.client.listConversations()).length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(chats);
    return d;
  };
  /** Picks a photo in a file field, frames it in the crop dialog and sets it. */
  const pickPhoto = async (page: Page, field: Locator, dialog: string, bytes: Buffer) => {
    await field.setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: bytes });
    const crop = page.getByRole('dialog', { name: dialog });
    await expect
      .poll(() => crop.getByRole('button', { name: 'Set photo' }).isEnabled(), { timeout: 20_000 })
      .toBe(true);
    await crop.getByRole('img', { name: /crop/i }).focus();
    await page.keyboard.press('+');
    await crop.getByRole('button', { name: 'Set photo' }).click();
    await crop.waitFor({ state: 'detached' });
  };
  /** Opens a chat row's menu with the mouse and picks an item. */
  const choose = async (page: Page, id: string, item: string) => {
    await row(page, id).click({ button: 'right' });
    await page.getByRole('menuitem', { name: item, exact: true }).click();
    await page.getByRole('menu').waitFor({ state: 'detached' });
  };
  const openGroupInfo = async (page: Page) => {
    await page.getByRole('button', { name: `Group info: ${GROUP}` }).click();
    return page.getByRole('dialog', { name: 'Group info' });
  };
  /** The look of a form control as the person sees it (to compare a select with a field). */
  const lookOf = (control: Locator) =>
    control.evaluate((el) => {
      const s = getComputedStyle(el);
      return [s.backgroundColor, s.borderTopColor, s.borderTopLeftRadius, s.color];
    });

  it('photo and about, a group with a photo and description, an invite link Bob joins, admins-only, pin, archive, mute, a draft, a new password and the export', async () => {
    const laptop = await device('Ana laptop', ana.username, FRIENDS + 1);
    const phone = await device('Ana phone', ana.username, FRIENDS + 1);
    const bobLaptop = await device('Bob laptop', bob.username, 1);
    const page = laptop.page;

    // 1. Settings → Profile: a photo (cropped to a square here) and an about line.
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await pickPhoto(
      page,
      settings.getByLabel('Choose a profile photo'),
      'Crop your photo',
      await picture(230, 120, 40),
    );
    await settings.getByRole('status').filter({ hasText: 'Photo saved.' }).waitFor();
    await settings.getByLabel('About', { exact: true }).fill(ABOUT);
    await settings.getByRole('button', { name: 'Save about' }).click();
    await settings.getByRole('status').filter({ hasText: 'About saved.' }).waitFor();
    await settings.locator('.profile-photo-row .avatar-photo img').waitFor();
    // The settings' switches sit on one line with their names, as the other checkboxes do.
    for (const name of ['Read receipts', 'Link previews']) {
      const box = await settings.getByLabel(name).boundingBox();
      const label = await settings.locator('label').filter({ hasText: name }).boundingBox();
      expect(box !== null && label !== null && box.y + box.height <= label.y + label.height).toBe(
        true,
      );
      expect(label?.height).toBeLessThan(32);
    }
    expect(await audit(page, 'walk-profile')).toEqual([]);
    await screenshot(page, 'walk-01-profile');
    await page.keyboard.press('Escape');
    // Bob, her contact, sees the photo on her row and the about in her contact panel.
    await row(bobLaptop.page, bobChat).locator('.avatar-photo img').waitFor({ timeout: 20_000 });
    await row(bobLaptop.page, bobChat).click();
    await bobLaptop.page.getByRole('button', { name: 'Contact info: Ana Lima' }).click();
    await bobLaptop.page.getByRole('dialog', { name: 'Contact info' }).getByText(ABOUT).waitFor();
    await screenshot(bobLaptop.page, 'walk-02-bob-sees-profile');
    await bobLaptop.page.keyboard.press('Escape');

    // 2. New group: a name, two people found by username; then its photo and description.
    const [mei, olga, yusuf, noa] = friends as [
      (typeof friends)[0],
      (typeof friends)[0],
      (typeof friends)[0],
      (typeof friends)[0],
    ];
    await page.getByRole('button', { name: 'New group' }).click();
    const newGroup = page.getByRole('dialog', { name: 'New group' });
    await newGroup.getByLabel('Group name').fill(GROUP);
    for (const friend of [mei, olga]) {
      await newGroup.getByLabel('Add people by username').fill(friend.username);
      await newGroup
        .getByRole('button', { name: new RegExp(friend.name.split(' ')[0] ?? '') })
        .click();
    }
    await newGroup.getByRole('button', { name: 'Create group with 2' }).click();
    await newGroup.waitFor({ state: 'detached' });
    const info = await openGroupInfo(page);
    await pickPhoto(
      page,
      info.getByLabel('Choose a group photo'),
      'Crop the group photo',
      await picture(30, 140, 200),
    );
    await info.locator('.group-photo .avatar-photo img').waitFor({ timeout: 20_000 });
    await info.getByRole('button', { name: 'Add description' }).click();
    await info.getByLabel('Group description').fill(DESCRIPTION);
    await info.getByRole('button', { name: 'Save description' }).click();
    await info.getByRole('region', { name: 'Group description' }).getByText(DESCRIPTION).waitFor();
    const group = (await laptop.engine.client.listConversations()).find((c) => c.title === GROUP);
    if (group === undefined) throw new Error('the new group is not in the list');
    await row(page, group.id).locator('.avatar-photo img').waitFor();
    await screenshot(page, 'walk-03-group-info');

    // 3. An invite link: "Link works for" looks like the panel's other fields, in both themes.
    const expiry = info.getByLabel('Link works for');
    const field = info.getByLabel('Group name');
    await expiry.scrollIntoViewIfNeeded();
    expect(await lookOf(expiry)).toEqual(await lookOf(field));
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await lookOf(expiry)).toEqual(await lookOf(field));
    await screenshot(page, 'walk-04-invite-select-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    // And "Create invite link" beside it is readable (axe checks the contrast in both themes).
    expect(await audit(page, 'walk-invite-create')).toEqual([]);
    await expiry.selectOption({ label: '7 days' });
    await info.getByRole('button', { name: 'Create invite link' }).click();
    const shown = info.getByLabel('Invite link');
    await expect.poll(() => shown.textContent()).toMatch(/^https:\/\/chat\.example\/join\//);
    const link = (await shown.textContent()) ?? '';
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await info.getByRole('button', { name: 'Copy link' }).click();
    await info.getByRole('button', { name: 'Copied' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(link);
    expect(await audit(page, 'walk-group-info')).toEqual([]);
    await screenshot(page, 'walk-05-invite-link');
    await page.keyboard.press('Escape');
    // Shared in the chat with Bob, pasted into the composer.
    await row(page, bobChat).click();
    const composer = page.getByLabel('Message', { exact: true });
    await composer.fill(`Join us: ${copied}`);
    await composer.press('Enter');
    // Bob opens it from the message, sees the group, joins, and is in it.
    await row(bobLaptop.page, bobChat).click();
    const card = bobLaptop.page.getByRole('group', { name: `Group invite: ${GROUP}` });
    await card.getByText('Group invite · 3 members').waitFor({ timeout: 20_000 });
    await card.getByRole('button', { name: 'Join group' }).click();
    const preview = bobLaptop.page.getByRole('dialog', { name: 'Group invite' });
    await preview.getByRole('heading', { name: GROUP }).waitFor();
    await preview.locator('.avatar-photo img').waitFor();
    await screenshot(bobLaptop.page, 'walk-06-join-preview');
    await preview.getByRole('button', { name: 'Join group' }).click();
    await bobLaptop.page.getByRole('button', { name: `Group info: ${GROUP}` }).waitFor();
    await row(bobLaptop.page, group.id).waitFor();
    const bobComposer = bobLaptop.page.getByLabel('Message', { exact: true });
    await bobComposer.waitFor();
    // The timeline says how he came in, on his screen and on Ana's (not "Ana added Bob").
    const messages = (p: Page) => p.getByRole('log', { name: 'Messages' });
    await messages(bobLaptop.page)
      .getByText("You joined using this group's invite link", { exact: true })
      .waitFor();
    // The header names the others in order and him as "You", last.
    await expect
      .poll(() => bobLaptop.page.locator('.chat-header .subtitle').textContent())
      .toBe(`Ana Lima, ${mei.name}, ${olga.name}, You`);
    await screenshot(bobLaptop.page, 'walk-07-bob-joined');
    await row(page, group.id).click();
    await messages(page)
      .getByText("Bob Stone joined using this group's invite link", { exact: true })
      .waitFor();

    // 4. Admins-only messages: Bob's composer gives way to the notice.
    const adminInfo = await openGroupInfo(page);
    await adminInfo.locator('.info-hero').getByText('4 members').waitFor();
    await adminInfo
      .getByRole('group', { name: 'Send messages' })
      .getByRole('radio', { name: 'Only admins' })
      .check();
    await bobLaptop.page
      .getByRole('note')
      .filter({ hasText: 'Only admins can send messages' })
      .waitFor();
    expect(await bobComposer.count()).toBe(0);
    await page.keyboard.press('Escape');
    // Ana, the owner, still writes; Bob reads it.
    const groupComposer = page.getByLabel('Message', { exact: true });
    await groupComposer.fill(PLAN);
    await groupComposer.press('Enter');
    await messages(bobLaptop.page).getByText(PLAN).waitFor();
    // He may react, star or forward it, but not reply: there is nowhere for him to type.
    const bobActions = messages(bobLaptop.page)
      .locator('.bubble-row')
      .filter({ hasText: PLAN })
      .getByRole('toolbar', { name: 'Message actions' });
    await bobActions
      .getByRole('button', { name: 'Star', exact: true })
      .waitFor({ state: 'attached' });
    expect(await bobActions.getByRole('button', { name: 'Reply', exact: true }).count()).toBe(0);
    await bobLaptop.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(bobLaptop.page, 'walk-08-bob-admins-only-dark');

    // 5. Pin the group and Mei's chat; archive Noa's. The phone shows both pinned on top (the
    // last pinned first) and Noa's chat under "Archived".
    await choose(page, group.id, 'Pin chat');
    await choose(page, mei.chat, 'Pin chat');
    await choose(page, noa.chat, 'Archive chat');
    for (const p of [page, phone.page]) {
      await expect
        .poll(async () => (await rowIds(p)).slice(0, 2), { timeout: 15_000 })
        .toEqual([mei.chat, group.id]);
      await row(p, group.id).getByRole('img', { name: 'Pinned' }).waitFor();
      await row(p, noa.chat).waitFor({ state: 'detached' });
    }
    await phone.page.getByRole('button', { name: /^Archived/ }).click();
    await row(phone.page, noa.chat).waitFor();
    await screenshot(phone.page, 'walk-09-phone-archived');
    await phone.page.getByRole('button', { name: 'Back to chats' }).click();

    // 6. Mute the group for 8 hours: the muted bell on both devices, and until when.
    await choose(page, group.id, 'Mute for 8 hours');
    for (const p of [page, phone.page])
      await row(p, group.id)
        .getByRole('img', { name: /^Muted until / })
        .waitFor();
    await row(phone.page, group.id).click();
    const phoneInfo = await openGroupInfo(phone.page);
    expect(await phoneInfo.getByLabel('Mute notifications').isChecked()).toBe(true);
    await phoneInfo.getByText(/^Muted until /).waitFor();
    expect(await audit(phone.page, 'walk-muted')).toEqual([]);
    await screenshot(phone.page, 'walk-10-phone-muted');
    await phone.page.keyboard.press('Escape');

    // 7. A draft typed on the laptop is on the phone's row and in its composer.
    await row(page, yusuf.chat).click();
    await page.getByLabel('Message', { exact: true }).fill('See you at the gate at 7');
    await row(phone.page, yusuf.chat)
      .filter({ hasText: 'Draft:' })
      .filter({ hasText: 'See you at the gate at 7' })
      .waitFor({ timeout: 20_000 });
    expect(await audit(phone.page, 'walk-draft')).toEqual([]);
    await screenshot(phone.page, 'walk-11-phone-draft');
    await row(phone.page, yusuf.chat).click();
    await expect
      .poll(() => phone.page.getByLabel('Message', { exact: true }).inputValue(), {
        timeout: 15_000,
      })
      .toBe('See you at the gate at 7');
    await screenshot(page, 'walk-12-laptop');

    // 8. A new password: the phone is signed out at once, saying why.
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await settings.getByRole('button', { name: 'Change password…' }).click();
    const form = settings.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await form.getByLabel('New password again').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await settings.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();
    await screenshot(page, 'walk-13-password-changed');
    await phone.page
      .getByRole('alert')
      .filter({ hasText: 'Your password was changed on another device' })
      .waitFor();
    await phone.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await phone.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(phone.page, 'walk-14-phone-signed-out-dark');

    // 9. Export my data: the archive holds the profile and photo, the group as JSON and HTML.
    await settings.getByRole('button', { name: 'Export my data' }).click();
    const saved = settings.getByRole('status').filter({ hasText: 'Saved chitchat-export-' });
    await saved.waitFor({ timeout: 30_000 });
    await screenshot(page, 'walk-15-exported');
    // Her photo and the group's: two files.
    expect(await saved.textContent()).toMatch(
      new RegExp(`: ${FRIENDS + 2} chats, [\\d,]+ messages, 2 files\\)`),
    );
    const zip = (await saved.locator('.path').textContent()) ?? '';
    expect(unzip(['-tq', zip]).toString()).toMatch(/No errors detected/);
    const names = unzip(['-Z1', zip]).toString('utf8').trim().split('\n');
    const profile = JSON.parse(unzip(['-p', zip, 'profile.json']).toString('utf8')) as {
      me: { username: string; about: string };
      photo: string | null;
    };
    expect(profile.me).toMatchObject({ username: ana.username, about: ABOUT });
    expect(profile.photo).toBe('profile-photo.jpg');
    expect((await sharp(unzip(['-p', zip, 'profile-photo.jpg'])).metadata()).width).toBe(
      (await sharp(unzip(['-p', zip, 'profile-photo.jpg'])).metadata()).height,
    );
    const groupFile = (ext: string) => {
      const name = names.find((n) => n.startsWith('chats/') && n.endsWith(`-${GROUP}.${ext}`));
      if (name === undefined) throw new Error(`no ${ext} of the group in ${names.join(', ')}`);
      return unzip(['-p', zip, name]).toString('utf8');
    };
    const groupJson = JSON.parse(groupFile('json')) as {
      photo: string | null;
      members: { username: string }[];
      messages: { text: string | null; system?: string; from: { name: string } }[];
    };
    expect(groupJson.members.map((m) => m.username).sort()).toEqual(
      [ana.username, bob.username, mei.username, olga.username].sort(),
    );
    expect(groupJson.photo).toMatch(/-photo\.jpg$/);
    expect(names).toContain(groupJson.photo);
    // Her message and the join, as she saw them; the readable page has both too.
    expect(
      groupJson.messages.filter((m) => m.text !== null).map((m) => [m.text, m.from.name]),
    ).toEqual([[PLAN, 'You']]);
    expect(groupJson.messages.map((m) => m.system)).toContain(
      "Bob Stone joined using this group's invite link",
    );
    const html = groupFile('html');
    expect(html).toContain(GROUP);
    expect(html).toContain(PLAN);
    expect(html).toContain('Bob Stone joined using this group&#39;s invite link');
    // 31 direct chats and the group, each with its page and JSON.
    expect(names.filter((n) => n.startsWith('chats/') && n.endsWith('.json'))).toHaveLength(
      FRIENDS + 2,
    );
    expect(names.filter((n) => n.startsWith('chats/') && n.endsWith('.html'))).toHaveLength(
      FRIENDS + 2,
    );
    await page.keyboard.press('Escape');

    // Bob exits: the panel of a group he has left is read-only (history and "Delete group").
    await bobLaptop.page.emulateMedia({ colorScheme: 'light' });
    const bobInfo = await openGroupInfo(bobLaptop.page);
    bobLaptop.page.once('dialog', (d) => void d.accept());
    await bobInfo.getByRole('button', { name: 'Exit group' }).click();
    await bobInfo.getByText("You're no longer a member of this group.").waitFor();
    await bobInfo.getByRole('button', { name: 'Delete group' }).waitFor();
    expect(await bobInfo.getByLabel('Mute notifications').count()).toBe(0);
    expect(await audit(bobLaptop.page, 'walk-left-group')).toEqual([]);
    await screenshot(bobLaptop.page, 'walk-16-bob-left');
  });
});
