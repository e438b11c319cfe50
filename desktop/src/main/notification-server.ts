/**
 * What the desktop app's native notifications need beyond the shared policy
 * (../common/notification-policy.ts): the text as the platform's notification server takes it.
 */
import type { NotificationContent } from '../common/notification-policy';

const MARKUP_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Title and body as the platform's notification server must get them. Linux notification servers
 * render a subset of markup (`<b>`, `<a href>`, `<img>`…) in what they show, so text from other
 * people (names, titles, messages) is escaped there: "<b>Boss</b>" shows as typed, never bold,
 * and no link or image can be slipped in. Elsewhere the text is shown as it is, so it stays as is.
 */
export function forNotificationServer(
  content: Pick<NotificationContent, 'title' | 'body'>,
  platform: NodeJS.Platform,
): { title: string; body: string } {
  if (platform !== 'linux') return { title: content.title, body: content.body };
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => MARKUP_ENTITIES[c] ?? c);
  return { title: escape(content.title), body: escape(content.body) };
}
