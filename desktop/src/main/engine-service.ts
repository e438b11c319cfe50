/**
 * What runs in the engine's utility process, minus Electron: it waits for main's start message,
 * creates the ChatClient with a token store and a logger that both go through main, then serves the
 * chat contract on the same port. engine-host.ts binds it to `process.parentPort`; tests bind it to
 * a MessageChannel.
 */
import { DEVICE_NAME_MAX_LENGTH, PLATFORM_MAX_LENGTH, assertNever } from '@chitchat/shared';
import type { SessionState } from '../common/contract';
import { serveChatOnPort, type RpcPort } from '../common/rpc';
import { ChatClient, type ChatClientOptions } from '../core/chat-client';
import { nodeHost } from '../core/host.node.ts';
import {
  isMainToEngine,
  loggerOverPort,
  secretStoreOverPort,
  type EngineStartOptions,
  type EngineToMain,
} from './engine-protocol';

export interface EngineServiceDeps {
  /** Ends the process once the engine has stopped (utility process: `process.exit`). */
  exit(code: number): void;
  /** For tests: sync timings and the like. */
  clientOptions?: Partial<ChatClientOptions>;
}

/**
 * How this computer appears in the account's device list: its host name (without macOS's `.local`),
 * cut to the protocol's limits. Done here rather than in main, so main never loads the protocol's
 * schemas.
 */
export function describeDevice(hostname: string, platform: string): EngineStartOptions['device'] {
  const name = hostname.trim().replace(/\.local$/i, '') || 'Desktop';
  return {
    name: Array.from(name).slice(0, DEVICE_NAME_MAX_LENGTH).join(''),
    platform: platform.slice(0, PLATFORM_MAX_LENGTH) || 'desktop',
  };
}

export function hostEngine(port: RpcPort, deps: EngineServiceDeps): void {
  const logger = loggerOverPort(port);
  const post = (message: EngineToMain) => port.postMessage(message);
  let client: ChatClient | null = null;
  let stopServing: (() => void) | null = null;
  let starting = false;

  const start = async (options: EngineStartOptions): Promise<SessionState> => {
    client = new ChatClient({
      host: nodeHost,
      ...deps.clientOptions,
      profileDir: options.profileDir,
      device: describeDevice(options.device.name, options.device.platform),
      secrets: secretStoreOverPort(port),
      logger,
      ...(options.exportDir !== undefined ? { exportDir: options.exportDir } : {}),
      openBrowser: async (url) => post({ kind: 'browser:open', url }),
    });
    const session = await client.start();
    stopServing = serveChatOnPort(client, client.events, port);
    return session;
  };

  const stop = async () => {
    stopServing?.();
    stopServing = null;
    await client?.stop();
    client = null;
  };

  port.onMessage((message) => {
    if (!isMainToEngine(message)) return;
    switch (message.kind) {
      case 'engine:start':
        if (starting) return;
        starting = true;
        start(message.options).then(
          (session) => post({ kind: 'engine:ready', session }),
          (error: unknown) => {
            logger.error('engine failed to start', { error });
            post({
              kind: 'engine:failed',
              message: error instanceof Error ? error.message : String(error),
            });
          },
        );
        return;
      case 'engine:resync':
        client?.resync();
        return;
      case 'engine:stop':
        stop().then(
          () => {
            post({ kind: 'engine:stopped' });
            deps.exit(0);
          },
          (error: unknown) => {
            logger.error('engine failed to stop cleanly', { error });
            deps.exit(1);
          },
        );
        return;
      case 'secret:result':
        return; // the token proxy's answers
      default:
        assertNever(message);
    }
  });
}
