import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io as connectSocket, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type AuthSession,
  type ClientRequestName,
  type ClientToServerEvents,
  type RequestAnswer,
  type RequestPayload,
  type Result,
  type ServerToClientEvents,
} from '@chitchat/shared';
import { createApp, type AppDeps, type ChitchatApp } from '../src/app';
import { RAISED_RATE_LIMITS, testConfig, type Config } from '../src/config';
import { createLogger } from '../src/logger';
import { openLocalMedia } from '../src/media/open';
import type { MediaService } from '../src/services/media';
import { deriveKeys, loadServerSecret } from '../src/services/secrets';
import { openSqliteStore } from '../src/store/sqlite/index';
import type { Store } from '../src/store/types';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function tempDir(prefix = 'chitchat-test-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestServer {
  url: string;
  port: number;
  app: ChitchatApp;
  store: Store;
  config: Config;
  dataDir: string;
  /** Uploads on disk under `dataDir/media`, indexed in the SQLite file (call `sweep` directly). */
  media: MediaService;
  /** Closes the app and the store; the data directory stays for a restart. */
  stop(): Promise<void>;
}

/** A real server on a free port over a SQLite file in `dataDir` (a fresh temp dir when omitted). */
export async function startServer(
  options: {
    dataDir?: string;
    config?: Partial<Config>;
    deps?: Partial<AppDeps>;
    port?: number;
    /** Wraps the store the app uses (the returned `store` and `stop` keep the real one). */
    wrapStore?: (store: Store) => Store;
  } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir().dir;
  const config = testConfig({
    DATA_DIR: dataDir,
    // Tests register many accounts freely; registration.test.ts sets the other modes.
    REGISTRATION: 'open',
    ...RAISED_RATE_LIMITS,
    ...options.config,
  });
  const store = openSqliteStore(dataDir);
  const keys = deriveKeys(loadServerSecret(dataDir, config.JWT_SECRET));
  const logger = createLogger(config.LOG_LEVEL);
  const media = openLocalMedia(config, logger);
  const app = createApp({
    config,
    store: options.wrapStore?.(store) ?? store,
    keys,
    logger,
    media: media.service,
    ...options.deps,
  });
  const port = await app.listen(options.port ?? 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    app,
    store,
    config,
    dataDir,
    media: media.service,
    async stop() {
      await app.close();
      await media.close();
      await store.close();
    },
  };
}

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
}

export async function http<T = unknown>(
  server: { url: string },
  method: string,
  route: string,
  options: {
    body?: unknown;
    rawBody?: string;
    token?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    headers['content-type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${server.url}${route}`, { method, headers, body });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    body: (contentType.includes('json') && text ? JSON.parse(text) : text) as T,
  };
}

let counter = 0;
/** A unique, valid username for one test. */
export const uniqueName = (base = 'user') => `${base}_${process.pid}_${++counter}`;

export async function register(
  server: { url: string },
  username = uniqueName(),
  password = 'correct horse battery',
  device = { name: 'Laptop', platform: 'linux' },
): Promise<AuthSession> {
  const answer = await http<AuthSession>(server, 'POST', '/api/auth/register', {
    body: { username, password, device },
  });
  if (answer.status !== 201)
    throw new Error(`register failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export async function login(
  server: { url: string },
  username: string,
  password = 'correct horse battery',
  device = { name: 'Phone', platform: 'android' },
): Promise<AuthSession> {
  const answer = await http<AuthSession>(server, 'POST', '/api/auth/login', {
    body: { username, password, device },
  });
  if (answer.status !== 200)
    throw new Error(`login failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Opens a websocket-only Socket.io client; resolves once connected. */
export async function connect(
  server: { url: string },
  token: string | (() => string),
  protocol = PROTOCOL_VERSION,
): Promise<ClientSocket> {
  const socket = openSocket(server, token, protocol);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
  return socket;
}

export function openSocket(
  server: { url: string },
  token: string | (() => string),
  protocol = PROTOCOL_VERSION,
) {
  const socket: ClientSocket = connectSocket(server.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: (cb) => cb({ token: typeof token === 'function' ? token() : token, protocol }),
  });
  return socket;
}

/** The `connect_error` a refused handshake produces. */
export async function refusedHandshake(
  server: { url: string },
  auth: Record<string, unknown>,
): Promise<{ message: string; data: unknown }> {
  const socket: ClientSocket = connectSocket(server.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.close();
      reject(new Error('the handshake was accepted'));
    });
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      resolve({ message: error.message, data: error.data });
    });
  });
}

/** Sends a request and resolves with its `Result`, failing after `timeoutMs`. */
export async function request<E extends ClientRequestName>(
  socket: ClientSocket,
  event: E,
  payload: RequestPayload<E>,
  timeoutMs = 5_000,
): Promise<Result<RequestAnswer<E>>> {
  const timed = socket.timeout(timeoutMs);
  // The generic event name defeats socket.io's overloads; the shared event map guarantees the shape.
  const emitWithAck = timed.emitWithAck as (
    ev: string,
    body: unknown,
  ) => Promise<Result<RequestAnswer<E>>>;
  return emitWithAck.call(timed, event, payload);
}

/** Like `request`, but throws unless the answer is ok, and returns its data. */
export async function call<E extends ClientRequestName>(
  socket: ClientSocket,
  event: E,
  payload: RequestPayload<E>,
): Promise<RequestAnswer<E>> {
  return dataOf(event, await request(socket, event, payload));
}

/** The data of an accepted answer to `event`; a refusal fails the test, naming its code. */
export function dataOf<T>(event: string, result: Result<T>): T {
  if (!result.ok) throw new Error(`${event} failed: ${result.error.code} ${result.error.message}`);
  return result.data;
}

/** Resolves with the next `event` that satisfies `match`, or fails after `timeoutMs`. */
export function nextEvent<K extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  name: K,
  match: (...args: Parameters<ServerToClientEvents[K]>) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<Parameters<ServerToClientEvents[K]>[0]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: Parameters<ServerToClientEvents[K]>) => {
      if (!match(...args)) return;
      clearTimeout(timer);
      socket.off(name, listener as never);
      resolve(args[0]);
    };
    const timer = setTimeout(() => {
      socket.off(name, listener as never);
      reject(new Error(`timed out waiting for "${String(name)}"`));
    }, timeoutMs);
    socket.on(name, listener as never);
  });
}

/** Resolves when the socket is disconnected, with the reason. */
export function disconnected(socket: ClientSocket, timeoutMs = 5_000): Promise<string> {
  if (socket.disconnected && !socket.active) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('timed out waiting for disconnect')),
      timeoutMs,
    );
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}
