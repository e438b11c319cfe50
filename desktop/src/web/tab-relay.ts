import { timeOrderedId, type PresenceInfo } from '@chitchat/shared';
import type { ChatApi } from '../common/contract';
import { CHAT_EVENT_NAMES } from '../common/contract';
import type { ChatEventSource, RpcPort, RpcResult } from '../common/rpc';
import { dispatchChatCall } from '../common/rpc';

/*
 * Every tab of the web app works, not only the one whose Worker owns the database (issue #17).
 * One tab's Worker runs the engine (it holds the Web Lock, engine.worker.ts); the Workers of the
 * other tabs relay their page's calls to it over a BroadcastChannel and hand its events to their
 * page, so every tab shows the same chats live and every tab can send.
 *
 * Why a BroadcastChannel rather than a MessagePort handed over through a SharedWorker: it needs no
 * third kind of worker (Chrome for Android has no SharedWorker), it reaches dedicated Workers of
 * other tabs directly, events go to every tab in one post instead of one per port, and when the
 * owner tab closes there is no port to hand over again: the next owner simply starts answering on
 * the same channel and says so (`owner`), and the other tabs send it the calls that had no answer.
 * The price: every tab sees every message on the channel, and results are addressed by tab id.
 *
 * A call that is sent again (the owner announced itself after the call went out) is answered once:
 * the owner remembers the calls it has run by (tab, id). A call that the previous owner ran but
 * could not answer before its tab closed is run again by the next owner: `sendMessage` carries a
 * key chosen by the relaying tab, so the engine answers the message it already wrote
 * (withIdempotencyKey); markRead and the account-state setters are idempotent by what they set.
 */

/** The channel's name: one per origin, shared by every tab's engine Worker. */
export const ENGINE_CHANNEL = 'chitchat-engine-tabs';

/** Who calls on the owner's own page (not over the channel). */
export const OWN_PAGE = 'own-page';

export type TabMessage =
  | { kind: 'call'; from: string; id: number; method: string; args: unknown[] }
  | { kind: 'result'; to: string; id: number; result: RpcResult }
  | { kind: 'event'; name: string; payload: unknown }
  | { kind: 'owner'; tabId: string };

/** How many answered calls the owner remembers, to answer a repeated call without running it. */
const ANSWERED_KEPT = 512;

type PageCall = { kind: 'call'; id: number; method: string; args: unknown[] };

const isPageCall = (message: unknown): message is PageCall => {
  const m = message as Partial<PageCall> | null;
  return m?.kind === 'call' && typeof m.id === 'number' && typeof m.method === 'string';
};

const asTabMessage = (message: unknown): Partial<TabMessage> | null =>
  typeof message === 'object' && message !== null ? message : null;

/**
 * Presence watched by every tab at once: the engine keeps one watched list (each
 * `watchPresence` replaces it), so the owner asks for the union of every tab's list and answers
 * each tab with its own people only.
 */
export function presenceForTabs(
  watch: (userIds: string[]) => Promise<PresenceInfo[]>,
): (tab: string, userIds: string[]) => Promise<PresenceInfo[]> {
  const byTab = new Map<string, string[]>();
  return async (tab, userIds) => {
    byTab.set(tab, userIds);
    const all = [...new Set([...byTab.values()].flat())];
    const wanted = new Set(userIds);
    return (await watch(all)).filter((p) => wanted.has(p.userId));
  };
}

/**
 * The owner's engine as one tab sees it: the same object, except that `watchPresence` joins the
 * other tabs' lists instead of replacing them.
 */
export function apiForTab(
  api: ChatApi,
  tab: string,
  presence: (tab: string, userIds: string[]) => Promise<PresenceInfo[]>,
): ChatApi {
  return new Proxy(api, {
    get(target, property) {
      if (property === 'watchPresence') return (userIds: string[]) => presence(tab, userIds);
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

/**
 * The owner's side: answers other tabs' calls from the channel and posts every engine event to
 * it, then announces itself (`owner`) so the tabs send again what had no answer. Returns a stop
 * function.
 */
export function serveTabsOnChannel(
  api: ChatApi,
  events: ChatEventSource,
  channel: RpcPort,
  ownerId: string,
  presence: (tab: string, userIds: string[]) => Promise<PresenceInfo[]>,
): () => void {
  const answered = new Map<string, RpcResult | 'running'>();
  const apis = new Map<string, ChatApi>();
  const offs = CHAT_EVENT_NAMES.map((name) =>
    events.on(name, (payload) =>
      channel.postMessage({ kind: 'event', name, payload } satisfies TabMessage),
    ),
  );
  offs.push(
    channel.onMessage((raw) => {
      const message = asTabMessage(raw);
      if (message?.kind !== 'call') return;
      const { from, id } = message;
      if (typeof from !== 'string' || typeof id !== 'number') return;
      const key = `${from}:${id}`;
      const earlier = answered.get(key);
      if (earlier === 'running') return;
      if (earlier !== undefined) {
        channel.postMessage({ kind: 'result', to: from, id, result: earlier } satisfies TabMessage);
        return;
      }
      answered.set(key, 'running');
      let tabApi = apis.get(from);
      if (tabApi === undefined) {
        tabApi = apiForTab(api, from, presence);
        apis.set(from, tabApi);
      }
      void dispatchChatCall(tabApi, message.method, message.args).then((result) => {
        answered.set(key, result);
        // Forget the oldest answers: a repeat only ever follows its call closely.
        for (const old of answered.keys()) {
          if (answered.size <= ANSWERED_KEPT) break;
          if (answered.get(old) !== 'running') answered.delete(old);
        }
        channel.postMessage({ kind: 'result', to: from, id, result } satisfies TabMessage);
      });
    }),
  );
  channel.postMessage({ kind: 'owner', tabId: ownerId } satisfies TabMessage);
  return () => offs.forEach((off) => off());
}

export interface TabRelay {
  /**
   * Stops relaying (this tab now owns the engine) and gives back the page's calls that had no
   * answer, oldest first, to be run by the local engine.
   */
  takeOver(): PageCall[];
}

/**
 * A waiting tab's side: the page's calls go to the owner over the channel; the owner's results
 * for this tab and its events come back to the page. When an owner announces itself, the calls
 * still without an answer are sent to it again (a new owner never saw them).
 */
export function relayPageToChannel(page: RpcPort, channel: RpcPort, tabId: string): TabRelay {
  const unanswered = new Map<number, PageCall>();
  const send = (call: PageCall) =>
    channel.postMessage({
      kind: 'call',
      from: tabId,
      id: call.id,
      method: call.method,
      args: call.args,
    } satisfies TabMessage);
  const offPage = page.onMessage((message) => {
    if (!isPageCall(message)) return;
    const call = withIdempotencyKey(message);
    unanswered.set(call.id, call);
    send(call);
  });
  const offChannel = channel.onMessage((raw) => {
    const message = asTabMessage(raw);
    if (message?.kind === 'result') {
      if (message.to !== tabId || typeof message.id !== 'number') return;
      if (!unanswered.delete(message.id)) return;
      page.postMessage({ kind: 'result', id: message.id, result: message.result });
    } else if (message?.kind === 'event') {
      page.postMessage({ kind: 'event', name: message.name, payload: message.payload });
    } else if (message?.kind === 'owner') {
      for (const call of unanswered.values()) send(call);
    }
  });
  return {
    takeOver() {
      offPage();
      offChannel();
      const calls = [...unanswered.values()];
      unanswered.clear();
      return calls;
    },
  };
}

/**
 * A relayed call that changes state must not happen twice when a new owner runs it again (the
 * previous owner may have committed it and closed before answering). `sendMessage` carries a key
 * chosen here, once per call, which the engine keeps as the message's outbox key and clientMsgId:
 * a second run with it answers the first message instead of writing another.
 */
function withIdempotencyKey(call: PageCall): PageCall {
  if (call.method !== 'sendMessage') return call;
  const [input, ...rest] = call.args;
  if (typeof input !== 'object' || input === null || 'key' in input) return call;
  return { ...call, args: [{ ...input, key: timeOrderedId() }, ...rest] };
}

/** A BroadcastChannel as an RpcPort. */
export function channelPort(channel: BroadcastChannel): RpcPort {
  return {
    postMessage: (message) => channel.postMessage(message),
    onMessage(listener) {
      const onMessage = (event: MessageEvent) => listener(event.data);
      channel.addEventListener('message', onMessage);
      return () => channel.removeEventListener('message', onMessage);
    },
  };
}
