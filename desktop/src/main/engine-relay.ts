/**
 * Main's end of the engine: one `ChatHostBridge` that outlives the engine's utility process. Main
 * relays the window's IPC calls through it and listens to its events (badge, notifications). When
 * the engine process dies, calls in flight fail with `engine_unavailable` instead of hanging, and
 * calls made while a new engine starts wait for it. No Electron here: the port is any `RpcPort`.
 */
import type { SessionState } from '../common/contract';
import {
  hostBridgeFromPort,
  type ChatHostBridge,
  type RpcPort,
  type RpcResult,
} from '../common/rpc';
import type { SecretStore } from '../core/api-client';
import type { EngineLogger } from '../core/emitter';
import {
  isEngineToMain,
  serveSecretsOnPort,
  type EngineStartOptions,
  type MainToEngine,
} from './engine-protocol';

export type EngineState = 'starting' | 'ready' | 'failed' | 'stopped';

export interface EngineRelayOptions {
  secrets: SecretStore;
  start: EngineStartOptions;
  logger: EngineLogger;
  /** How long a call waits for an engine that is starting (default 20 s). */
  readyTimeoutMs?: number;
  onState?(state: EngineState, detail: { session?: SessionState; message?: string }): void;
  /** Opens the system browser for the engine's single sign-on (main: the link policy, then shell). */
  openBrowser?(url: string): void;
}

const unavailable = (message: string): RpcResult => ({
  ok: false,
  error: { code: 'engine_unavailable', message },
});

interface Attachment {
  port: RpcPort;
  bridge: ChatHostBridge;
  state: EngineState;
  /** Settles every call in flight when this engine goes away. */
  gone: Promise<RpcResult>;
  endGone(result: RpcResult): void;
  stopped: Promise<void>;
  endStopped(): void;
  offs: (() => void)[];
}

export class EngineRelay implements ChatHostBridge {
  private current: Attachment | null = null;
  private readonly subscribers = new Set<(name: string, payload: unknown) => void>();
  private readonly readyWaiters = new Set<() => void>();

  constructor(private readonly options: EngineRelayOptions) {}

  get state(): EngineState {
    return this.current?.state ?? 'stopped';
  }

  /** Connects a freshly started engine process and tells it to start the ChatClient. */
  attach(port: RpcPort): void {
    this.detach('replaced by a new engine');
    let endGone: (result: RpcResult) => void = () => undefined;
    const gone = new Promise<RpcResult>((resolve) => (endGone = resolve));
    let endStopped: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (endStopped = resolve));
    const bridge = hostBridgeFromPort(port);
    const attachment: Attachment = {
      port,
      bridge,
      state: 'starting',
      gone,
      endGone,
      stopped,
      endStopped,
      offs: [],
    };
    this.current = attachment;
    attachment.offs.push(
      serveSecretsOnPort(this.options.secrets, port),
      bridge.subscribe((name, payload) => {
        if (this.current !== attachment) return;
        for (const subscriber of this.subscribers) subscriber(name, payload);
      }),
      port.onMessage((message) => {
        if (this.current !== attachment || !isEngineToMain(message)) return;
        switch (message.kind) {
          case 'engine:ready':
            this.setState(attachment, 'ready', { session: message.session });
            for (const wake of this.readyWaiters) wake();
            return;
          case 'engine:failed':
            this.setState(attachment, 'failed', { message: message.message });
            for (const wake of this.readyWaiters) wake();
            return;
          case 'engine:stopped':
            attachment.endStopped();
            return;
          case 'log':
            this.options.logger[message.level](`engine: ${message.message}`, message.context);
            return;
          case 'browser:open':
            this.options.openBrowser?.(message.url);
            return;
          case 'secret:get':
          case 'secret:set':
            return; // answered by serveSecretsOnPort
        }
      }),
    );
    port.postMessage({ kind: 'engine:start', options: this.options.start } satisfies MainToEngine);
  }

  /** The engine process is gone (exited, crashed): calls in flight fail now. */
  detach(reason: string): void {
    const attachment = this.current;
    if (attachment === null) return;
    this.current = null;
    for (const off of attachment.offs) off();
    attachment.endGone(unavailable(`The chat engine stopped (${reason}); try again.`));
    attachment.endStopped();
    this.setState(attachment, 'stopped', { message: reason });
  }

  private setState(
    attachment: Attachment,
    state: EngineState,
    detail: { session?: SessionState; message?: string },
  ): void {
    attachment.state = state;
    this.options.onState?.(state, detail);
  }

  /** Resolves with the ready engine, or null when none becomes ready in time. */
  private async readyEngine(): Promise<Attachment | null> {
    const ready = () => (this.current?.state === 'ready' ? this.current : null);
    if (this.current !== null && this.current.state !== 'starting') return ready();
    return new Promise((resolve) => {
      // An engine being replaced (current null) or starting is waited for; a failed one is not.
      const wake = () => {
        if (this.current === null || this.current.state === 'starting') return;
        clearTimeout(timer);
        this.readyWaiters.delete(wake);
        resolve(ready());
      };
      const timer = setTimeout(() => {
        this.readyWaiters.delete(wake);
        resolve(ready());
      }, this.options.readyTimeoutMs ?? 20_000);
      this.readyWaiters.add(wake);
    });
  }

  async invoke(method: string, args: unknown[]): Promise<RpcResult> {
    const engine = await this.readyEngine();
    if (engine === null)
      return unavailable('The chat engine is not running. Restart chitchat if this persists.');
    return Promise.race([engine.bridge.invoke(method, args), engine.gone]);
  }

  subscribe(listener: (name: string, payload: unknown) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  /** Sync now (window focus, wake from sleep). */
  resync(): void {
    if (this.current?.state === 'ready')
      this.current.port.postMessage({ kind: 'engine:resync' } satisfies MainToEngine);
  }

  /**
   * Asks the engine to close its connection and its database, and waits for it (at most
   * `timeoutMs`); the caller then ends the process either way.
   */
  async stop(timeoutMs = 5_000): Promise<void> {
    const attachment = this.current;
    if (attachment === null) return;
    attachment.port.postMessage({ kind: 'engine:stop' } satisfies MainToEngine);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      attachment.stopped,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    this.detach('stopped');
  }
}

/**
 * When to restart an engine that died: quickly at first, slower after, and not at all after the
 * fourth crash within a minute (something is wrong that a restart will not fix).
 *
 * @param crashes times of the recent crashes, this one included
 * @returns the delay before restarting, or null to give up
 */
export function restartDelay(crashes: readonly number[], now: number): number | null {
  const recent = crashes.filter((at) => now - at < 60_000).length;
  if (recent > 3) return null;
  return [500, 2_000, 5_000][recent - 1] ?? 500;
}
