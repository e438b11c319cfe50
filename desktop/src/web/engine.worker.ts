import type { RpcPort } from '../common/rpc';
import { serveChatOnPort } from '../common/rpc';
import { ChatClient } from '../core/chat-client';
import { ENGINE_LOCK } from './engine.worker-lock';
import {
  apiForTab,
  channelPort,
  ENGINE_CHANNEL,
  OWN_PAGE,
  presenceForTabs,
  relayPageToChannel,
  serveTabsOnChannel,
  type TabRelay,
} from './tab-relay';
import { browserHost, cookieSecretStore, WEB_PROFILE_DIR } from './worker-host';

/*
 * The web app's engine (DESIGN §10, §11): the same ChatClient as the desktop's utility process,
 * in a dedicated Worker over the browser host (worker-host.ts), serving the chat contract on the
 * Worker's own port (the page: engine-connection.ts, hostBridgeFromPort).
 *
 * One tab owns the database: the engine starts only while this Worker holds the Web Lock
 * ENGINE_LOCK. A second tab's Worker waits for it (its page is told `elsewhere`) and meanwhile
 * relays its page's calls to the owner's engine and the owner's events to its page over a
 * BroadcastChannel (tab-relay.ts), so every tab works; it takes the engine over when the owner's
 * tab closes. Calls that arrive before the engine is ready wait for it.
 *
 * Besides the contract's results and events, the Worker posts `{ kind: 'engine:status', status }`:
 * 'elsewhere' (another tab holds the database), 'ready', 'no-offline-cache' (with `reason`: no
 * OPFS, the app runs online only) and 'failed' (with `reason`).
 */

export type EngineStatus =
  | { kind: 'engine:status'; status: 'elsewhere' | 'ready' }
  | { kind: 'engine:status'; status: 'no-offline-cache' | 'failed'; reason: string };

/**
 * The page's messages. While nothing listens (the engine is starting, or this tab is taking over)
 * they wait here and go to the next listener in order.
 */
const early: unknown[] = [];
let listeners: ((message: unknown) => void)[] = [];
const deliver = (message: unknown) => {
  for (const listener of listeners) listener(message);
};
self.addEventListener('message', (event: MessageEvent) => {
  if (listeners.length === 0) early.push(event.data);
  else deliver(event.data);
});

const port: RpcPort = {
  postMessage: (message) => self.postMessage(message),
  onMessage(listener) {
    listeners.push(listener);
    return () => {
      listeners = listeners.filter((l) => l !== listener);
    };
  },
};
const tabId = crypto.randomUUID();
const channel = channelPort(new BroadcastChannel(ENGINE_CHANNEL));
const status = (message: EngineStatus) => self.postMessage(message);

/** Set while this tab waits for the lock: its page talks to the owner tab's engine meanwhile. */
let relay: TabRelay | null = null;

/** `shared`: the engine also serves the other tabs (it owns the one database of the origin). */
async function runEngine(opfs: boolean, shared: boolean): Promise<void> {
  const { host, offlineCache, reason } = await browserHost({ opfs });
  if (!offlineCache)
    status({ kind: 'engine:status', status: 'no-offline-cache', reason: reason ?? '' });
  const client = new ChatClient({
    host,
    profileDir: WEB_PROFILE_DIR,
    secrets: cookieSecretStore(host.files),
    device: { name: 'Web browser', platform: 'web' },
  });
  await client.start();
  // Calls this tab relayed to the previous owner without an answer run here, before newer ones.
  const unanswered = relay?.takeOver() ?? [];
  const presence = presenceForTabs((userIds) => client.watchPresence(userIds));
  serveChatOnPort(apiForTab(client, OWN_PAGE, presence), client.events, port);
  for (const message of [...unanswered, ...early.splice(0)]) deliver(message);
  if (shared) serveTabsOnChannel(client, client.events, channel, tabId, presence);
  status({ kind: 'engine:status', status: 'ready' });
  // The lock is held as long as this Worker lives: the promise never settles.
  await new Promise<never>(() => undefined);
}

function fail(error: unknown): void {
  status({
    kind: 'engine:status',
    status: 'failed',
    reason: error instanceof Error ? error.message : String(error),
  });
}

const locks = 'locks' in navigator ? navigator.locks : undefined;
if (locks === undefined) {
  // No Web Locks: two tabs could open one pool, so the database stays in memory (online only).
  status({
    kind: 'engine:status',
    status: 'no-offline-cache',
    reason: 'This browser has no Web Locks, so the offline cache stays off.',
  });
  runEngine(false, false).catch(fail);
} else {
  locks
    .request(ENGINE_LOCK, { ifAvailable: true }, async (lock) => {
      if (lock !== null) return runEngine(true, true);
      status({ kind: 'engine:status', status: 'elsewhere' });
      relay = relayPageToChannel(port, channel, tabId);
      for (const message of early.splice(0)) deliver(message);
      return locks.request(ENGINE_LOCK, () => runEngine(true, true));
    })
    .catch(fail);
}
