/**
 * Main and the engine's utility process talk over one port. The chat contract crosses it as
 * `serveChatOnPort` / `hostBridgeFromPort` messages (kinds `call`, `result`, `event`); this file
 * adds the rest, under kinds of their own so each side ignores what is not its business:
 * starting and stopping the engine, its log lines, and the refresh token.
 *
 * The refresh token stays in main: safeStorage exists only there, so the engine's `SecretStore` is
 * a proxy whose every get/set is a round trip to main's store (secret-store.ts). The token is in
 * the engine's memory only while it uses it, and never written by the engine.
 */
import type { SessionState } from '../common/contract';
import type { RpcPort } from '../common/rpc';
import type { SecretStore } from '../core/api-client';
import type { EngineLogger } from '../core/emitter';

export interface EngineStartOptions {
  /** ChatClient's `profileDir` (`ProfilePaths.engineDir`). */
  profileDir: string;
  /** This computer as main sees it (`os.hostname()`, `process.platform`); see `describeDevice`. */
  device: { name: string; platform: string };
  /** Where "export my data" writes its archive (the Downloads folder); absent: the profile's. */
  exportDir?: string;
}

export type LogLevel = 'debug' | 'warn' | 'error';

export type MainToEngine =
  | { kind: 'engine:start'; options: EngineStartOptions }
  | { kind: 'engine:resync' }
  | { kind: 'engine:stop' }
  | { kind: 'secret:result'; id: number; ok: true; token: string | null }
  | { kind: 'secret:result'; id: number; ok: false; message: string };

export type EngineToMain =
  | { kind: 'engine:ready'; session: SessionState }
  | { kind: 'engine:failed'; message: string }
  | { kind: 'engine:stopped' }
  | { kind: 'secret:get'; id: number }
  | { kind: 'secret:set'; id: number; token: string | null }
  | { kind: 'log'; level: LogLevel; message: string; context?: Record<string, unknown> }
  /** Single sign-on: open the system browser at the server's start route (main checks the URL). */
  | { kind: 'browser:open'; url: string };

type Kinds<T extends { kind: string }> = T['kind'];

const ENGINE_TO_MAIN: readonly Kinds<EngineToMain>[] = [
  'engine:ready',
  'engine:failed',
  'engine:stopped',
  'secret:get',
  'secret:set',
  'log',
  'browser:open',
];
const MAIN_TO_ENGINE: readonly Kinds<MainToEngine>[] = [
  'engine:start',
  'engine:resync',
  'engine:stop',
  'secret:result',
];

const kindOf = (message: unknown): unknown =>
  typeof message === 'object' && message !== null
    ? (message as { kind?: unknown }).kind
    : undefined;

/** A message for main from the engine (not a contract message). The engine is trusted code. */
export const isEngineToMain = (message: unknown): message is EngineToMain =>
  (ENGINE_TO_MAIN as readonly unknown[]).includes(kindOf(message));

export const isMainToEngine = (message: unknown): message is MainToEngine =>
  (MAIN_TO_ENGINE as readonly unknown[]).includes(kindOf(message));

/** Context values that survive structured cloning (an Error, a function, a cycle would not). */
function cloneable(
  context: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (context === undefined) return undefined;
  try {
    return JSON.parse(
      JSON.stringify(context, (_key, value: unknown) =>
        value instanceof Error
          ? { name: value.name, message: value.message, stack: value.stack }
          : value,
      ),
    ) as Record<string, unknown>;
  } catch {
    return { unserializable: Object.keys(context).join(', ') };
  }
}

/** The engine's logger: every line goes to main, which writes the profile's log. */
export function loggerOverPort(port: RpcPort): EngineLogger {
  const send = (level: LogLevel, message: string, context?: Record<string, unknown>) => {
    const payload = cloneable(context);
    port.postMessage({
      kind: 'log',
      level,
      message,
      ...(payload !== undefined ? { context: payload } : {}),
    } satisfies EngineToMain);
  };
  return {
    debug: (message, context) => send('debug', message, context),
    warn: (message, context) => send('warn', message, context),
    error: (message, context) => send('error', message, context),
  };
}

/** Thrown by the engine's proxy when main cannot read or keep the token. */
export class SecretStoreError extends Error {
  override name = 'SecretStoreError';
}

/**
 * The engine's `SecretStore`: a proxy to main's. A request that main does not answer within
 * `timeoutMs` fails rather than hanging the engine's refresh forever.
 */
export function secretStoreOverPort(port: RpcPort, timeoutMs = 15_000): SecretStore {
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve(token: string | null): void; reject(error: Error): void }
  >();
  port.onMessage((message) => {
    if (!isMainToEngine(message) || message.kind !== 'secret:result') return;
    const waiter = pending.get(message.id);
    if (waiter === undefined) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.token);
    else waiter.reject(new SecretStoreError(message.message));
  });
  const request = (message: EngineToMain & { id: number }) =>
    new Promise<string | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(message.id);
        reject(new SecretStoreError('main did not answer a token request in time'));
      }, timeoutMs);
      pending.set(message.id, {
        resolve: (token) => {
          clearTimeout(timer);
          resolve(token);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      port.postMessage(message);
    });
  return {
    get: () => request({ kind: 'secret:get', id: nextId++ }),
    set: async (token) => {
      await request({ kind: 'secret:set', id: nextId++, token });
    },
  };
}

/** Main's side of the proxy: answers the engine's token requests from `store`. */
export function serveSecretsOnPort(store: SecretStore, port: RpcPort): () => void {
  return port.onMessage((message) => {
    if (!isEngineToMain(message)) return;
    if (message.kind !== 'secret:get' && message.kind !== 'secret:set') return;
    const { id } = message;
    const work =
      message.kind === 'secret:get' ? store.get() : store.set(message.token).then(() => null);
    work.then(
      (token) =>
        port.postMessage({ kind: 'secret:result', id, ok: true, token } satisfies MainToEngine),
      (error: unknown) =>
        port.postMessage({
          kind: 'secret:result',
          id,
          ok: false,
          message: error instanceof Error ? error.message : String(error),
        } satisfies MainToEngine),
    );
  });
}
