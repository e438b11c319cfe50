import { SMALL_GROUP_MAX, allowedFor } from '@chitchat/shared';
import type { ConversationView } from '../../../common/contract';
import { nameCollator } from '../../format';

/**
 * Why the composer is closed for this person (issue #15), or null when they may write: a former
 * member ('left'), or a member of a group where only admins send ('admins'). Follows the view, so
 * it changes live with the group's settings and the person's role.
 */
export function sendBlocked(c: ConversationView): 'left' | 'admins' | null {
  if (c.status === 'left') return 'left';
  if (c.kind === 'group' && c.group && !allowedFor(c.group.permissions.send, c.role))
    return 'admins';
  return null;
}

/**
 * The member line under a group's name in its header: the members' names in a small group (in the
 * locale's order, "You" last, as WhatsApp has it), the count in a larger one (whose names this
 * device may not know yet), nothing for a former member (as WhatsApp: someone who left no longer
 * sees who is in the group).
 */
export function memberLine(c: ConversationView, me: string): string {
  if (c.status === 'left') return '';
  const others = c.members
    .filter((m) => m.userId !== me && m.displayName !== '')
    .map((m) => m.displayName)
    .sort(nameCollator().compare);
  const names = c.members.some((m) => m.userId === me) ? [...others, 'You'] : others;
  if (c.memberCount > SMALL_GROUP_MAX || others.length === 0)
    return `${c.memberCount} ${c.memberCount === 1 ? 'member' : 'members'}`;
  return names.join(', ');
}

/** A description longer than this (or of more lines) shows folded, with "Read more". */
export const DESCRIPTION_FOLD_CHARS = 240;
export const DESCRIPTION_FOLD_LINES = 4;

export const isLongDescription = (text: string) =>
  text.length > DESCRIPTION_FOLD_CHARS || text.split('\n').length > DESCRIPTION_FOLD_LINES;

/** Plain text cut into text and web links (http/https), so a link can be clicked. */
export function linkParts(text: string): { text: string; url: string | null }[] {
  const parts: { text: string; url: string | null }[] = [];
  const pattern = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    const start = match.index;
    if (start > at) parts.push({ text: text.slice(at, start), url: null });
    parts.push({ text: match[0], url: match[0] });
    at = start + match[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), url: null });
  return parts;
}
