import type { PushKeyAnswer, PushSubscriptionBody } from '@chitchat/shared';
import type { ApiClient } from './api-client';
import { remote } from './client-errors';

/*
 * The device's Web Push subscription (issue #17): the web app subscribes in the page (only a page
 * reaches the service worker's pushManager) and the engine, which holds the device's token,
 * tells the server. The desktop app never calls these: it shows native notifications.
 */

/** The server's VAPID public key (base64url), the browser's `applicationServerKey`. */
export async function pushKey(api: ApiClient): Promise<string> {
  const answer = await remote(() => api.request<PushKeyAnswer>('GET', '/api/push/key'));
  return answer.publicKey;
}

/** Keeps this device's one subscription on the server (`null` removes it). */
export async function setPushSubscription(
  api: ApiClient,
  subscription: PushSubscriptionBody | null,
): Promise<void> {
  await remote(() =>
    subscription === null
      ? api.request('DELETE', '/api/push/subscription')
      : api.request('PUT', '/api/push/subscription', subscription),
  );
}
