/**
 * What every browser suite runs against: a real server, Debian's Chromium and the built renderer
 * served on loopback; windows are opened on real engines and everything is closed after the suite.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '@chitchat/server/testing';
import {
  engine,
  online,
  removeProfiles,
  uniqueUser,
  userIdOf,
  PASSWORD,
  type Engine,
  type EngineOptions,
} from '../engines';
import {
  buildRenderer,
  launchChromium,
  openApp,
  serveRenderer,
  type AppWindow,
  type ChromiumOptions,
} from './browser';

export type RendererServer = Awaited<ReturnType<typeof serveRenderer>>;

/** The parts a suite keeps, as it assigns them; windows and engines are closed by `stopRig`. */
export interface Rig {
  server?: TestServer;
  browser?: Browser;
  app?: RendererServer;
  windows: AppWindow[];
  engines: Engine[];
}

/** A suite's rig once started: its parts, and the usual ways to open a window on it. */
export interface SuiteRig extends Rig {
  /** Assignable: a suite that restarts the server puts the new one here (stopRig stops it). */
  server: TestServer;
  readonly browser: Browser;
  readonly app: RendererServer;
  /** A window on a new engine, signed up as `displayName` (see `signedUpWindow`). */
  person(
    displayName: string,
    deviceName?: string,
  ): Promise<{ page: Page; engine: Engine; username: string; userId: string }>;
  /** A new engine named as a device, and the app opened on it (see `openDevice`). */
  device(name: string, options?: EngineOptions): Promise<{ page: Page; engine: Engine }>;
}

/**
 * The rig of one suite, started before its tests and stopped after them: call once at the top of
 * a `describe`. Its parts are there once the tests run (reading one earlier throws).
 */
export function useRig(...args: Parameters<typeof startRig>): SuiteRig {
  const parts: Rig = { windows: [], engines: [] };
  beforeAll(async () => {
    [parts.server, parts.browser, parts.app] = await startRig(...args);
  }, 120_000);
  afterAll(() => stopRig(parts));
  const started = <T>(part: T | undefined): T => {
    if (part === undefined) throw new Error('the rig is not started');
    return part;
  };
  return {
    windows: parts.windows,
    engines: parts.engines,
    get server() {
      return started(parts.server);
    },
    set server(server: TestServer) {
      parts.server = server;
    },
    get browser() {
      return started(parts.browser);
    },
    get app() {
      return started(parts.app);
    },
    person: (displayName, deviceName) => signedUpWindow(parts, displayName, deviceName),
    device: (name, options) => openDevice(parts, name, options),
  };
}

/** Builds the renderer, then starts the server, Chromium and the renderer's page server together. */
export async function startRig(
  // Open registration: the suites sign up several people (invite.test.ts asks for the default).
  config: NonNullable<Parameters<typeof startServer>[0]>['config'] = { REGISTRATION: 'open' },
  chromium: ChromiumOptions = {},
): Promise<[TestServer, Browser, RendererServer]> {
  await buildRenderer();
  return Promise.all([startServer({ config }), launchChromium(chromium), serveRenderer()]);
}

/** Closes windows, then engines, Chromium, the page server and the server; removes the profiles. */
export async function stopRig(rig: Rig): Promise<void> {
  for (const w of rig.windows) await w.close();
  for (const e of rig.engines) await e.client.stop();
  await rig.browser?.close();
  await rig.app?.close();
  await rig.server?.stop();
  removeProfiles();
}

/** A new engine named as a device, and the app opened on it (with the server's address filled in). */
export async function openDevice(
  rig: Rig,
  name: string,
  options: EngineOptions = {},
): Promise<{ page: Page; engine: Engine }> {
  if (!rig.browser || !rig.app || !rig.server) throw new Error('the rig is not started');
  const e = await engine({ deviceName: name, ...options });
  rig.engines.push(e);
  const w = await openApp(rig.browser, rig.app.url, e.client, {
    defaultServerUrl: rig.server.url,
  });
  rig.windows.push(w);
  return { page: w.page, engine: e };
}

/**
 * A window on a new engine signed up as `displayName` (the username made from its first word), once
 * it is online and shows its chat list.
 */
export async function signedUpWindow(
  rig: Rig,
  displayName: string,
  deviceName = `${displayName} laptop`,
): Promise<{ page: Page; engine: Engine; username: string; userId: string }> {
  if (!rig.server) throw new Error('the rig is not started');
  const d = await openDevice(rig, deviceName);
  const username = uniqueUser(displayName.split(' ')[0]?.toLowerCase() ?? 'user');
  await d.engine.client.signUp({
    serverUrl: rig.server.url,
    username,
    password: PASSWORD,
    displayName,
  });
  await online(d.engine.client);
  await d.page.getByRole('navigation', { name: 'Conversations' }).waitFor();
  return { ...d, username, userId: await userIdOf(d.engine.client) };
}
