import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AttachmentRef, LinkPreview } from '@chitchat/shared';
import type { TestServer } from '@chitchat/server/testing';
import { ApiClient, memorySecretStore } from '../../src/core/api-client';
import {
  engine as startEngine,
  online,
  PASSWORD,
  signedInEngine,
  until,
  uniqueUser,
} from '../engines';
import { seedDirect } from '../seed';
import { audit } from './axe';
import { chromiumAvailable, openApp, screenshot } from './browser';
import { useRig } from './rig';

const runBrowser = chromiumAvailable();
const DAY = 86_400_000;

/** A person made over the REST API only (no window): they upload media and are seeded as senders. */
async function apiPerson(server: TestServer, displayName: string) {
  const api = new ApiClient(server.url, memorySecretStore());
  const username = uniqueUser(displayName.split(' ')[0]?.toLowerCase() ?? 'user');
  const session = await api.register({
    username,
    password: PASSWORD,
    displayName,
    device: { name: 'seed', platform: 'linux' },
  });
  return { api, username, userId: session.user.id };
}

/** A small PNG of one colour, uploaded by `api` (a real thumbnail is made by the server). */
async function uploadPhoto(api: ApiClient, name: string, hue: number): Promise<AttachmentRef> {
  const png = await sharp({
    create: {
      width: 160,
      height: 120,
      channels: 3,
      background: { r: (hue * 7) % 256, g: (hue * 53) % 256, b: (hue * 101) % 256 },
    },
  })
    .png()
    .toBuffer();
  return api.uploadMedia(new Uint8Array(png), { name, mime: 'image/png' });
}

/**
 * A short WebM clip recorded from a canvas in the page (no video file ships with the tests, and
 * Chromium plays what it records).
 */
async function recordClip(page: Page): Promise<Uint8Array> {
  const bytes = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 120;
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2d canvas');
    const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm' });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (event) => chunks.push(event.data);
    const stopped = new Promise((resolve) => (recorder.onstop = resolve));
    recorder.start();
    // 40 frames of changing colour, one per animation frame.
    for (let frame = 0; frame < 40; frame++) {
      context.fillStyle = `hsl(${frame * 9}, 70%, 50%)`;
      context.fillRect(0, 0, 160, 120);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    recorder.stop();
    await stopped;
    return [...new Uint8Array(await new Blob(chunks).arrayBuffer())];
  });
  return new Uint8Array(bytes);
}

/**
 * "Media, links and docs" and "Download all history" as a person uses them (issue #16), on a new
 * device that holds only the newest 50 messages of each chat: a chat of 420 messages with photos,
 * documents and links over three months, and another whose oldest message is only found after the
 * whole history is downloaded.
 */
// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('media, links and docs; download all history (Chromium)', () => {
  const rig = useRig();

  const sheet = (page: Page, name: string) => page.getByRole('dialog', { name });

  it('pages the gallery from the server, steps through photos, downloads all history', async () => {
    const ana = await apiPerson(rig.server, 'Ana Lima');
    const bob = await apiPerson(rig.server, 'Bob Stone');
    const carl = await apiPerson(rig.server, 'Carl Weiss');
    const withBob = await seedDirect(rig.server.store, ana.userId, bob.userId);
    const withCarl = await seedDirect(rig.server.store, ana.userId, carl.userId);

    // 420 messages with Bob over 84 days: a photo every 7th (60), a PDF every 49th (9, uploaded by
    // Bob), a link every 42nd (10; every other one with the preview Bob's device made).
    const now = Date.now();
    const start = now - 84 * DAY;
    const photos = new Map<number, AttachmentRef>();
    const docs = new Map<number, AttachmentRef>();
    for (let i = 0; i < 420; i++) {
      if (i % 7 === 3) photos.set(i, await uploadPhoto(bob.api, `photo-${i}.png`, i));
      if (i % 49 === 5) {
        docs.set(
          i,
          await bob.api.uploadMedia(new TextEncoder().encode(`%PDF-1.4 report ${i}`), {
            name: `report-${i}.pdf`,
            mime: 'application/pdf',
          }),
        );
      }
    }
    const preview = (i: number): LinkPreview => ({
      url: `https://example.com/article-${i}`,
      title: `Article ${i}: what the team learned`,
      description: 'Notes from the retrospective',
      image: null,
    });
    await Promise.all(
      Array.from({ length: 420 }, (_, i) => {
        const photo = photos.get(i);
        const doc = docs.get(i);
        const link = i % 42 === 13;
        return rig.server.store.appendMessage({
          id: randomUUID(),
          conversationId: withBob,
          userId: i % 3 === 0 ? ana.userId : bob.userId,
          deviceId: null,
          at: start + i * 0.2 * DAY,
          clientMsgId: randomUUID(),
          text: photo
            ? null
            : doc
              ? `The report, part ${i}`
              : link
                ? `Read this: https://example.com/article-${i}`
                : `Message ${i} about the plan`,
          replyToSeq: null,
          attachments: photo ? [photo] : doc ? [doc] : [],
          linkPreview: link && i % 84 === 13 ? preview(i) : undefined,
        });
      }),
    );
    // 300 with Carl; the oldest holds a word nothing newer has.
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        rig.server.store.appendMessage({
          id: randomUUID(),
          conversationId: withCarl,
          userId: i % 2 === 0 ? carl.userId : ana.userId,
          deviceId: null,
          at: start + i * 0.25 * DAY,
          clientMsgId: randomUUID(),
          text: i === 0 ? 'My grandmother’s gazpacho recipe' : `Carl line ${i}`,
          replyToSeq: null,
          attachments: [],
        }),
      ),
    );

    // Ana's new laptop: each chat's newest 50 messages only.
    const { page, engine } = await rig.device('Ana laptop', { sync: { pageSize: 50 } });
    await engine.client.signIn({
      serverUrl: rig.server.url,
      username: ana.username,
      password: PASSWORD,
    });
    await online(engine.client);
    const nav = page.getByRole('navigation', { name: 'Conversations' });
    await nav.getByRole('button', { name: /^Bob Stone/ }).click();
    await page.getByRole('button', { name: 'Contact info', exact: true }).click();
    const info = sheet(page, 'Contact info');
    // The count is what the laptop holds: the newest 50 messages have 7 photos, a PDF and a link.
    const entry = info.getByRole('button', { name: /^Media, links and docs/ });
    // "on this device": the chat's older history is not here yet.
    await expect
      .poll(() => entry.textContent())
      .toMatch(/Media, links and docs\s*9 on this device/);
    // Every state the foot of the list shows on the way (they pass too fast to wait for).
    await page.evaluate(() => {
      const seen = new Set<string>();
      Object.assign(window, { galleryFoot: seen });
      new MutationObserver(() => {
        for (const foot of document.querySelectorAll('.gallery-end'))
          if (foot.textContent) seen.add(foot.textContent);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await entry.click();

    // 1. Media: the cached photo first, then older pages from the server as the list scrolls,
    // grouped by month, ending with "No more".
    const gallery = sheet(page, 'Media, links and docs');
    const tiles = gallery.locator('.gallery-tile');
    await tiles.first().waitFor({ timeout: 20_000 });
    await expect.poll(() => gallery.locator('.gallery-loading').count()).toBe(0);
    // The first page filled the screen from history the server sent: not everything yet.
    const firstPage = await tiles.count();
    expect(firstPage).toBeGreaterThan(7);
    expect(firstPage).toBeLessThan(60);
    expect(await gallery.getByText('No more').count()).toBe(0);
    // Scrolling to the end asks for older pages until the start of the chat.
    await expect
      .poll(
        async () => {
          if ((await gallery.getByText('No more').count()) > 0) return true;
          await gallery.locator('.gallery-end').scrollIntoViewIfNeeded();
          return false;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    expect(await tiles.count()).toBe(60);
    expect(await gallery.locator('.gallery-end').textContent()).toBe(
      'No more media: this is the start of the chat.',
    );
    // While it paged, it said what it was loading and how far back it had looked.
    const feet = await page.evaluate(() =>
      [...((window as unknown as { galleryFoot: Set<string> }).galleryFoot ?? [])].join('\n'),
    );
    expect(feet).toMatch(/^Loading older media…Looked back to \w/m);
    const months = await gallery.locator('.gallery-month h3').allTextContents();
    expect(months.length).toBeGreaterThanOrEqual(3);
    expect(months[0]).toBe('This month');
    await gallery.locator('.sheet-body').evaluate((el) => el.scrollTo(0, 0));
    await screenshot(page, 'gallery-01-media');

    // 2. A photo opens in the viewer and steps to the older and newer ones of the gallery.
    await gallery.getByRole('button', { name: /^Photo photo-416\.png/ }).click();
    const viewer = page.getByRole('dialog', { name: 'Photo photo-416.png' });
    await viewer.waitFor();
    await expect.poll(() => viewer.locator('.viewer-count').textContent()).toBe('60 of 60');
    await viewer.getByRole('button', { name: 'Previous photo' }).click();
    await page.getByRole('dialog', { name: 'Photo photo-409.png' }).waitFor();
    await expect.poll(() => page.locator('.viewer-count').textContent()).toBe('59 of 60');
    await page.locator('.viewer-image').waitFor();
    await screenshot(page, 'gallery-02-viewer');
    await page.getByRole('button', { name: 'Next photo' }).click();
    await page.getByRole('dialog', { name: 'Photo photo-416.png' }).waitFor();
    // Escape closes the photo, and only the photo: the gallery stays open under it.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.viewer').count()).toBe(0);
    expect(await gallery.isVisible()).toBe(true);

    // 2b. The gallery is live. Bob (on his phone) sends a video: it appears first in the open
    // gallery and opens in the same viewer, playing, with its sender and time; it pauses and
    // plays, and previous/next step between it and the photos.
    const bobPhone = await signedInEngine(rig.server.url, bob.username, rig.engines);
    const clip = await bobPhone.client.sendMessage({
      conversationId: withBob,
      text: '',
      files: [{ name: 'clip.webm', mime: 'video/webm', bytes: await recordClip(page) }],
    });
    const videoTile = gallery.getByRole('button', { name: /^Video clip\.webm/ });
    await videoTile.waitFor({ timeout: 20_000 });
    expect(await tiles.first().getAttribute('aria-label')).toMatch(/^Video clip\.webm/);
    expect(await tiles.count()).toBe(61);
    await videoTile.click();
    const player = page.getByRole('dialog', { name: 'Video clip.webm' });
    await player.waitFor();
    expect(await player.locator('.viewer-sender').textContent()).toBe('Bob Stone');
    await expect.poll(() => player.locator('.viewer-count').textContent()).toBe('61 of 61');
    const video = player.locator('video');
    await player.getByRole('button', { name: 'Pause', exact: true }).waitFor({ timeout: 10_000 });
    await player.getByRole('button', { name: 'Pause', exact: true }).click();
    await player.getByRole('button', { name: 'Play', exact: true }).waitFor();
    expect(await video.evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);
    await screenshot(page, 'gallery-12-video-paused');
    await player.getByRole('button', { name: 'Play', exact: true }).click();
    await player.getByRole('button', { name: 'Pause', exact: true }).waitFor();
    expect(await video.evaluate((v: HTMLVideoElement) => v.paused)).toBe(false);
    expect(await audit(page, 'gallery-video')).toEqual([]);
    await player.getByRole('button', { name: 'Previous photo' }).click();
    const newestPhoto = page.getByRole('dialog', { name: 'Photo photo-416.png' });
    await newestPhoto.waitFor();
    await newestPhoto.getByRole('button', { name: 'Next video' }).click();
    await player.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.viewer').count()).toBe(0);

    // Bob deletes the video for everyone, and Ana deletes a photo for herself (on this laptop's
    // engine): both leave the open gallery.
    const clipSeq = await until(bobPhone.client, async () => {
      const page = await bobPhone.client.openConversation(withBob);
      return page.messages.find((m) => m.key === clip.key)?.seq ?? undefined;
    });
    await bobPhone.client.deleteMessage({ conversationId: withBob, seq: clipSeq });
    await expect.poll(() => videoTile.count(), { timeout: 10_000 }).toBe(0);
    const photo416 = (await engine.client.listChatMediaSince(withBob, 'media', 0)).find(
      (m) => m.attachments[0]?.name === 'photo-416.png',
    );
    await engine.client.deleteForMe({ conversationId: withBob, seqs: [photo416?.seq ?? 0] });
    await expect
      .poll(() => gallery.getByRole('button', { name: /^Photo photo-416\.png/ }).count(), {
        timeout: 10_000,
      })
      .toBe(0);
    expect(await tiles.count()).toBe(59);
    expect(await tiles.first().getAttribute('aria-label')).toMatch(/^Photo photo-409\.png/);

    // 3. Links: the link, its preview where the sender made one, who sent it and when.
    await gallery.getByRole('tab', { name: 'Links' }).click();
    const links = gallery.locator('.gallery-link');
    await gallery.getByText('No more').waitFor({ timeout: 20_000 });
    expect(await links.count()).toBe(10);
    await expect
      .poll(() => links.first().textContent())
      .toMatch(/https:\/\/example\.com\/article-391.*Bob Stone/);
    expect(await gallery.getByText('Article 349: what the team learned').count()).toBe(1);
    await screenshot(page, 'gallery-03-links');
    // Bob edits a message of his to add a link: it joins the open Links tab, first.
    const plan = await bobPhone.client.sendMessage({
      conversationId: withBob,
      text: 'Plan for Saturday',
    });
    const planSeq = await until(bobPhone.client, async () => {
      const page = await bobPhone.client.openConversation(withBob);
      return page.messages.find((m) => m.key === plan.key)?.seq ?? undefined;
    });
    await bobPhone.client.editMessage({
      conversationId: withBob,
      seq: planSeq,
      text: 'Plan for Saturday: https://example.com/saturday',
    });
    await expect.poll(() => links.count(), { timeout: 10_000 }).toBe(11);
    await expect
      .poll(() => links.first().textContent())
      .toMatch(/https:\/\/example\.com\/saturday.*Bob Stone/);

    // 4. Docs (arrow keys move between the tabs): name, size, type, date; Open and Save.
    await gallery.getByRole('tab', { name: 'Links' }).press('ArrowRight');
    await expect
      .poll(() => gallery.getByRole('tab', { name: 'Docs' }).getAttribute('aria-selected'))
      .toBe('true');
    await gallery.getByText('No more').waitFor({ timeout: 20_000 });
    const docRows = gallery.locator('.gallery-doc');
    expect(await docRows.count()).toBe(9);
    await expect.poll(() => docRows.first().textContent()).toMatch(/report-397\.pdf.*PDF/);
    const download = page.waitForEvent('download');
    await gallery.getByRole('button', { name: 'Save report-397.pdf' }).click();
    expect((await download).suggestedFilename()).toBe('report-397.pdf');
    await screenshot(page, 'gallery-04-docs');
    expect(await audit(page, 'gallery-docs')).toEqual([]);
    await gallery.getByRole('tab', { name: 'Media' }).click();
    await tiles.first().waitFor();
    expect(await audit(page, 'gallery-media')).toEqual([]);
    await page.setViewportSize({ width: 640, height: 420 });
    await screenshot(page, 'gallery-05-media-small');
    await page.setViewportSize({ width: 1200, height: 760 });
    await gallery.getByRole('button', { name: 'Close' }).click();
    // The whole chat is on the laptop now: the count is exact (59 photos, 11 links, 9 PDFs).
    await expect
      .poll(() => sheet(page, 'Contact info').locator('.gallery-entry').textContent())
      .toMatch(/Media, links and docs\s*79\s*›$/);
    await sheet(page, 'Contact info').getByRole('button', { name: 'Close' }).click();

    // 5. The oldest message with Carl is not on this laptop: search does not find it yet.
    expect(await engine.client.searchMessages('gazpacho')).toEqual([]);

    // 6. Settings → Download all history: progress by chats, then complete.
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = sheet(page, 'Settings');
    await settings.getByRole('button', { name: 'Download all history' }).click();
    const status = settings.locator('.history-download [role="status"]');
    await expect
      .poll(() => status.textContent(), { timeout: 5_000 })
      .toMatch(/of 2 chats|All history/);
    await settings.locator('.history-download').scrollIntoViewIfNeeded();
    await screenshot(page, 'gallery-06-download-progress');
    await expect
      .poll(() => status.textContent(), { timeout: 60_000 })
      .toBe('All history is on this device (2 chats); search covers every message.');
    await settings.locator('.history-download').scrollIntoViewIfNeeded();
    await screenshot(page, 'gallery-07-download-complete');
    expect(await audit(page, 'history-download')).toEqual([]);
    await page.setViewportSize({ width: 640, height: 420 });
    await settings.locator('.history-download').scrollIntoViewIfNeeded();
    await screenshot(page, 'gallery-08-download-small');
    await page.setViewportSize({ width: 1200, height: 760 });
    await settings.getByRole('button', { name: 'Close' }).click();

    // 7. Now search finds the oldest message, and it opens in place.
    const search = page.getByLabel('Search chats and messages');
    await search.fill('gazpacho');
    const hit = page.locator('.hit-row', { hasText: 'gazpacho' });
    await hit.waitFor({ timeout: 20_000 });
    await hit.click();
    await page
      .getByRole('log', { name: 'Messages' })
      .getByText('My grandmother’s gazpacho recipe')
      .waitFor({ timeout: 20_000 });
    await screenshot(page, 'gallery-09-old-message-found');
  });
  it('"Download all history" shows its progress, carries on after the app restarts, and says when it is complete', async () => {
    const ana = await apiPerson(rig.server, 'Ana Lima');
    const friends = await Promise.all(
      ['Dora Kim', 'Emil Berg', 'Fay Osei'].map((name) => apiPerson(rig.server, name)),
    );
    const start = Date.now() - 200 * DAY;
    // Three chats of 1,000 messages: 60 pages of 50 to fetch, seconds of work to watch.
    for (const friend of friends) {
      const chatId = await seedDirect(rig.server.store, ana.userId, friend.userId);
      await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          rig.server.store.appendMessage({
            id: randomUUID(),
            conversationId: chatId,
            userId: i % 2 === 0 ? friend.userId : ana.userId,
            deviceId: null,
            at: start + i * 0.1 * DAY,
            clientMsgId: randomUUID(),
            text: i === 0 ? `The first note from ${friend.userId.slice(0, 8)} quokka` : `Line ${i}`,
            replyToSeq: null,
            attachments: [],
          }),
        ),
      );
    }
    const first = await rig.device('Ana laptop', { sync: { pageSize: 50 } });
    await first.engine.client.signIn({
      serverUrl: rig.server.url,
      username: ana.username,
      password: PASSWORD,
    });
    await online(first.engine.client);
    await first.page.getByRole('button', { name: 'Settings' }).click();
    const settings = sheet(first.page, 'Settings');
    await settings.getByRole('button', { name: 'Download all history' }).click();
    const status = settings.locator('.history-download [role="status"]');
    await expect
      .poll(() => status.textContent(), { timeout: 20_000 })
      .toMatch(/^Downloading history… [0-2] of 3 chats$/);
    await settings.locator('.history-download').scrollIntoViewIfNeeded();
    await screenshot(first.page, 'gallery-10-download-progress');

    // The app is closed in the middle of it.
    await first.engine.client.stop();
    const restarted = await startEngine({
      profileDir: first.engine.profileDir,
      secrets: first.engine.secrets,
      sync: { pageSize: 50 },
    });
    rig.engines.push(restarted);
    const window = await openApp(rig.browser, rig.app.url, restarted.client, {
      defaultServerUrl: rig.server.url,
    });
    rig.windows.push(window);
    const { page } = window;
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Settings' }).click();
    // Nobody asked again: it carries on by itself until every chat is complete.
    await expect
      .poll(
        () => sheet(page, 'Settings').locator('.history-download [role="status"]').textContent(),
        {
          timeout: 90_000,
        },
      )
      .toBe('All history is on this device (3 chats); search covers every message.');
    expect(
      await sheet(page, 'Settings').getByRole('button', { name: 'Download all history' }).count(),
    ).toBe(0);
    await sheet(page, 'Settings').locator('.history-download').scrollIntoViewIfNeeded();
    await screenshot(page, 'gallery-11-download-resumed-complete');
    expect((await restarted.client.searchMessages('quokka')).length).toBe(3);
  });
});
