/*
 * Invite links and join requests of groups (issue #15): the store's part. A code is 128 random bits
 * (base64url): unguessable, and kept as it is so that admins can copy a link again later.
 */

export interface InviteLinkRecord {
  code: string;
  conversationId: string;
  createdBy: string;
  createdAt: number;
  /** Null: never expires. */
  expiresAt: number | null;
  revokedAt: number | null;
  /** The creator's idempotency key, when given. */
  opId: string | null;
}

/** Someone asked to join through a link of a group that approves new members. */
export interface JoinRequestRecord {
  conversationId: string;
  userId: string;
  /** The link it came through (its creator becomes the joiner's contact when accepted). */
  code: string;
  createdAt: number;
}

export interface GroupLinkStore {
  /** Stores a new link; a repeated (createdBy, opId) stores nothing and returns the first link. */
  createInviteLink(link: InviteLinkRecord): Promise<InviteLinkRecord>;
  inviteLinkByCode(code: string): Promise<InviteLinkRecord | null>;
  /** The group's links that are not revoked (expired ones included), newest first. */
  inviteLinksOf(conversationId: string): Promise<InviteLinkRecord[]>;
  /** Marks the link revoked; false when there is no such link of the group or it already was. */
  revokeInviteLink(conversationId: string, code: string, at: number): Promise<boolean>;
  /** Queues a request; false (nothing written) when the person already has one for the group. */
  addJoinRequest(request: JoinRequestRecord): Promise<boolean>;
  joinRequest(conversationId: string, userId: string): Promise<JoinRequestRecord | null>;
  /** The group's pending requests, oldest first. */
  joinRequestsOf(conversationId: string): Promise<JoinRequestRecord[]>;
  /** Removes a request; false when there was none (answered or cancelled meanwhile). */
  removeJoinRequest(conversationId: string, userId: string): Promise<boolean>;
}
