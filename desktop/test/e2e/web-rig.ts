import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '@chitchat/server/testing';
import type { ChatHostBridge, RpcResult } from '../../src/common/rpc';
import {
  PASSWORD,
  engine,
  online,
  uniqueUser,
  userIdOf,
  type Engine,
  type SignedUpEngine,
} from '../engines';
import { launchChromium } from './browser';

/*
 * The served web app's browser suites (issue #17): the real `npm run build:web` output, built once
 * per suite into a temp folder the suite's server serves as WEB_APP_DIR. Not the test binding: the
 * engine runs in the page's Worker over sqlite-wasm on OPFS.
 */

const desktopRoot = path.resolve(import.meta.dirname, '../..');
export const WEB_PASSWORD = 'correct horse battery';

/** Builds the web app (production) into a fresh temp folder and answers the folder. */
export async function buildWebApp(): Promise<string> {
  const webDir = mkdtempSync(path.join(tmpdir(), 'chitchat-web-e2e-'));
  const { build } = await import('vite');
  await build({
    configFile: path.join(desktopRoot, 'vite.web.config.ts'),
    logLevel: 'warn',
    mode: 'production',
    build: { outDir: webDir, emptyOutDir: true },
  });
  return webDir;
}

/** Signs up a new account in the web app at `url` (the server prefilled), up to the chat list. */
export async function signUpInWeb(page: Page, url: string, username: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByRole('button', { name: 'New here? Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(WEB_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
}

export interface WebRig {
  server: TestServer;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds the web app into a temporary folder, then starts a server serving it and Chromium. */
export async function startWebRig(
  config: NonNullable<Parameters<typeof startServer>[0]>['config'] = {},
): Promise<WebRig> {
  const webDir = await buildWebApp();
  const [server, browser] = await Promise.all([
    startServer({ config: { REGISTRATION: 'open', ...config, WEB_APP_DIR: webDir } }),
    launchChromium(),
  ]);
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.stop();
      rmSync(webDir, { recursive: true, force: true });
    },
  };
}

export const bubbles = (page: Page) =>
  page.getByRole('log', { name: 'Messages' }).getByRole('article');

/** Types a message in the open chat's composer and sends it with Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const composer = page.getByLabel('Message', { exact: true });
  await composer.fill(text);
  await composer.press('Enter');
}

/** Signs up on the web app's sign-in screen (the server is prefilled) and waits for the list. */
export async function signUpInPage(
  page: Page,
  username: string,
  displayName: string,
  password: string,
): Promise<void> {
  await page.getByRole('button', { name: 'New here? Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name (optional)').fill(displayName);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
}

/** Starts a direct chat from "New chat" by the person's username; the chat opens. */
export async function startChatInPage(page: Page, username: string, name: string): Promise<void> {
  await page.getByRole('button', { name: 'New chat' }).click();
  await page.getByLabel('Search people by username').fill(username);
  await page.getByRole('button', { name: new RegExp(name) }).click();
  // The composer of this chat, not the one of the chat that was open before.
  await page
    .getByRole('region', { name: `Chat with ${name}` })
    .getByLabel('Message', { exact: true })
    .waitFor();
}

/** Someone on another device: a Node engine signed up as `displayName`, online. */
export async function personEngine(
  serverUrl: string,
  displayName: string,
  engines: Engine[],
): Promise<SignedUpEngine> {
  const e = await engine({ deviceName: `${displayName} laptop` });
  engines.push(e);
  const username = uniqueUser(displayName.split(' ')[0]?.toLowerCase() ?? 'user');
  await e.client.signUp({ serverUrl, username, password: PASSWORD, displayName });
  await online(e.client);
  return { ...e, username, userId: await userIdOf(e.client) };
}

/** A small PNG of one colour (a profile photo to upload), made without an image library. */
export function solidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3)]);
  for (let x = 0; x < width; x += 1) row.set(rgb, 1 + x * 3);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Calls the engine the page talks to (its Worker, or the owner tab's through the relay). */
export async function engineCall(
  page: Page,
  method: string,
  args: unknown[] = [],
): Promise<unknown> {
  const result: RpcResult = await page.evaluate(
    ([m, a]) => (window as unknown as { chitchatHost: ChatHostBridge }).chitchatHost.invoke(m, a),
    [method, args] as const,
  );
  if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`);
  return result.value;
}
