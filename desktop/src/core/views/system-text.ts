import type { EventRow, LocalStore, UserRow } from '../local-store/index';
import { nameOf } from './names';

/** The line a system event (member added, group renamed, ...) shows in the timeline. */
export function systemText(
  store: LocalStore,
  event: EventRow,
  payload: Record<string, unknown>,
  users: Map<string, UserRow>,
): string {
  const actor = nameOf(store, users, event.sender_user_id);
  const names = (ids: unknown) =>
    (Array.isArray(ids) ? ids : []).map((id) => nameOf(store, users, String(id))).join(', ');
  switch (event.type) {
    case 'member_added':
      if (event.seq === 1) return `${actor} created the group`;
      // Logged as the link's creator adding them; the line says what the person did.
      return payload.via === 'link'
        ? `${names(payload.userIds)} joined using this group's invite link`
        : `${actor} added ${names(payload.userIds)}`;
    case 'member_removed':
      return payload.left === true
        ? `${names(payload.userIds)} left`
        : `${actor} removed ${names(payload.userIds)}`;
    case 'member_role': {
      const who = nameOf(store, users, String(payload.userId));
      return payload.role === 'owner'
        ? `${who} is now the owner`
        : payload.role === 'admin'
          ? `${actor} made ${who} an admin`
          : `${actor} made ${who} a member`;
    }
    case 'pin':
      return payload.pinned === true ? `${actor} pinned a message` : `${actor} unpinned a message`;
    case 'conversation_renamed':
      return `${actor} renamed the group to “${String(payload.title)}”`;
    case 'description_changed':
      return payload.description === null
        ? `${actor} removed the group description`
        : `${actor} changed the group description`;
    case 'group_settings':
      return `${actor} changed the group settings`;
    case 'avatar_changed':
      return payload.avatar === null
        ? `${actor} removed the group photo`
        : `${actor} changed the group photo`;
    default:
      return '';
  }
}
