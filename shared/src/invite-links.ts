import { z } from 'zod';
import type { ConversationSummary, PublicUser } from './model';
import { idSchema } from './schemas';

/*
 * Group invite links and join requests (issue #15). An admin creates a link
 * (`PUBLIC_URL/join/<code>`), copies and revokes it; anyone signed in previews the group by its code
 * and joins; where the group approves new members (`permissions.approveJoins`), a join becomes a
 * request the admins accept or reject, and the requester can cancel.
 */

/** 128 random bits in base64url: 22 characters. */
export const INVITE_LINK_CODE_LENGTH = 22;
/** Links a group keeps at once (revoked ones do not count). */
export const INVITE_LINKS_MAX = 20;
/** The longest expiry a link can be given (30 days); none: it never expires. */
export const INVITE_LINK_EXPIRY_MAX_S = 30 * 24 * 60 * 60;
/** The path of a link below PUBLIC_URL: `/join/<code>`. */
export const INVITE_LINK_PATH = '/join/';

export const inviteLinkCodeSchema = z
  .string()
  .length(INVITE_LINK_CODE_LENGTH)
  .regex(/^[A-Za-z0-9_-]+$/, 'an invite link code is base64url');

/**
 * The code of a link as a person may paste it: the code itself, or any address ending in
 * `/join/<code>` (surrounding spaces ignored). Null when it holds none.
 */
export function inviteCodeFrom(text: string): string | null {
  const trimmed = text.trim();
  const match = /(?:^|\/join\/)([A-Za-z0-9_-]{22})\/?$/.exec(trimmed);
  const code = match?.[1];
  return code !== undefined && inviteLinkCodeSchema.safeParse(code).success ? code : null;
}

export const inviteLinkCreateSchema = z.object({
  conversationId: idSchema,
  /** Seconds until the link stops working; absent: never. */
  expiresInS: z.number().int().min(60).max(INVITE_LINK_EXPIRY_MAX_S).optional(),
  opId: idSchema.optional(),
});
export const inviteLinkListSchema = z.object({ conversationId: idSchema });
export const inviteLinkRevokeSchema = z.object({
  conversationId: idSchema,
  code: inviteLinkCodeSchema,
  opId: idSchema.optional(),
});
export const inviteLinkPreviewSchema = z.object({ code: inviteLinkCodeSchema });
export const inviteLinkJoinSchema = z.object({
  code: inviteLinkCodeSchema,
  opId: idSchema.optional(),
});
export const joinRequestListSchema = z.object({ conversationId: idSchema });
export const joinRequestAnswerSchema = z.object({
  conversationId: idSchema,
  userId: idSchema,
  accept: z.boolean(),
  opId: idSchema.optional(),
});
export const joinRequestCancelSchema = z.object({
  conversationId: idSchema,
  opId: idSchema.optional(),
});

/** A link as its group's admins see it. */
export interface InviteLink {
  code: string;
  /** `PUBLIC_URL/join/<code>`; null when the server has no PUBLIC_URL (share the code). */
  url: string | null;
  conversationId: string;
  createdBy: string;
  createdAt: number;
  /** Null: never expires. */
  expiresAt: number | null;
}

/** What anyone signed in sees of a group before joining through its link. */
export interface InviteLinkPreview {
  conversationId: string;
  title: string | null;
  /** The group photo's media id (readable by whoever holds the link), or null. */
  avatar: string | null;
  description: string | null;
  memberCount: number;
  /** True: joining sends a request the admins answer. */
  approveJoins: boolean;
  /** Where the caller stands: a member already, a request waiting, or neither. */
  status: 'member' | 'pending' | null;
}

export interface JoinRequest {
  conversationId: string;
  user: PublicUser;
  createdAt: number;
}

/**
 * The `join-request` push: to the group's owner and admins (a new request, or its end), and to the
 * requester's devices. `accepted` and `rejected` come from an admin, `cancelled` from the requester.
 */
export interface JoinRequestUpdate extends JoinRequest {
  status: 'pending' | 'accepted' | 'rejected' | 'cancelled';
}

/** `invite-link:join`: a member now (with the summary), or a request waiting for approval. */
export type InviteLinkJoinAnswer =
  { status: 'joined'; conversation: ConversationSummary } | { status: 'pending' };
