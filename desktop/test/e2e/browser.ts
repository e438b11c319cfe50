/**
 * Runs the production build of the renderer in Debian's Chromium (Playwright), with the engine in
 * Node behind the same contract the Electron preload exposes: `window.chitchatHost` is a Playwright
 * binding into a real ChatClient, and the engine's events are dispatched into the page.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHAT_EVENT_NAMES } from '../../src/common/contract';
import { dispatchChatCall } from '../../src/common/rpc';
import type { ChatClient } from '../../src/core/chat-client';

const desktopRoot = path.resolve(import.meta.dirname, '../..');
export const rendererDist = path.join(desktopRoot, 'dist', 'renderer');
export const screenshotDir = path.join(desktopRoot, 'test-results', 'screens');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the browser suite can run; prints one loud line when it cannot (and fails under CI). */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const line = `Chromium not found at ${CHROMIUM_PATH}: the end-to-end UI tests need it (apt-get install -y chromium, or set CHROMIUM_PATH).`;
  if (process.env.CI === 'true') throw new Error(line);
  console.warn(`\n*** SKIPPING end-to-end UI tests: ${line}\n`);
  return false;
}

/**
 * Builds the renderer with Vite (production mode) into desktop/dist/renderer. The screenshot folder
 * is kept: each browser suite names its own screenshots, so one suite never wipes another's.
 */
export async function buildRenderer(): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: path.join(desktopRoot, 'vite.config.ts'),
    logLevel: 'warn',
    mode: 'production',
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves the built renderer as static files on a loopback port (Electron loads the same files). */
export async function serveRenderer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const relative =
      url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.join(rendererDist, relative);
    if (!file.startsWith(rendererDist) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Chromium's fake microphone (a test tone), granted without asking: for voice-note suites. */
const FAKE_MEDIA_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // Playback may start after the recording is fetched, past the click's user activation.
  '--autoplay-policy=no-user-gesture-required',
];

export interface ChromiumOptions {
  /** Opt in to the fake microphone (other suites keep a browser without one). */
  fakeMedia?: boolean;
}

function chromiumArgs(options: ChromiumOptions): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    ...(options.fakeMedia === true ? FAKE_MEDIA_ARGS : []),
  ];
}

export async function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(options) });
}

/**
 * Chromium on a profile folder, as a person runs it. A context of `launchChromium` is off the
 * record: its origin private file system lives in the browser process's memory, each write a call
 * to it, so storage figures (the engine-browser bench) are measured on a profile instead.
 */
export async function launchChromiumProfile(
  userDataDir: string,
  options: ChromiumOptions & { viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: chromiumArgs(options),
    viewport: options.viewport,
  });
}

export interface AppWindow {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * Opens the app in its own browser context, wired to `client` exactly as the preload wires it in
 * Electron (`window.chitchatHost` + `window.chitchatShell`).
 */
export async function openApp(
  browser: Browser,
  appUrl: string,
  client: ChatClient,
  options: { defaultServerUrl?: string; colorScheme?: 'light' | 'dark'; focused?: boolean } = {},
): Promise<AppWindow> {
  const context = await browser.newContext({
    viewport: { width: 1200, height: 760 },
    colorScheme: options.colorScheme ?? 'light',
    deviceScaleFactor: 1,
  });
  // Functions sent to the page are their compiled text: under tsx (npm run bench -- ui) esbuild
  // keeps names by wrapping functions in a `__name` helper that the page must have too.
  await context.addInitScript({ content: 'window.__name = (target) => target;' });
  // Playwright bindings carry JSON, so bytes cross as base64 (Electron's IPC carries them as is).
  await context.exposeBinding('chitchatInvoke', async (_source, method: unknown, args: unknown) =>
    encodeBytes(await dispatchChatCall(client, method, decodeBytes(args))),
  );
  await context.addInitScript(
    ({ defaultServerUrl, focused }) => {
      const listeners = new Set<(name: string, payload: unknown) => void>();
      const w = window as unknown as Record<string, unknown>;
      w.__chitchatDispatch = (name: string, payload: unknown) =>
        listeners.forEach((l) => l(name, payload));
      const toBase64 = (bytes: Uint8Array) => {
        let text = '';
        for (let i = 0; i < bytes.length; i += 0x8000)
          text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(text);
      };
      const encode = (value: unknown): unknown => {
        if (value instanceof Uint8Array) return { __b64: toBase64(value) };
        if (Array.isArray(value)) return value.map(encode);
        if (value !== null && typeof value === 'object') {
          return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
        }
        return value;
      };
      const decode = (value: unknown): unknown => {
        if (Array.isArray(value)) return value.map(decode);
        if (value !== null && typeof value === 'object') {
          const record = value as Record<string, unknown>;
          if (typeof record.__b64 === 'string')
            return Uint8Array.from(atob(record.__b64), (c) => c.charCodeAt(0));
          return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decode(v)]));
        }
        return value;
      };
      w.chitchatHost = {
        invoke: async (method: string, args: unknown[]) =>
          decode(
            await (w.chitchatInvoke as (m: string, a: unknown) => Promise<unknown>)(
              method,
              encode(args),
            ),
          ),
        subscribe: (listener: (name: string, payload: unknown) => void) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      };
      w.chitchatShell = {
        setActiveConversation: () => undefined,
        onOpenConversation: () => () => undefined,
        openExternal: () => undefined,
        platform: 'linux',
        defaultServerUrl,
      };
      // Headless pages never have focus; the test decides whether the window is focused.
      let hasFocus = focused;
      Document.prototype.hasFocus = () => hasFocus;
      w.__setFocused = (value: boolean) => {
        hasFocus = value;
        window.dispatchEvent(new Event(value ? 'focus' : 'blur'));
      };
    },
    { defaultServerUrl: options.defaultServerUrl ?? null, focused: options.focused ?? true },
  );
  const page = await context.newPage();
  const offs = CHAT_EVENT_NAMES.map((name) =>
    client.events.on(name, (payload) => {
      page
        .evaluate(
          ([n, p]) =>
            (
              window as unknown as { __chitchatDispatch(n: string, p: unknown): void }
            ).__chitchatDispatch(n, p),
          [name, payload] as const,
        )
        .catch(() => undefined);
    }),
  );
  await page.goto(appUrl);
  return {
    context,
    page,
    async close() {
      for (const off of offs) off();
      await context.close();
    },
  };
}

/** Focuses or blurs the app window (reading happens only in a focused window). */
export async function setFocused(page: Page, focused: boolean): Promise<void> {
  await page.evaluate(
    (value) => (window as unknown as { __setFocused(v: boolean): void }).__setFocused(value),
    focused,
  );
}

/** Bytes inside a value, as base64 placeholders (Node side). */
function encodeBytes(value: unknown): unknown {
  if (value instanceof Uint8Array) return { __b64: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(encodeBytes);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeBytes(v)]));
  }
  return value;
}

function decodeBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeBytes);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.__b64 === 'string')
      return new Uint8Array(Buffer.from(record.__b64, 'base64'));
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decodeBytes(v)]));
  }
  return value;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
