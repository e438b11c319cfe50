import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connect, register } from '@chitchat/server/testing';
import { seedDirect, seedMessages, seedPerson, type SeedMessage } from '../seed';
import { chromiumAvailable, screenshotDir } from './browser';
import { signUpInWeb, solidPng, startWebRig, type WebRig } from './web-rig';

/*
 * "Export my data" in the web app (issue #17), as the server serves it, in Chromium: the Worker
 * writes the zip into the origin private file system and the page hands it to the browser as a
 * download. The archive is unzipped here and read: the account's chats (a history longer than what
 * the app first fetches, so the export completes it), their media byte for byte, and nothing of a
 * chat the account is not in.
 */

const run = chromiumAvailable() ? describe : describe.skip;
const HISTORY = 1_500;
const OTHER_CHATS = 20;

run('export my data in the web app (Chromium)', () => {
  let rig: WebRig;
  let scratch: string;
  const violations: string[] = [];

  beforeAll(async () => {
    rig = await startWebRig();
    scratch = mkdtempSync(path.join(tmpdir(), 'chitchat-web-export-'));
    mkdirSync(screenshotDir, { recursive: true });
  });
  afterAll(async () => {
    await rig?.close();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  it('downloads a zip made in the browser with every message and photo of the account, and nothing of others', async () => {
    const { server, browser } = rig;
    const { store } = server;
    const context = await browser.newContext({
      viewport: { width: 1200, height: 760 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text()))
        violations.push(message.text());
    });
    page.on('pageerror', (error) => violations.push(`pageerror: ${error.message}`));
    const username = `exporter_${process.pid}`;
    await signUpInWeb(page, server.url, username);
    const ana = (await store.findUserByUsername(username))?.id ?? '';
    expect(ana).not.toBe('');

    // Ana's account at a real size, through the store: a long chat with Bob and 20 more.
    const bob = await register(server, `bob_export_${process.pid}`);
    const carol = await register(server, `carol_export_${process.pid}`);
    const withBob = await seedDirect(store, ana, bob.user.id);
    const now = Date.now();
    const history: SeedMessage[] = Array.from({ length: HISTORY }, (_, i) => ({
      from: i % 2 === 0 ? bob.user.id : ana,
      text: `Line ${i + 1} between Ana and Bob`,
      at: now - (HISTORY - i) * 60_000,
    }));
    await seedMessages(store, withBob, history);
    for (let i = 0; i < OTHER_CHATS; i++) {
      const peer = await seedPerson(store, `Friend ${i + 1}`);
      const chat = await seedDirect(store, ana, peer);
      await seedMessages(store, chat, [
        { from: peer, text: `Hello from friend ${i + 1}`, at: now - (i + 2) * 3_600_000 },
      ]);
    }
    // Bob and Carol's own chat: never Ana's.
    const bobAndCarol = await seedDirect(store, bob.user.id, carol.user.id);
    await seedMessages(store, bobAndCarol, [
      { from: carol.user.id, text: 'A secret between Bob and Carol', at: now - 1_000 },
    ]);

    // Then Bob sends a photo, live.
    const png = solidPng(64, 48, [30, 120, 200]);
    const uploaded = await fetch(`${server.url}/api/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bob.accessToken}`, 'content-type': 'image/png' },
      body: new Uint8Array(png),
    });
    expect(uploaded.status).toBe(201);
    const photo = ((await uploaded.json()) as { id: string }).id;
    const bobSocket = await connect(server, bob.accessToken);
    try {
      await call(bobSocket, 'message:send', {
        conversationId: withBob,
        clientMsgId: crypto.randomUUID(),
        text: 'The photo of the lake',
        attachments: [photo],
      });
    } finally {
      bobSocket.close();
    }
    await page
      .getByRole('navigation', { name: 'Conversations' })
      .getByText('The photo of the lake')
      .waitFor();

    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    const downloading = page.waitForEvent('download', { timeout: 120_000 });
    await settings.getByRole('button', { name: 'Export my data' }).click();
    const download = await downloading;
    const fileName = download.suggestedFilename();
    expect(fileName).toMatch(
      new RegExp(`^chitchat-export-${username}-\\d{4}-\\d{2}-\\d{2}\\.zip$`),
    );
    const zip = path.join(scratch, fileName);
    await download.saveAs(zip);
    const status = settings.getByRole('status').filter({ hasText: 'Downloaded' });
    await status.waitFor();
    expect(await status.textContent()).toMatch(
      new RegExp(
        `Downloaded ${fileName} \\(.+: 21 chats, 1,52\\d messages, 1 file\\)\\.`,
      ),
    );
    await page.screenshot({ path: path.join(screenshotDir, 'web-export-01-downloaded.png') });

    // Read back with Info-ZIP.
    expect(execFileSync('unzip', ['-tq', zip]).toString()).toMatch(/No errors detected/);
    const entries = execFileSync('unzip', ['-Z1', zip]).toString().trim().split('\n');
    expect(entries).toContain('profile.json');
    expect(entries).toContain('index.html');
    const chatJson = entries.filter((e) => /^chats\/.*\.json$/.test(e));
    expect(chatJson).toHaveLength(OTHER_CHATS + 1);
    expect(entries.filter((e) => /^chats\/.*\.html$/.test(e))).toHaveLength(OTHER_CHATS + 1);
    const read = (entry: string) => execFileSync('unzip', ['-p', zip, entry], { maxBuffer: 64e6 });
    const profile = JSON.parse(read('profile.json').toString()) as {
      me: { id: string; username: string };
    };
    expect(profile.me).toMatchObject({ id: ana, username });

    const chats = chatJson.map(
      (entry) =>
        JSON.parse(read(entry).toString()) as {
          id: string;
          messages: { text: string | null; attachments: { file: string | null; mime: string }[] }[];
        },
    );
    expect(chats.map((c) => c.id)).not.toContain(bobAndCarol);
    const bobChat = chats.find((c) => c.id === withBob);
    const texts = bobChat?.messages.map((m) => m.text) ?? [];
    // Every line of the long history, in order, then the photo's message.
    expect(texts.filter((t) => t?.startsWith('Line '))).toEqual(history.map((m) => m.text));
    expect(texts.at(-1)).toBe('The photo of the lake');
    const attachment = bobChat?.messages.at(-1)?.attachments[0];
    expect(attachment).toMatchObject({ mime: 'image/png' });
    expect(Buffer.compare(read(attachment?.file ?? ''), png)).toBe(0);
    // Its readable page says the same.
    const bobPage = chatJson[chats.findIndex((c) => c.id === withBob)] ?? '';
    expect(read(bobPage.replace(/\.json$/, '.html')).toString()).toContain(
      'Line 1500 between Ana and Bob',
    );
    // Nothing of Bob and Carol's chat anywhere in the archive.
    const everything = execFileSync('unzip', ['-p', zip], { maxBuffer: 256e6 });
    expect(everything.includes('A secret between Bob and Carol')).toBe(false);
    expect(readFileSync(zip).length).toBeGreaterThan(png.length);
    await context.close();
  });

  it('loaded under the CSP with no violation', () => {
    expect(violations).toEqual([]);
  });
});
