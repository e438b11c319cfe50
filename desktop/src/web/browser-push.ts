import { pushSubscriptionBodySchema, type PushSubscriptionBody } from '@chitchat/shared';
import type { SessionState } from '../common/contract';
import type { ChatHostBridge } from '../common/rpc';
import type { BrowserPushBridge, BrowserPushState } from '../common/shell';

/*
 * The page's side of Web Push in the web app (issue #17): the permission, asked only when the
 * person clicks "Turn on" (never on load: browsers quiet sites that ask unprompted), and the
 * subscription of the service worker's pushManager with the server's VAPID key. The state is read
 * from the browser each time, so it survives a reload and follows changes in the site settings.
 */

/** Waiting for the service worker to be active before subscribing: it registers at page load. */
const WORKER_READY_TIMEOUT_MS = 10_000;

/** base64url (the server's key) to the bytes `applicationServerKey` takes. */
export function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const errorWords = (error: unknown): string =>
  error instanceof Error && error.message !== '' ? error.message : String(error);

export function createBrowserPush(win: Window & typeof globalThis): BrowserPushBridge {
  const supported = () =>
    'serviceWorker' in win.navigator && 'PushManager' in win && 'Notification' in win;

  const registration = async (): Promise<ServiceWorkerRegistration | undefined> =>
    win.navigator.serviceWorker.getRegistration('/');

  const activeRegistration = (): Promise<ServiceWorkerRegistration> =>
    new Promise((resolve, reject) => {
      const timer = win.setTimeout(
        () => reject(new Error('The app’s service worker is not running in this tab yet.')),
        WORKER_READY_TIMEOUT_MS,
      );
      void win.navigator.serviceWorker.ready.then((ready) => {
        win.clearTimeout(timer);
        resolve(ready);
      });
    });

  return {
    async state(): Promise<BrowserPushState> {
      if (!supported()) return 'unsupported';
      if (win.Notification.permission === 'denied') return 'denied';
      const subscription = await (await registration())?.pushManager.getSubscription();
      return subscription != null && win.Notification.permission === 'granted' ? 'on' : 'off';
    },

    async subscribe(applicationServerKey: string): Promise<PushSubscriptionBody> {
      if (!supported()) throw new Error('This browser cannot show notifications from chitchat.');
      const permission = await win.Notification.requestPermission();
      if (permission === 'denied') {
        throw new Error('Notifications are blocked for this site in the browser’s settings.');
      }
      if (permission !== 'granted') throw new Error('Notifications were not allowed.');
      const ready = await activeRegistration();
      // One made with another key (the server's changed) cannot be renewed in place.
      await (await ready.pushManager.getSubscription())?.unsubscribe();
      let subscription: PushSubscription;
      try {
        subscription = await ready.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: base64UrlBytes(applicationServerKey),
        });
      } catch (error) {
        throw new Error(`This browser could not subscribe to notifications: ${errorWords(error)}`);
      }
      const parsed = pushSubscriptionBodySchema.safeParse(subscription.toJSON());
      if (!parsed.success) {
        await subscription.unsubscribe();
        throw new Error('This browser gave a push subscription chitchat cannot use.');
      }
      return parsed.data;
    },

    async unsubscribe(): Promise<void> {
      if (!supported()) return;
      await (await (await registration())?.pushManager.getSubscription())?.unsubscribe();
    },
  };
}

/**
 * Signing out ends the browser's subscription too: the server dropped it with the device, and a
 * signed-out browser must not keep a push channel (nor show a later account's messages).
 */
export function unsubscribeOnSignOut(host: ChatHostBridge, push: BrowserPushBridge): () => void {
  return host.subscribe((name, payload) => {
    if (name === 'session' && (payload as SessionState).status === 'signed_out') {
      push.unsubscribe().catch(() => undefined);
    }
  });
}
