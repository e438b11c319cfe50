import { z } from 'zod';

/*
 * Group settings (issue #15): the description and the permissions, as `group:update` changes them
 * and summaries carry them.
 */

/** Who may do something in a group: every member, or only the owner and admins. */
export type GroupAudience = 'everyone' | 'admins';

export interface GroupPermissions {
  /** Who may send messages (forwards, voice notes and polls included); reactions and votes stay open. */
  send: GroupAudience;
  /**
   * Who may pin messages. The title, description and photo are the owner's and admins' whatever
   * this says (DESIGN §4: `group:update` is owner/admin only).
   */
  editInfo: GroupAudience;
  /** True: people joining through an invite link wait in a queue the admins accept or reject. */
  approveJoins: boolean;
}

/**
 * What a group without explicit settings has: every member sends and pins (any member could pin
 * before permissions existed); joins need no approval. Members and roles
 * are managed by the owner and admins only, whatever the permissions.
 */
export const DEFAULT_GROUP_PERMISSIONS: Readonly<GroupPermissions> = Object.freeze({
  send: 'everyone',
  editInfo: 'everyone',
  approveJoins: false,
});

export const groupAudienceSchema = z.enum(['everyone', 'admins']);

/** A change of permissions: the keys given change, the others keep their value. */
export const groupPermissionsChangeSchema = z.object({
  send: groupAudienceSchema.optional(),
  editInfo: groupAudienceSchema.optional(),
  approveJoins: z.boolean().optional(),
});
export type GroupPermissionsChange = z.infer<typeof groupPermissionsChangeSchema>;

/** Applies a change to permissions; returns the full set. */
export function withPermissionsChange(
  current: GroupPermissions,
  change: GroupPermissionsChange,
): GroupPermissions {
  return {
    send: change.send ?? current.send,
    editInfo: change.editInfo ?? current.editInfo,
    approveJoins: change.approveJoins ?? current.approveJoins,
  };
}

/** Whether someone of `role` may act where `audience` is required. */
export const allowedFor = (audience: GroupAudience, role: 'owner' | 'admin' | 'member'): boolean =>
  audience === 'everyone' || role === 'owner' || role === 'admin';

/** `group_settings` event: the permissions after a change (all of them). */
export interface GroupSettingsPayload {
  permissions: GroupPermissions;
}
/** `description_changed` event: the new description, null when removed. */
export interface DescriptionChangedPayload {
  description: string | null;
}
/** `avatar_changed` event: the group photo's media id after a change, null when removed. */
export interface AvatarChangedPayload {
  avatar: string | null;
}
