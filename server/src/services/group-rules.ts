import {
  allowedFor,
  withPermissionsChange,
  type GroupPermissions,
  type GroupUpdatePayload,
  type MemberRole,
} from '@chitchat/shared';
import type { ConversationRecord, GroupChange, MembershipRecord } from '../store/types';
import { forbidden } from './errors';

/*
 * Group permissions (issue #15, shared/src/groups.ts): who may send, who may edit the group's info
 * (title, description, photo, pins), and who manages members and the permissions themselves (the
 * owner and admins, always). Every service that lets a member act on a group asks here.
 */

export const canManage = (role: MemberRole) => role === 'owner' || role === 'admin';

export const ONLY_ADMINS_SEND = 'Only admins can send messages to this group.';
export const ONLY_ADMINS_EDIT_INFO = "Only admins can edit this group's info.";

/** Refuses a send by a member of a group where only admins send (reactions and votes stay open). */
export function requireSendRight(
  conversation: ConversationRecord,
  membership: MembershipRecord,
): void {
  if (conversation.kind === 'group' && !allowedFor(conversation.permissions.send, membership.role))
    throw forbidden(ONLY_ADMINS_SEND);
}

/** Refuses a pin (or other change of the group's info) where only admins edit the info. */
export function requireEditInfoRight(
  conversation: ConversationRecord,
  membership: MembershipRecord,
): void {
  if (
    conversation.kind === 'group' &&
    !allowedFor(conversation.permissions.editInfo, membership.role)
  )
    throw forbidden(ONLY_ADMINS_EDIT_INFO);
}

/**
 * The info part of a `group:update` (title, description, photo, permissions) as a store change:
 * only what differs from the group as it is. Refuses what the actor's role may not change. Whether
 * a new photo is an image the caller uploaded is the caller's to check (it needs the media index).
 */
export function infoChange(
  conversation: ConversationRecord,
  membership: MembershipRecord,
  payload: GroupUpdatePayload,
): GroupInfoChange {
  const change: GroupInfoChange = {};
  if (payload.title !== undefined && payload.title !== conversation.title)
    change.title = payload.title;
  if (payload.description !== undefined) {
    const description = payload.description === '' ? null : payload.description;
    if (description !== conversation.description) change.description = description;
  }
  if (payload.avatar !== undefined && payload.avatar !== conversation.avatar)
    change.avatar = payload.avatar;
  if (payload.permissions !== undefined) {
    if (!canManage(membership.role))
      throw forbidden('Only the owner and admins change the group settings.');
    const next = withPermissionsChange(conversation.permissions, payload.permissions);
    if (!samePermissions(next, conversation.permissions)) change.permissions = next;
  }
  // Asked for, not only changed: a member's rename to the same title is refused alike. The title
  // and description stay the owner's and admins' whatever `editInfo` says (DESIGN §4: group:update
  // is owner/admin only); `editInfo` opens pins to members (./pins.ts), as #14 had them.
  if (
    (payload.title !== undefined ||
      payload.description !== undefined ||
      payload.avatar !== undefined) &&
    !canManage(membership.role)
  )
    throw forbidden(ONLY_ADMINS_EDIT_INFO);
  return change;
}

export type GroupInfoChange = Pick<GroupChange, 'title' | 'description' | 'avatar' | 'permissions'>;

const samePermissions = (a: GroupPermissions, b: GroupPermissions) =>
  a.send === b.send && a.editInfo === b.editInfo && a.approveJoins === b.approveJoins;

/** Whether a `group:update` changes members or roles (owner and admins only). */
export const managesMembers = (payload: GroupUpdatePayload): boolean =>
  (payload.add?.length ?? 0) > 0 ||
  (payload.remove?.length ?? 0) > 0 ||
  (payload.roles?.length ?? 0) > 0;

/**
 * Who inherits a group when its owner goes (`group:leave`, and account deletion: use this, not a
 * copy): the longest-serving admin, else the longest-serving member; null when nobody else is left.
 * `members` are the current members longest-serving first, as `Store.activeMembers` returns them.
 * The store checks the choice again in the leaving transaction (the successor may have left).
 */
export function successorOf(
  members: readonly { userId: string; role: MemberRole }[],
  leavingUserId: string,
): string | null {
  const others = members.filter((m) => m.userId !== leavingUserId);
  return (others.find((m) => m.role === 'admin') ?? others[0])?.userId ?? null;
}
