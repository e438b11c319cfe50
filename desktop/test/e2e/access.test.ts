/**
 * Accessibility and the smaller visible behaviours of issue #13, in Chromium over real engines and a
 * real server: axe-core on every main screen in both themes, focus in dialogs, keyboard use of the
 * lists, and the sign-in, group, viewer and offline states a person sees.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { startServer } from '@chitchat/server/testing';
import { engine, uniqueUser, until, PASSWORD } from '../engines';
import { chromiumAvailable, openApp, screenshot } from './browser';
import { useRig } from './rig';
import { audit } from './axe';

const runBrowser = chromiumAvailable();
/** A loopback web server that is not chitchat: it never answers, or answers 404 to anything. */
async function otherServer(answer: 'never' | 404) {
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    if (answer === 'never') hanging.push(res);
    else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const focusIsOnBody = (page: Page) =>
  page.evaluate(() => document.activeElement === null || document.activeElement === document.body);
const focusInDialog = (page: Page) =>
  page.evaluate(() => document.activeElement?.closest('[role="dialog"]') != null);

// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('accessibility and small visible states, in Chromium', () => {
  const rig = useRig();
  let silent: Awaited<ReturnType<typeof otherServer>>;
  let notFound: Awaited<ReturnType<typeof otherServer>>;

  beforeAll(async () => {
    [silent, notFound] = await Promise.all([otherServer('never'), otherServer(404)]);
  });
  afterAll(async () => {
    await silent?.close();
    await notFound?.close();
  });

  /** A signed-up person driven through the engine only (no window). */
  async function person(displayName: string) {
    const e = await engine({ deviceName: `${displayName} phone` });
    rig.engines.push(e);
    const session = await e.client.signUp({
      serverUrl: rig.server.url,
      username: uniqueUser(displayName.split(' ')[0]!.toLowerCase()),
      password: PASSWORD,
      displayName,
    });
    if (session.status !== 'signed_in') throw new Error('sign-up failed');
    await until(e.client, async () =>
      (await e.client.getConnectionState()) === 'online' ? true : undefined,
    );
    return { engine: e, id: session.user.id, username: session.user.username, displayName };
  }

  it('passes axe on every screen in both themes; dialogs, lists and messages work from the keyboard; the small states read right', async () => {
    const violations: string[] = [];
    const anaEngine = await engine({ deviceName: 'Ana laptop', signInTimeoutMs: 1_500 });
    rig.engines.push(anaEngine);
    const w = await openApp(rig.browser, rig.app.url, anaEngine.client, {
      defaultServerUrl: rig.server.url,
    });
    rig.windows.push(w);
    const { page } = w;
    const field = (label: string) => page.getByLabel(label, { exact: true });

    // ---- Sign-in: plain http:// to another machine is warned about; loopback is not.
    await field('Username').waitFor();
    violations.push(...(await audit(page, 'sign-in')));
    const warning = page.getByRole('note').filter({ hasText: 'travel unencrypted' });
    await field('Server address').fill('http://chat.example.org');
    await warning.waitFor();
    await screenshot(page, 'sign-in-http-warning');
    await field('Server address').fill(silent.url);
    expect(await warning.count()).toBe(0);

    // A server that never answers: "Signing in…" with Cancel, and focus stays on the form.
    await field('Username').fill('ana');
    await field('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Signing in…' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await focusIsOnBody(page)).toBe(false);
    // Left alone, it times out and says so (the engine here waits 1.5 s).
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'did not answer' }).waitFor();
    expect(await focusIsOnBody(page)).toBe(false);
    // A web server that is not chitchat is named so, without "HTTP 404".
    await field('Server address').fill(notFound.url);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const notChitchat = page.getByRole('alert').filter({ hasText: 'not a chitchat server' });
    await notChitchat.waitFor();
    expect(await notChitchat.textContent()).not.toContain('404');
    expect(await focusIsOnBody(page)).toBe(false);
    await screenshot(page, 'sign-in-not-chitchat');

    // ---- Sign up; the empty list.
    await field('Server address').fill(rig.server.url);
    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    const anaName = uniqueUser('ana');
    await field('Username').fill(anaName);
    await page.getByLabel('Display name (optional)').fill('Ana Lima');
    await field('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    violations.push(...(await audit(page, 'empty')));
    const anaSession = await anaEngine.client.getSession();
    if (anaSession.status !== 'signed_in') throw new Error('Ana is not signed in');

    // ---- Ben writes: a run of messages, one of 8,000 characters, and two photos.
    const [ben, cara, zoe] = await Promise.all([
      person('Ben Okafor'),
      person('Cara Nunes'),
      person('Zoe Adams'),
    ]);
    const direct = await ben.engine.client.startDirectChat(anaSession.user.id);
    const long = `${'All the details for the trip, written out at length. '.repeat(150)}The end.`;
    expect(long.length).toBeGreaterThan(7_900);
    for (let i = 1; i <= 12; i++)
      await ben.engine.client.sendMessage({ conversationId: direct.id, text: `Message ${i}` });
    await ben.engine.client.sendMessage({ conversationId: direct.id, text: long });
    const photo = (r: number, g: number) =>
      sharp({ create: { width: 900, height: 600, channels: 3, background: { r, g, b: 120 } } })
        .jpeg()
        .toBuffer();
    for (const [name, bytes] of [
      ['first.jpg', await photo(200, 80)],
      ['second.jpg', await photo(40, 160)],
    ] as const) {
      await ben.engine.client.sendMessage({
        conversationId: direct.id,
        text: '',
        files: [{ name, mime: 'image/jpeg', bytes: new Uint8Array(bytes) }],
      });
    }
    await ben.engine.client.sendMessage({ conversationId: direct.id, text: 'See you Saturday' });

    // The row's accessible name says what a sighted person sees: name, unread, preview, time.
    const benRow = page.getByRole('button', { name: /^Ben Okafor .* 16 unread messages$/ });
    await benRow.waitFor({ timeout: 20_000 });
    const rowTime = (await benRow.locator('time').textContent()) ?? '';
    expect(
      await page
        .getByRole('button', {
          name: `Ben Okafor ${rowTime} See you Saturday 16 unread messages`,
          exact: true,
        })
        .count(),
    ).toBe(1);
    // Times are the locale's own (en-US in this browser): "5:17 AM", never "05:17 AM".
    expect(rowTime).toMatch(/^([1-9]|1[0-2]):[0-5]\d\s?(AM|PM)$/);

    // ---- The chat: long messages fold with "Read more".
    await benRow.click();
    const log = page.getByRole('log', { name: 'Messages' });
    // Wherever the chat opens (the first unread, or the bottom), go to the newest.
    await log.waitFor();
    await expect
      .poll(async () => {
        await log.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
        return log.getByText('See you Saturday').isVisible();
      })
      .toBe(true);
    const longBubble = log.locator('.bubble').filter({ hasText: 'All the details' });
    await longBubble.scrollIntoViewIfNeeded();
    const readMore = longBubble.getByRole('button', { name: 'Read more' });
    await readMore.waitFor();
    expect((await longBubble.locator('.bubble-text').textContent())!.length).toBeLessThan(2_000);
    violations.push(...(await audit(page, 'chat')));
    await readMore.click();
    await longBubble.getByText('The end.').waitFor();

    // PageUp/PageDown in the composer scroll the history.
    const composer = field('Message');
    await composer.focus();
    const scrollTop = () => log.evaluate((el) => el.scrollTop);
    const before = await scrollTop();
    await composer.press('PageUp');
    await expect.poll(scrollTop).toBeLessThan(before - 100);
    const up = await scrollTop();
    await composer.press('PageDown');
    await expect.poll(scrollTop).toBeGreaterThan(up + 100);

    // Messages from the keyboard: the history is one Tab stop; Up moves onto messages; the
    // focused message shows its actions (no Tab stop per hidden button); R replies.
    // Up from the history takes the last message on screen: wait until the newest one is there
    // (the history may still be settling after "Read more" grew a bubble above it).
    await expect
      .poll(() =>
        log.evaluate((el) => {
          el.scrollTo({ top: el.scrollHeight });
          const last = [...el.querySelectorAll('[data-message]')].at(-1);
          const box = el.getBoundingClientRect();
          const rect = last?.getBoundingClientRect();
          return rect !== undefined && rect.bottom <= box.bottom + 1 && rect.top >= box.top
            ? (last?.textContent ?? '')
            : '';
        }),
      )
      .toContain('See you Saturday');
    await log.focus();
    await page.keyboard.press('ArrowUp');
    const focused = page.locator('[data-message]:focus');
    await expect.poll(() => focused.textContent()).toContain('See you Saturday');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => focused.textContent()).not.toContain('See you Saturday');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focused.textContent()).toContain('See you Saturday');
    const actions = page.locator('.bubble-row:focus-within .bubble-actions');
    await expect.poll(() => actions.evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
    expect(
      await page
        .locator('.bubble-actions button')
        .evaluateAll((buttons) => buttons.every((b) => b.getAttribute('tabindex') === '-1')),
    ).toBe(true);
    // The first action is React (reactions, #14), Reply the next one.
    await page.keyboard.press('ArrowRight');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('React');
    await page.keyboard.press('Escape');
    await page.keyboard.press('r');
    await page.getByText('Replying to Ben Okafor').waitFor();
    await expect.poll(() => composer.evaluate((el) => el === document.activeElement)).toBe(true);
    await composer.press('Escape');

    // ---- The photo viewer: opaque, sender and time, previous/next, zoom; focus returns.
    const firstPhoto = page.getByRole('button', { name: 'Photo first.jpg, open' });
    await firstPhoto.scrollIntoViewIfNeeded();
    await firstPhoto.click();
    const viewer = page.getByRole('dialog', { name: 'Photo first.jpg' });
    await viewer.getByRole('img', { name: 'first.jpg' }).waitFor();
    expect(await viewer.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(11, 20, 26)',
    );
    await viewer.getByText('Ben Okafor').waitFor();
    await viewer.getByText('1 of 2').waitFor();
    expect(await viewer.locator('.viewer-time').textContent()).toMatch(/\d/);
    await screenshot(page, 'viewer-first');
    await viewer.getByRole('button', { name: 'Next photo' }).click();
    await page.getByRole('dialog', { name: 'Photo second.jpg' }).getByText('2 of 2').waitFor();
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('dialog', { name: 'Photo first.jpg' }).waitFor();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.getByRole('button', { name: 'Zoom out', pressed: true }).waitFor();
    await screenshot(page, 'viewer-zoomed');
    for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
    expect(await focusInDialog(page)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => firstPhoto.evaluate((el) => el === document.activeElement)).toBe(true);

    // ---- New group: focus stays inside the dialog and returns; no members, no group.
    const newGroupButton = page.getByRole('button', { name: 'New group' });
    await newGroupButton.click();
    const dialog = page.getByRole('dialog', { name: 'New group' });
    await expect.poll(() => focusInDialog(page)).toBe(true);
    for (let i = 0; i < 7; i++) await page.keyboard.press('Tab');
    expect(await focusInDialog(page)).toBe(true);
    const title = '2026 Weekend hiking trip planning committee with everyone from the office';
    await dialog.getByLabel('Group name').fill(title);
    const create = dialog.getByRole('button', { name: /^Create group/ });
    expect(await create.isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await expect
      .poll(() => newGroupButton.evaluate((el) => el === document.activeElement))
      .toBe(true);
    await newGroupButton.click();
    await dialog.getByLabel('Group name').fill(title);
    for (const who of [zoe, ben, cara]) {
      await dialog.getByLabel('Add people by username').fill(who.username);
      await dialog.getByRole('button', { name: new RegExp(who.displayName) }).click();
    }
    await dialog.getByRole('button', { name: 'Create group with 3' }).click();
    // A long title stays on one line in the header, whole in its tooltip; initials from letters.
    const header = page.locator('.chat-header h2');
    await expect.poll(() => header.getAttribute('title')).toBe(title);
    expect((await header.boundingBox())!.height).toBeLessThan(30);
    expect(
      await page.locator('.chat-header .avatar .avatar-initials').getAttribute('data-initials'),
    ).toBe('WO');
    // The new group's preview is "You created the group", not "You: You created the group".
    const groupRow = page.locator('.conversation-row').filter({ hasText: title });
    await expect
      .poll(() => groupRow.locator('.row-preview').textContent())
      .toBe('You created the group');
    await composer.fill('Who is in for Saturday?');
    await composer.press('Enter');
    await page.getByRole('log').getByText('Who is in for Saturday?').waitFor();
    violations.push(...(await audit(page, 'group')));

    // Group info: the owner and admins first, then by name; removing a member asks first.
    await page.getByRole('button', { name: 'Group info', exact: true }).click();
    const info = page.getByRole('dialog', { name: 'Group info' });
    await info.getByText('Zoe Adams').waitFor();
    expect(
      await info.locator('.member-row .member-name').evaluateAll((names) =>
        // The name and the role badge; the @username under the name is left out.
        names.map((n) => n.textContent?.replace(/@[a-z0-9_.]+/, '')),
      ),
    ).toEqual(['YouOwner', 'Ben Okafor', 'Cara Nunes', 'Zoe Adams']);
    violations.push(...(await audit(page, 'info')));
    page.once('dialog', (d) => void d.dismiss());
    await info.getByRole('button', { name: 'Remove Cara Nunes' }).click();
    expect(await info.getByText('Cara Nunes').count()).toBe(1);
    page.once('dialog', (d) => void d.accept());
    await info.getByRole('button', { name: 'Remove Cara Nunes' }).click();
    await expect.poll(() => info.getByText('Cara Nunes').count()).toBe(0);
    await page.keyboard.press('Escape');

    // ---- The chat list: one Tab stop, arrow keys move, Enter on a lone search result opens it.
    const rows = page.locator('.conversation-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.locator('.conversation-row[tabindex="0"]').count()).toBe(1);
    await page.locator('.conversation-row[tabindex="0"]').focus();
    const focusedLabel = () =>
      page.evaluate(() => document.activeElement?.querySelector('.row-title')?.textContent ?? '');
    // The Tab stop is the row last focused (Ben's, clicked earlier); the group is above it.
    expect(await focusedLabel()).toMatch(/^Ben Okafor/);
    await page.keyboard.press('ArrowUp');
    expect(await focusedLabel()).toMatch(/^2026 Weekend/);
    await page.keyboard.press('ArrowDown');
    expect(await focusedLabel()).toMatch(/^Ben Okafor/);
    await page.keyboard.press('Home');
    expect(await focusedLabel()).toMatch(/^2026 Weekend/);
    await page.keyboard.press('Tab');
    expect(await focusedLabel()).not.toMatch(/^Ben Okafor|^2026 Weekend/);
    const search = page.getByLabel('Search chats and messages');
    await search.fill('Okafor');
    await expect.poll(() => rows.count()).toBe(1);
    await search.press('Enter');
    await expect.poll(() => header.textContent()).toBe('Ben Okafor');

    // ---- Settings: signing out another device asks first; focus returns to the opener.
    const anaPhone = await engine({ deviceName: 'Ana phone' });
    rig.engines.push(anaPhone);
    await anaPhone.client.signIn({
      serverUrl: rig.server.url,
      username: anaName,
      password: PASSWORD,
    });
    const settingsButton = page.getByRole('button', { name: 'Settings' });
    await settingsButton.click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await expect.poll(() => settings.locator('.device-row').count()).toBe(2);
    violations.push(...(await audit(page, 'settings')));
    page.once('dialog', (d) => void d.dismiss());
    await settings.getByRole('button', { name: 'Sign out Ana phone' }).click();
    expect(await settings.locator('.device-row').count()).toBe(2);
    page.once('dialog', (d) => void d.accept());
    await settings.getByRole('button', { name: 'Sign out Ana phone' }).click();
    await expect.poll(() => settings.locator('.device-row').count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect
      .poll(() => settingsButton.evaluate((el) => el === document.activeElement))
      .toBe(true);

    // ---- Offline while signed in: "You're offline" with "Retry now", never "check the address".
    const { dataDir, port } = rig.server;
    await rig.server.stop();
    const banner = page.getByRole('status').filter({ hasText: "You're offline" });
    await banner.waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'New chat' }).click();
    await page.getByLabel('Search people by username').fill('someone');
    const offline = page.getByRole('alert').filter({ hasText: "You're offline" });
    await offline.waitFor();
    expect(await offline.textContent()).not.toContain('check the address');
    await offline.getByRole('button', { name: 'Retry now' }).waitFor();
    await screenshot(page, 'offline-new-chat');
    await page.keyboard.press('Escape');
    await banner.getByRole('button', { name: 'Retry now' }).waitFor();
    await screenshot(page, 'offline-banner');
    // (Retry now connecting at once is shown by test/reconnect.test.ts: here the engine's
    // back-off is short and it comes back by itself.)
    rig.server = await startServer({ dataDir, port });
    await expect.poll(() => banner.count(), { timeout: 20_000 }).toBe(0);

    expect(violations).toEqual([]);
  });
});
