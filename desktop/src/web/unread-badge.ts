import type { ConversationView, SessionState } from '../common/contract';
import type { ChatHostBridge } from '../common/rpc';
import { badgeLabel, unreadTotal } from '../common/unread';

/*
 * The web app's unread badge (issue #17): the count in the tab title, as WhatsApp Web shows it,
 * and on the installed app's icon (the Badging API, where the browser has it). Same count as the
 * desktop dock: unread messages of chats that are not muted.
 */

export const APP_TITLE = 'chitchat';

export const titleFor = (unread: number): string =>
  unread > 0 ? `(${badgeLabel(unread)}) ${APP_TITLE}` : APP_TITLE;

/** Follows the engine's events and keeps the title and the app badge on the current count. */
export function watchUnread(host: ChatHostBridge, doc: Document, nav: Navigator): () => void {
  let shown = -1;
  const show = (unread: number) => {
    if (unread === shown) return;
    shown = unread;
    doc.title = titleFor(unread);
    // Missing outside installed apps in some browsers, and refused without permission: a nicety.
    if (unread > 0) nav.setAppBadge?.(unread).catch(() => undefined);
    else nav.clearAppBadge?.().catch(() => undefined);
  };
  return host.subscribe((name, payload) => {
    if (name === 'conversations') show(unreadTotal(payload as ConversationView[]));
    else if (name === 'session' && (payload as SessionState).status === 'signed_out') show(0);
  });
}
