import type { JoinRequestRecord } from './group-link-types';

/** Delete account (issue #15, DESIGN §12): what the stores do, in one transaction each. */

/** What deleting an account changed, for the service to announce. */
export interface AccountDeletion {
  /** Devices that were active: the caller closes their sockets. */
  deviceIds: string[];
  /** Groups the person was an active member of: the caller leaves each through the leave path. */
  groupIds: string[];
  /** Direct chats and the peer in each: their summaries now show "Deleted account". */
  directChats: { conversationId: string; peerId: string }[];
  /** Its pending join requests (removed): the caller tells each group's admins they are withdrawn. */
  joinRequests: JoinRequestRecord[];
}

export interface AccountDeletionStore {
  /**
   * Turns the account into a tombstone, in one transaction: `deletedAt` and `disabledAt` set to
   * `at`; the display name and password hash emptied (no password verifies against it); every
   * device revoked; the account state, two-step secret, single sign-on identities and codes,
   * blocks and contacts it made, its pending group invitations and its join requests removed. In each direct chat the tombstone blocks the peer, so the
   * send path refuses anything more written to it, and both memberships get a new version, so the
   * peer's `conversation:list` returns the chat. Messages stay in the log (others received them).
   * The username stays reserved until registration frees it after the quarantine
   * (`Admission.releaseDeletedBefore`). Null when there is no such account or it is deleted
   * already; StoreRefusal('last_admin'), nothing written, for the last admin not disabled.
   */
  deleteAccount(userId: string, at: number): Promise<AccountDeletion | null>;
}
