/**
 * The unread count the badge shows (the desktop dock and tray, the web app's tab title and app
 * badge): unread messages over conversations that are not muted. Muting a conversation means it
 * should not call for attention; conversations the user left still count until read.
 */
import type { ConversationView } from './contract';

export function unreadTotal(
  conversations: readonly Pick<ConversationView, 'muted' | 'unreadCount'>[],
): number {
  let total = 0;
  for (const conversation of conversations)
    if (!conversation.muted && conversation.unreadCount > 0) total += conversation.unreadCount;
  return total;
}

/** What the badge reads: nothing at zero, the count up to 99, then "99+". */
export function badgeLabel(count: number): string {
  if (count <= 0) return '';
  return count > 99 ? '99+' : String(Math.floor(count));
}
