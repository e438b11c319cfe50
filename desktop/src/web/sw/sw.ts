/// <reference lib="webworker" />
import { pushTagOf, webPushPayloadSchema } from '@chitchat/shared';
import {
  conversationUrl,
  countOf,
  keptChatPhoto,
  notificationOf,
  type OpenConversationMessage,
} from './notification';
import {
  firstTimeOf,
  isTabIncomingMessage,
  isTabState,
  someTabReads,
  tabNotificationOf,
  type TabNotification,
  type TabState,
  type TabStateRequest,
} from './tab-notifications';

/*
 * The web app's service worker (issue #17, DESIGN §11), served as /sw.js:
 * - the app shell (index.html and every built file) in a cache named for this build, so the app
 *   opens offline; a new build installs beside it and the old cache goes when the new one is active;
 * - Web Push: the notification of a message, one per chat, and its click opening that chat;
 * - the open tabs' own notifications: the one place that decides for all of them.
 * The API and the socket never go through the cache: the engine keeps the data (OPFS).
 */

declare const self: ServiceWorkerGlobalScope;

/** Written by the build (desktop/vite.web.config.ts): this build's files and their version. */
const PRECACHE: { version: string; files: string[] } = JSON.parse('__CHITCHAT_PRECACHE__') as {
  version: string;
  files: string[];
};

const CACHE_PREFIX = 'chitchat-shell-';
const SHELL_CACHE = `${CACHE_PREFIX}${PRECACHE.version}`;
/** Waiting for the network before opening from the cache: a stalled connection must not hold the app. */
const NAVIGATION_TIMEOUT_MS = 3_000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await cache.addAll(
        ['/', ...PRECACHE.files].map((url) => new Request(url, { cache: 'reload' })),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== SHELL_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

const isServerPath = (pathname: string) =>
  pathname.startsWith('/api/') || pathname.startsWith('/socket.io/');

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isServerPath(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(openPage(request));
    return;
  }
  event.respondWith(fromShell(request));
});

/** A page: the network's copy when it answers in time (a new build), else the cached shell. */
async function openPage(request: Request): Promise<Response> {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const answer = await fetch(request, { signal: AbortSignal.timeout(NAVIGATION_TIMEOUT_MS) });
    if (answer.ok) return answer;
    return (await cache.match('/')) ?? answer;
  } catch {
    const shell = await cache.match('/');
    if (shell !== undefined) return shell;
    throw new Error('offline, and the app shell is not cached yet');
  }
}

/** Built files are immutable: the cached copy when there is one, else the network. */
async function fromShell(request: Request): Promise<Response> {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE });
  return cached ?? fetch(request);
}

/**
 * Notifications are shown one at a time: each folds into the chat's shown one ("3 new messages"),
 * which two at once would both read as it was.
 */
let turns: Promise<void> = Promise.resolve();
const inTurn = (show: () => Promise<void>): Promise<void> => {
  turns = turns.then(show).catch(() => undefined);
  return turns;
};

self.addEventListener('push', (event) => {
  event.waitUntil(
    inTurn(async () => {
      let raw: unknown = null;
      try {
        raw = event.data?.json();
      } catch {
        raw = null;
      }
      const parsed = webPushPayloadSchema.safeParse(raw);
      if (!parsed.success) return;
      const payload = parsed.data;
      // The chat's notification still shown: this push is folded into it ("3 new messages").
      const [earlier] = await self.registration.getNotifications({ tag: payload.tag });
      const icon = await keptChatPhoto(caches, payload.conversationId);
      const shown = notificationOf(payload, Date.now(), {
        ...(earlier !== undefined ? { earlier: { count: countOf(earlier.data) } } : {}),
        ...(icon !== null ? { icon } : {}),
      });
      await self.registration.showNotification(shown.title, shown.options);
    }),
  );
});

/** How long a tab has to say what it shows before it counts as one not reading the chat. */
const TAB_ANSWER_MS = 1_000;
/** Every open tab reports each message: the last ones' ids, so each is shown once. */
const firstReport = firstTimeOf(2_000);

self.addEventListener('message', (event) => {
  if (!isTabIncomingMessage(event.data)) return;
  const report = event.data.notification;
  if (!firstReport(`${report.conversationId}:${String(report.seq)}`)) return;
  event.waitUntil(inTurn(() => showForTabs(report)));
});

/** A tab's message: skipped when a tab in view and focused reads its chat, else folded in. */
async function showForTabs(report: TabNotification): Promise<void> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const tabs = await Promise.all(windows.map(askTab));
  if (someTabReads(tabs, report.conversationId)) return;
  const tag = pushTagOf(report.conversationId);
  const [earlier] = await self.registration.getNotifications({ tag });
  const icon = await keptChatPhoto(caches, report.conversationId);
  const shown = tabNotificationOf(report, Date.now(), {
    ...(earlier !== undefined ? { earlier: { count: countOf(earlier.data) } } : {}),
    ...(icon !== null ? { icon } : {}),
  });
  await self.registration.showNotification(shown.title, shown.options);
}

/** What a tab shows, asked on a port of its own; null when it does not answer in time. */
function askTab(tab: WindowClient): Promise<TabState | null> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const done = (state: TabState | null) => {
      clearTimeout(timer);
      channel.port1.close();
      resolve(state);
    };
    const timer = setTimeout(() => done(null), TAB_ANSWER_MS);
    channel.port1.onmessage = (answer: MessageEvent) =>
      done(isTabState(answer.data) ? answer.data : null);
    const question: TabStateRequest = { type: 'chitchat:tab-state?' };
    tab.postMessage(question, [channel.port2]);
  });
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data as { conversationId?: unknown } | null;
  const conversationId = typeof data?.conversationId === 'string' ? data.conversationId : null;
  event.waitUntil(openConversation(conversationId));
});

/**
 * A click on a notification: the app's tab in view (else any of its tabs) comes forward and opens
 * the chat (told by a message); with no tab open, a new one opens at the chat's address.
 */
async function openConversation(conversationId: string | null): Promise<void> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open =
    windows.find((w) => w.focused) ??
    windows.find((w) => w.visibilityState === 'visible') ??
    windows[0];
  if (open === undefined) {
    await self.clients.openWindow(conversationId === null ? '/' : conversationUrl(conversationId));
    return;
  }
  if (conversationId !== null) {
    const message: OpenConversationMessage = { type: 'chitchat:open-conversation', conversationId };
    open.postMessage(message);
  }
  // Refused when the browser does not count the click as the person's (focus needs one).
  await open.focus().catch(() => undefined);
}
