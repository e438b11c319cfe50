import { pushTagOf } from '@chitchat/shared';
import type { ChatEvents, ConversationView, SessionState } from '../common/contract';
import type { ChatHostBridge } from '../common/rpc';
import { notificationFor } from '../common/notification-policy';
import { NOTIFICATION_ICON, keptChatPhoto } from './sw/notification';

/*
 * The web app's own notifications while a tab is open (issue #17). Web Push reaches only devices
 * without a live socket, so a tab in the background would otherwise stay silent: like the desktop
 * app's main process, the page turns the engine's `incoming` event into a notification with the
 * same policy (muted chats, the chat on screen in a focused window, the account's "Show previews")
 * and shows it through the service worker, under the chat's tag, so it folds with pushes and a
 * click opens the chat as a push's does. Only when the person allowed notifications for the site.
 */

export interface PageNotificationDeps {
  doc: Document;
  /** The site's notification permission (`Notification.permission`). */
  permission: () => NotificationPermission;
  /** The service worker's registration, where notifications are shown. */
  registration: () => Promise<ServiceWorkerRegistration>;
  /** The conversation on screen, as the renderer reports it to the shell. */
  activeConversation: () => string | null;
  storage: CacheStorage | null;
}

export function notifyIncoming(host: ChatHostBridge, deps: PageNotificationDeps): () => void {
  const list = new Map<string, Pick<ConversationView, 'kind' | 'muted'>>();
  const show = async (incoming: ChatEvents['incoming']) => {
    if (deps.permission() !== 'granted') return;
    const content = notificationFor(
      incoming,
      {
        windowFocused: deps.doc.visibilityState === 'visible' && deps.doc.hasFocus(),
        activeConversationId: deps.activeConversation(),
      },
      list.get(incoming.conversationId),
    );
    if (content === null) return;
    const registration = await deps.registration();
    const tag = pushTagOf(content.conversationId);
    // Every open tab hears the event: the first to show it wins, the others see it shown.
    const shown = await registration.getNotifications({ tag });
    const seq = incoming.message.seq;
    if (shown.some((n) => (n.data as { seq?: unknown } | null)?.seq === seq)) return;
    const icon =
      deps.storage === null ? null : await keptChatPhoto(deps.storage, content.conversationId);
    // `renotify` (not in TypeScript's DOM types yet): a newer message of the chat alerts again.
    const options = {
      body: content.body,
      tag,
      renotify: true,
      icon: icon ?? NOTIFICATION_ICON,
      badge: NOTIFICATION_ICON,
      data: { conversationId: content.conversationId, seq, count: 1 },
    };
    await registration.showNotification(content.title, options);
  };
  return host.subscribe((name, payload) => {
    if (name === 'conversations') {
      list.clear();
      for (const view of payload as ConversationView[]) list.set(view.id, view);
    } else if (name === 'incoming') {
      show(payload as ChatEvents['incoming']).catch(() => undefined);
    } else if (name === 'session' && (payload as SessionState).status === 'signed_out') {
      list.clear();
    }
  });
}
