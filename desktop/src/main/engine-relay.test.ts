import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '@chitchat/server/testing';
import type { SessionState } from '../common/contract';
import { chatApiFromHost, type RpcPort } from '../common/rpc';
import type { EngineLogger } from '../core/emitter';
import { PASSWORD, newProfileDir, removeProfiles, uniqueUser } from '../../test/engines';
import { fakeSafeStorage } from '../../test/fake-safe-storage';
import { isEngineToMain, isMainToEngine, type MainToEngine } from './engine-protocol';
import { EngineRelay, restartDelay } from './engine-relay';
import { describeDevice, hostEngine } from './engine-service';
import { createTokenStore } from './secret-store';

const portOf = (port: MessagePort): RpcPort => ({
  postMessage: (message) => port.postMessage(message),
  onMessage: (listener) => {
    port.on('message', listener);
    return () => port.off('message', listener);
  },
});

const FAST_SYNC = { reconnectDelayMs: 50, reconnectDelayMaxMs: 300, retryBaseMs: 50 };

const quietLogger = (lines: string[] = []): EngineLogger => ({
  debug: () => undefined,
  warn: (message) => lines.push(message),
  error: (message) => lines.push(message),
});

/** Every file under `dir`, recursively. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });

describe('the engine behind main (the utility process, over a real MessageChannel)', () => {
  let server: TestServer;
  const channels: MessageChannel[] = [];
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    for (const { port1, port2 } of channels.splice(0)) {
      port1.close();
      port2.close();
    }
    await server.stop();
    removeProfiles();
  });

  /** Starts an engine "process" on one end of a channel; returns main's end. */
  const launchEngine = (): RpcPort => {
    const channel = new MessageChannel();
    channels.push(channel);
    hostEngine(portOf(channel.port2), {
      exit: () => channel.port2.close(),
      clientOptions: { sync: FAST_SYNC },
    });
    return portOf(channel.port1);
  };

  it('signs in through main; the token is kept by main, encrypted, and a new engine resumes the session', async () => {
    const userData = newProfileDir();
    const tokenFile = path.join(userData, 'refresh-token.bin');
    const engineDir = path.join(userData, 'engine');
    const secrets = createTokenStore({
      file: tokenFile,
      cipher: fakeSafeStorage(),
      logger: quietLogger(),
      onWeakProtection: () => undefined,
    });
    const states: string[] = [];
    const relay = new EngineRelay({
      secrets,
      start: { profileDir: engineDir, device: { name: 'Test laptop', platform: 'linux' } },
      logger: quietLogger(),
      onState: (state) => states.push(state),
    });
    relay.attach(launchEngine());
    const chat = chatApiFromHost(relay);
    const sessions: SessionState[] = [];
    chat.on('session', (session) => sessions.push(session));

    // A call made while the engine starts waits for it.
    expect(await chat.getSession()).toEqual({ status: 'signed_out', serverUrl: null });
    const username = uniqueUser('ana');
    const signedIn = await chat.signUp({ serverUrl: server.url, username, password: PASSWORD });
    expect(signedIn).toMatchObject({ status: 'signed_in', user: { username } });
    expect(sessions.at(-1)).toEqual(signedIn);

    const token = await secrets.get();
    expect(token).toEqual(expect.any(String));
    expect(readFileSync(tokenFile).toString()).not.toContain(token);
    for (const file of filesUnder(engineDir))
      expect(readFileSync(file).toString('latin1'), file).not.toContain(token);

    await relay.stop();
    expect(relay.state).toBe('stopped');

    relay.attach(launchEngine());
    expect(await chat.getSession()).toMatchObject({ status: 'signed_in', user: { username } });
    expect(states).toEqual(['ready', 'stopped', 'ready']);
    await relay.stop();
  });

  it('fails the calls in flight when the engine dies, and serves later calls from the next one', async () => {
    // An engine that starts, then never answers a call (it hangs, then crashes).
    const hung = new MessageChannel();
    channels.push(hung);
    hung.port2.on('message', (message: unknown) => {
      if (isMainToEngine(message) && message.kind === 'engine:start')
        hung.port2.postMessage({
          kind: 'engine:ready',
          session: { status: 'signed_out', serverUrl: null },
        });
    });
    const relay = new EngineRelay({
      secrets: createTokenStore({
        file: path.join(newProfileDir(), 'token.bin'),
        cipher: fakeSafeStorage(),
        logger: quietLogger(),
        onWeakProtection: () => undefined,
      }),
      start: { profileDir: newProfileDir(), device: { name: 'x', platform: 'linux' } },
      logger: quietLogger(),
    });
    relay.attach(portOf(hung.port1));
    const chat = chatApiFromHost(relay);
    const inFlight = chat.listConversations();
    await new Promise((resolve) => setTimeout(resolve, 20));
    relay.detach('crashed');
    await expect(inFlight).rejects.toMatchObject({ code: 'engine_unavailable' });

    const waiting = chat.getSession();
    relay.attach(launchEngine());
    expect(await waiting).toEqual({ status: 'signed_out', serverUrl: null });
    await relay.stop();
  });

  it('says so at once when the engine cannot start, and logs why', async () => {
    const lines: string[] = [];
    const notADirectory = path.join(newProfileDir(), 'file');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(notADirectory, '');
    const relay = new EngineRelay({
      secrets: createTokenStore({
        file: path.join(newProfileDir(), 'token.bin'),
        cipher: fakeSafeStorage(),
        logger: quietLogger(),
        onWeakProtection: () => undefined,
      }),
      start: {
        profileDir: path.join(notADirectory, 'engine'),
        device: { name: 'x', platform: 'linux' },
      },
      logger: quietLogger(lines),
    });
    relay.attach(launchEngine());
    const answer = await relay.invoke('getSession', []);
    expect(answer).toMatchObject({ ok: false, error: { code: 'engine_unavailable' } });
    expect(relay.state).toBe('failed');
    expect(lines).toContain('engine: engine failed to start');
  });

  it('opens the system browser through main for a single sign-on, which cancel stops', async () => {
    let opened: (url: string) => void = () => undefined;
    const url = new Promise<string>((resolve) => (opened = resolve));
    const relay = new EngineRelay({
      secrets: { get: async () => null, set: async () => undefined },
      start: { profileDir: newProfileDir(), device: { name: 'x', platform: 'linux' } },
      logger: quietLogger(),
      openBrowser: (u) => opened(u),
    });
    relay.attach(launchEngine());
    const signingIn = relay.invoke('signInWithSso', [{ serverUrl: server.url }]);
    const start = new URL(await url);
    expect(`${start.origin}${start.pathname}`).toBe(`${server.url}/api/auth/oidc/start`);
    expect(start.searchParams.get('client')).toBe('desktop');
    expect(start.searchParams.get('port')).toMatch(/^\d+$/);
    await relay.invoke('cancelSignIn', []);
    expect(await signingIn).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    await relay.stop();
  });

  it('gives up waiting for an engine that never comes', async () => {
    const relay = new EngineRelay({
      secrets: { get: async () => null, set: async () => undefined },
      start: { profileDir: '/nowhere', device: { name: 'x', platform: 'linux' } },
      logger: quietLogger(),
      readyTimeoutMs: 30,
    });
    expect(await relay.invoke('getSession', [])).toMatchObject({
      ok: false,
      error: { code: 'engine_unavailable' },
    });
  });
});

describe('the messages between main and the engine', () => {
  it('tell control messages from contract messages', () => {
    const start: MainToEngine = {
      kind: 'engine:start',
      options: { profileDir: '/p', device: { name: 'x', platform: 'linux' } },
    };
    expect(isMainToEngine(start)).toBe(true);
    expect(isEngineToMain(start)).toBe(false);
    expect(isEngineToMain({ kind: 'log', level: 'warn', message: 'x' })).toBe(true);
    expect(isMainToEngine({ kind: 'call', id: 1, method: 'getSession', args: [] })).toBe(false);
    expect(isEngineToMain({ kind: 'event', name: 'session', payload: null })).toBe(false);
    expect(isEngineToMain(null)).toBe(false);
  });
});

describe('how this computer is named in the device list', () => {
  it('uses the host name within the protocol limits', () => {
    expect(describeDevice('anas-macbook.local', 'darwin')).toEqual({
      name: 'anas-macbook',
      platform: 'darwin',
    });
    expect(describeDevice('  ', 'linux')).toEqual({ name: 'Desktop', platform: 'linux' });
    expect(describeDevice('x'.repeat(100), 'win32').name).toHaveLength(64);
  });
});

describe('restarting a crashed engine', () => {
  it('restarts quickly, then slower, and gives up on the fourth crash within a minute', () => {
    const now = 100_000;
    expect(restartDelay([now], now)).toBe(500);
    expect(restartDelay([now - 10_000, now], now)).toBe(2_000);
    expect(restartDelay([now - 20_000, now - 10_000, now], now)).toBe(5_000);
    expect(restartDelay([now - 30_000, now - 20_000, now - 10_000, now], now)).toBeNull();
    expect(restartDelay([now - 90_000, now - 80_000, now - 70_000, now], now)).toBe(500);
  });
});
