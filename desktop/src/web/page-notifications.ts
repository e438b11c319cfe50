import type { ChatEvents, ConversationView, SessionState } from '../common/contract';
import type { ChatHostBridge } from '../common/rpc';
import { notificationFor } from '../common/notification-policy';
import {
  isTabStateRequest,
  type TabIncomingMessage,
  type TabState,
} from './sw/tab-notifications';

/*
 * The web app's own notifications while a tab is open (issue #17). Web Push reaches only devices
 * without a live socket, so a tab in the background would otherwise stay silent: like the desktop
 * app's main process, the page turns the engine's `incoming` event into a notification with the
 * same policy (muted chats, the account's "Show previews"). With several tabs open each hears the
 * message, so the tab does not decide: it reports the message to the service worker, which asks
 * every tab what it shows (answered here), skips the chat read in a focused tab, shows each message
 * once under the chat's tag (folding with pushes), and a click opens the chat as a push's does.
 * Only when the person allowed notifications for the site.
 */

export interface PageNotificationDeps {
  doc: Document;
  /** The site's notification permission (`Notification.permission`). */
  permission: () => NotificationPermission;
  /** The page's service workers: the one that decides, and its questions to this tab. */
  container: ServiceWorkerContainer;
  /** The conversation on screen, as the renderer reports it to the shell. */
  activeConversation: () => string | null;
}

export function notifyIncoming(host: ChatHostBridge, deps: PageNotificationDeps): () => void {
  const list = new Map<string, Pick<ConversationView, 'kind' | 'muted'>>();
  const report = async (incoming: ChatEvents['incoming']) => {
    if (deps.permission() !== 'granted') return;
    // The chat on screen is the worker's to weigh, over every tab: here only the chat's own rules.
    const content = notificationFor(
      incoming,
      { windowFocused: false, activeConversationId: null },
      list.get(incoming.conversationId),
    );
    const seq = incoming.message.seq;
    if (content === null || seq === null) return;
    const message: TabIncomingMessage = {
      type: 'chitchat:tab-incoming',
      notification: { ...content, seq, previews: incoming.previews },
    };
    (await deps.container.ready).active?.postMessage(message);
  };
  const answer = (event: MessageEvent) => {
    const [port] = event.ports;
    if (!isTabStateRequest(event.data) || port === undefined) return;
    const state: TabState = {
      focused: deps.doc.visibilityState === 'visible' && deps.doc.hasFocus(),
      conversationId: deps.activeConversation(),
    };
    port.postMessage(state);
  };
  deps.container.addEventListener('message', answer);
  const stop = host.subscribe((name, payload) => {
    if (name === 'conversations') {
      list.clear();
      for (const view of payload as ConversationView[]) list.set(view.id, view);
    } else if (name === 'incoming') {
      report(payload as ChatEvents['incoming']).catch(() => undefined);
    } else if (name === 'session' && (payload as SessionState).status === 'signed_out') {
      list.clear();
    }
  });
  return () => {
    stop();
    deps.container.removeEventListener('message', answer);
  };
}
