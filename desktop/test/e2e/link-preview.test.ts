import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { PUBLIC_ADDRESSES_ONLY } from '../../src/core/link-preview/address-policy';
import { nodeLinkPreviews } from '../../src/core/link-preview/link-preview.node';
import { engine, uniqueUser, userIdOf, PASSWORD } from '../engines';
import { chromiumAvailable, openApp, screenshot } from './browser';
import { useRig } from './rig';
import { audit } from './axe';

const runBrowser = chromiumAvailable();

/** A local web page with Open Graph tags and an image; counts the requests it gets. */
async function localPage(): Promise<{ server: Server; port: number; url: string; hits: string[] }> {
  const card = await sharp({
    create: { width: 600, height: 315, channels: 3, background: { r: 240, g: 170, b: 60 } },
  })
    .composite([
      {
        input: Buffer.from(
          '<svg width="600" height="315"><circle cx="300" cy="158" r="110" fill="#2e7d5b"/></svg>',
        ),
        top: 0,
        left: 0,
      },
    ])
    .png()
    .toBuffer();
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(request.url ?? '');
    if (request.url === '/card.png') {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(card);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html><head>
      <title>Friday lunch</title>
      <meta property="og:title" content="Friday team lunch">
      <meta property="og:description" content="Tacos at the corner place, 12:30. Bring a friend.">
      <meta property="og:image" content="/card.png">
      </head><body>menu</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, port, url: `http://127.0.0.1:${port}/lunch`, hits };
}

// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('link previews and forwarding in the desktop app (Chromium)', () => {
  const rig = useRig();
  let page: Awaited<ReturnType<typeof localPage>>;

  beforeAll(async () => {
    page = await localPage();
  });
  afterAll(async () => {
    page?.server.closeAllConnections();
    await new Promise<void>((resolve) => (page ? page.server.close(() => resolve()) : resolve()));
  });

  /** A signed-up person with the app open; `localPages` lets their engine preview the test page. */
  async function person(displayName: string, options: { localPages?: boolean } = {}) {
    const policy = {
      allows: (address: string, port: number) =>
        PUBLIC_ADDRESSES_ONLY.allows(address, port) ||
        (address === '127.0.0.1' && port === page.port),
    };
    const e = await engine(
      options.localPages === true ? { linkPreviews: nodeLinkPreviews({ policy }) } : {},
    );
    rig.engines.push(e);
    await e.client.signUp({
      serverUrl: rig.server.url,
      username: uniqueUser(displayName.toLowerCase()),
      password: PASSWORD,
      displayName,
    });
    const w = await openApp(rig.browser, rig.app.url, e.client, {
      defaultServerUrl: rig.server.url,
    });
    rig.windows.push(w);
    await w.page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    return { page: w.page, client: e.client, userId: await userIdOf(e.client) };
  }

  const log = (p: Page) => p.getByRole('log', { name: 'Messages' });
  const composer = (p: Page) => p.getByLabel('Message', { exact: true });
  const openChat = (p: Page, title: RegExp) =>
    p
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('button', { name: title })
      .click();

  it('a preview from a local page: removed once, sent once, and shown to the receiver without fetching', async () => {
    const ana = await person('Ana', { localPages: true });
    const ben = await person('Ben');
    await ana.client.startDirectChat(ben.userId);
    await openChat(ana.page, /^Ben/);

    // The link in the composer gets a preview made by Ana's engine.
    await composer(ana.page).fill(`Lunch? ${page.url}`);
    const draft = ana.page.getByRole('group', { name: 'Link preview' });
    await draft.getByText('Friday team lunch').waitFor();
    await expect.poll(() => draft.locator('img').count()).toBe(1);
    await screenshot(ana.page, 'link-preview-01-composer');
    expect(await audit(ana.page, 'link-preview-composer')).toEqual([]);

    // Removed: this message goes without it.
    await draft.getByRole('button', { name: 'Remove link preview' }).click();
    await draft.waitFor({ state: 'detached' });
    await composer(ana.page).press('Enter');
    await log(ana.page).getByText(`Lunch? ${page.url}`).waitFor();

    // The next message with the link gets it again, and sends it.
    await composer(ana.page).fill(`Menu is here: ${page.url}`);
    await draft.getByText('Friday team lunch').waitFor();
    await composer(ana.page).press('Enter');
    await draft.waitFor({ state: 'detached' });
    const sentCard = log(ana.page).getByRole('button', {
      name: /^Link preview: Friday team lunch/,
    });
    await sentCard.waitFor();
    const hitsBeforeBen = page.hits.length;

    // Ben sees the card with its image; his app never asks the page for anything.
    await openChat(ben.page, /^Ana/);
    const card = log(ben.page).getByRole('button', {
      name: /^Link preview: Friday team lunch .*127\.0\.0\.1$/,
    });
    await card.waitFor({ timeout: 20_000 });
    await card.getByText('Tacos at the corner place, 12:30. Bring a friend.').waitFor();
    await expect
      .poll(() => card.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth), {
        timeout: 20_000,
      })
      .toBe(600);
    expect(
      await log(ben.page)
        .getByRole('button', { name: /^Link preview/ })
        .count(),
    ).toBe(1);
    expect(page.hits.length).toBe(hitsBeforeBen);
    await screenshot(ben.page, 'link-preview-02-received');
    expect(await audit(ben.page, 'link-preview-card')).toEqual([]);

    // Settings turn previews off: Ana's engine then makes none.
    await ana.page.getByRole('button', { name: 'Settings' }).click();
    const toggle = ana.page.getByRole('checkbox', { name: 'Link previews' });
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await screenshot(ana.page, 'link-preview-03-setting');
    await toggle.uncheck();
    await expect.poll(async () => (await ana.client.getPreferences()).linkPreviews).toBe(false);
    expect(await ana.client.previewLink(page.url)).toBeNull();
  });

  it('forward a photo: select, pick a chat, and it arrives "Forwarded" with the same media', async () => {
    const ana = await person('Ana');
    const ben = await person('Ben');
    const cid = await person('Cid');
    const anaBen = await ana.client.startDirectChat(ben.userId);
    const benCid = await ben.client.startDirectChat(cid.userId);
    await ben.client.sendMessage({ conversationId: benCid.id, text: 'Hi Cid' });
    const photo = await sharp({
      create: { width: 800, height: 600, channels: 3, background: { r: 50, g: 110, b: 200 } },
    })
      .jpeg()
      .toBuffer();
    await ana.client.sendMessage({
      conversationId: anaBen.id,
      text: 'Our new office',
      files: [{ name: 'office.jpg', mime: 'image/jpeg', bytes: new Uint8Array(photo) }],
    });

    await openChat(ben.page, /^Ana/);
    const bubble = log(ben.page).getByRole('article').filter({ hasText: 'Our new office' });
    await bubble.getByRole('img', { name: 'office.jpg' }).waitFor({ timeout: 20_000 });
    await bubble.hover();
    await ben.page.getByRole('button', { name: 'Forward', exact: true }).last().click();
    const bar = ben.page.getByRole('toolbar', { name: 'Selected messages' });
    await bar.getByText('1 selected').waitFor();
    await screenshot(ben.page, 'forward-01-selected');
    expect(await audit(ben.page, 'forward-selection')).toEqual([]);
    await bar.getByRole('button', { name: 'Forward' }).click();

    const dialog = ben.page.getByRole('dialog', { name: 'Forward to' });
    await dialog.getByRole('checkbox', { name: 'Forward to Cid' }).check();
    await screenshot(ben.page, 'forward-02-dialog');
    expect(await audit(ben.page, 'forward-dialog')).toEqual([]);
    await dialog.getByRole('button', { name: 'Forward to 1' }).click();
    await dialog.waitFor({ state: 'detached' });

    // Cid sees it labelled, with the photo, reusing the media id Ana uploaded.
    await openChat(cid.page, /^Ben/);
    const forwarded = log(cid.page).getByRole('article').filter({ hasText: 'Forwarded' });
    await forwarded.getByText('Our new office').waitFor({ timeout: 20_000 });
    await forwarded.getByRole('img', { name: 'office.jpg' }).waitFor({ timeout: 20_000 });
    await screenshot(cid.page, 'forward-03-received');
    const original = (await ben.client.openConversation(anaBen.id)).messages.find(
      (m) => m.text === 'Our new office',
    );
    const copy = (await cid.client.openConversation(benCid.id)).messages.find((m) => m.forwarded);
    expect(copy?.attachments.map((a) => a.id)).toEqual(original?.attachments.map((a) => a.id));
  });
});
