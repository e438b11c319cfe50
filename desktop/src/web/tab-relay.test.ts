import { afterEach, describe, expect, it } from 'vitest';
import type { PresenceInfo } from '@chitchat/shared';
import type { ChatApi, ChatEventName } from '../common/contract';
import type { ChatEventSource, RpcPort } from '../common/rpc';
import { chatApiFromHost, hostBridgeFromPort } from '../common/rpc';
import {
  channelPort,
  presenceForTabs,
  relayPageToChannel,
  serveTabsOnChannel,
  type TabMessage,
} from './tab-relay';

/*
 * The tabs of the web app over real BroadcastChannels (Node has them as browsers do): a waiting
 * tab's page reaches the owner's engine, hears its events, and loses no call when the owner changes.
 */

const channels: BroadcastChannel[] = [];
const openChannel = (name: string): RpcPort => {
  const channel = new BroadcastChannel(name);
  channels.push(channel);
  return channelPort(channel);
};
afterEach(() => {
  for (const channel of channels.splice(0)) channel.close();
});
let names = 0;
const channelName = () => `tabs-test-${process.pid}-${++names}`;

/** A page and its Worker as two ends of a MessageChannel. */
function pageAndWorker(): { page: RpcPort; worker: RpcPort; close(): void } {
  const { port1, port2 } = new MessageChannel();
  const wrap = (port: MessagePort): RpcPort => ({
    postMessage: (message) => port.postMessage(message),
    onMessage(listener) {
      const onMessage = (event: MessageEvent) => listener(event.data);
      port.addEventListener('message', onMessage);
      port.start();
      return () => port.removeEventListener('message', onMessage);
    },
  });
  return {
    page: wrap(port1),
    worker: wrap(port2),
    close: () => {
      port1.close();
      port2.close();
    },
  };
}

/** An engine that answers two methods, counts how often each ran, and emits what the test says. */
function engineForTest(name: string) {
  const ran: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const engine = {
    getSession: () => {
      ran.push('getSession');
      return Promise.resolve({ status: 'signed_in', serverUrl: name });
    },
    markRead: (conversationId: string) => {
      ran.push(`markRead ${conversationId}`);
      return Promise.resolve();
    },
    watchPresence: (userIds: string[]) =>
      Promise.resolve(userIds.map((userId) => ({ userId, online: true }) as PresenceInfo)),
  };
  const events: ChatEventSource = {
    on(event: ChatEventName, listener: (payload: never) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  return {
    api: engine as unknown as ChatApi,
    events,
    ran,
    emit: (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload)),
  };
}

const presenceOf = (engine: ReturnType<typeof engineForTest>) =>
  presenceForTabs((ids) => engine.api.watchPresence(ids));

describe('the tabs of the web app share the owner tab’s engine', () => {
  it('a waiting tab’s page calls the owner’s engine and hears its events', async () => {
    const name = channelName();
    const owner = engineForTest('owner');
    serveTabsOnChannel(owner.api, owner.events, openChannel(name), 'tab-a', presenceOf(owner));
    const tab = pageAndWorker();
    relayPageToChannel(tab.worker, openChannel(name), 'tab-b');
    const chat = chatApiFromHost(hostBridgeFromPort(tab.page));

    expect(await chat.getSession()).toEqual({ status: 'signed_in', serverUrl: 'owner' });
    const heard = new Promise((resolve) => chat.on('conversations', resolve));
    owner.emit('conversations', [{ id: 'c1', unreadCount: 2 }]);
    expect(await heard).toEqual([{ id: 'c1', unreadCount: 2 }]);
    tab.close();
  });

  it('a call made while no tab owns the engine is answered once by the next owner, and run once', async () => {
    const name = channelName();
    const tab = pageAndWorker();
    relayPageToChannel(tab.worker, openChannel(name), 'tab-b');
    const chat = chatApiFromHost(hostBridgeFromPort(tab.page));
    // Seen on the channel: the call went out before anyone could answer it.
    const spy = openChannel(name);
    const sent = new Promise<void>((resolve) =>
      spy.onMessage((m) => {
        if ((m as TabMessage).kind === 'call') resolve();
      }),
    );
    const answer = chat.markRead('c7');
    await sent;

    const next = engineForTest('next');
    serveTabsOnChannel(next.api, next.events, openChannel(name), 'tab-c', presenceOf(next));
    await answer;
    // The call went out twice (before and after the announcement); the owner ran it once.
    expect(next.ran).toEqual(['markRead c7']);
    tab.close();
  });

  it('a message sent from a tab is sent once when its owner closes after committing, before answering, and the next owner runs the call again', async () => {
    const name = channelName();
    // The account's outbox, which every owner opens (the database in OPFS): one entry per key,
    // as the engine's sendMessage keeps it (a repeated key answers the first message).
    const outbox = new Map<string, string>();
    const ownerEngine = (label: string) =>
      ({
        sendMessage: (input: { text: string; key?: string }) => {
          const key = input.key ?? `${label}-${outbox.size + 1}`;
          if (!outbox.has(key)) outbox.set(key, input.text);
          return Promise.resolve({ key, text: outbox.get(key) });
        },
      }) as unknown as ChatApi;
    const noEvents: ChatEventSource = { on: () => () => undefined };
    // The first owner commits, then its tab closes before the answer is posted.
    const first = openChannel(name);
    let stopFirst = () => {};
    const committedThenClosed = new Promise<void>((resolve) => {
      const dying: RpcPort = {
        postMessage(message) {
          if ((message as TabMessage).kind === 'result') {
            stopFirst();
            resolve();
            return;
          }
          first.postMessage(message);
        },
        onMessage: (listener) => first.onMessage(listener),
      };
      stopFirst = serveTabsOnChannel(
        ownerEngine('first'),
        noEvents,
        dying,
        'tab-a',
        async () => [],
      );
    });
    const tab = pageAndWorker();
    relayPageToChannel(tab.worker, openChannel(name), 'tab-b');
    const chat = chatApiFromHost(hostBridgeFromPort(tab.page));
    const sent = chat.sendMessage({ conversationId: 'c1', text: 'Once only' });
    await committedThenClosed;
    expect([...outbox.values()]).toEqual(['Once only']);

    // The next owner announces itself; the tab sends the call again, and it runs again.
    serveTabsOnChannel(ownerEngine('next'), noEvents, openChannel(name), 'tab-c', async () => []);
    expect(await sent).toMatchObject({ text: 'Once only' });
    expect([...outbox.values()]).toEqual(['Once only']);
    tab.close();
  });

  it('the tab that takes the engine over gets back the calls that had no answer, in order', async () => {
    const name = channelName();
    const tab = pageAndWorker();
    const relay = relayPageToChannel(tab.worker, openChannel(name), 'tab-b');
    const spy = openChannel(name);
    let calls = 0;
    const sent = new Promise<void>((resolve) =>
      spy.onMessage((m) => {
        if ((m as TabMessage).kind === 'call' && ++calls === 2) resolve();
      }),
    );
    tab.page.postMessage({ kind: 'call', id: 1, method: 'getSession', args: [] });
    tab.page.postMessage({ kind: 'call', id: 2, method: 'markRead', args: ['c1'] });
    await sent;
    expect(relay.takeOver().map((call) => call.id)).toEqual([1, 2]);
    tab.close();
  });

  it('each tab watches its own people: the engine watches them all, each tab hears its own', async () => {
    const owner = engineForTest('owner');
    const watched: string[][] = [];
    const presence = presenceForTabs((ids) => {
      watched.push(ids);
      return owner.api.watchPresence(ids);
    });
    expect((await presence('a', ['u1', 'u2'])).map((p) => p.userId)).toEqual(['u1', 'u2']);
    expect((await presence('b', ['u3'])).map((p) => p.userId)).toEqual(['u3']);
    expect(watched.at(-1)).toEqual(['u1', 'u2', 'u3']);
  });
});
