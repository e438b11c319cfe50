/** Relationships, group invitations, account state and voice-note plays in the store (DESIGN §3). */

/** A pending add to a group of someone whose `groupAdds` is `contacts`. */
export interface InvitationRecord {
  conversationId: string;
  userId: string;
  inviterId: string;
  createdAt: number;
}

/** Contacts, dismissed message requests and group invitations (DESIGN §3 "Relationships"). */
export interface RelationshipStore {
  /**
   * Adds each of `contactIds` (not `userId` itself) to `userId`'s contacts; returns the ones that
   * were not contacts before. A new contact changes the request state of the pair's direct chat,
   * so both memberships of that chat (if any) get a new version: `conversation:list` since an older
   * cursor returns it.
   */
  addContacts(userId: string, contactIds: readonly string[], at: number): Promise<string[]>;
  /** Of `userIds`, those in `userId`'s contacts. */
  contactsAmong(userId: string, userIds: readonly string[]): Promise<string[]>;
  /** Of `userIds`, those who have `contactId` among their contacts. */
  havingContact(contactId: string, userIds: readonly string[]): Promise<string[]>;
  /** Of `userIds`, those who share at least one group with `userId` as active members. */
  sharingGroup(userId: string, userIds: readonly string[]): Promise<string[]>;
  /**
   * Records that `userId` deleted the message request of a direct chat seen up to `upToSeq` (the
   * highest mark stays) and gives their membership a new version.
   */
  dismissRequest(userId: string, conversationId: string, upToSeq: number): Promise<void>;
  /** The seq up to which `userId` deleted the request of this chat, or null. */
  dismissedRequestSeq(userId: string, conversationId: string): Promise<number | null>;
  /** Invites each of `userIds` (once: a repeat keeps the first invitation); returns the new ones. */
  addInvitations(
    conversationId: string,
    inviterId: string,
    userIds: readonly string[],
    at: number,
  ): Promise<string[]>;
  /** The user's pending invitations, oldest first. */
  invitationsOf(userId: string): Promise<InvitationRecord[]>;
  getInvitation(conversationId: string, userId: string): Promise<InvitationRecord | null>;
  /** Removes an invitation; true when there was one. */
  removeInvitation(conversationId: string, userId: string): Promise<boolean>;
}

/** One entry of a user's account state (DESIGN §3); `value` is JSON text, null once removed. */
export interface AccountEntryRecord {
  key: string;
  value: string | null;
  version: number;
  updatedAt: number;
}

/** One change of an account-state write: JSON text, or null to remove the entry. */
export interface AccountChangeInput {
  key: string;
  value: string | null;
}

/**
 * The private per-user account state (DESIGN §3): one versioned map per user. Versions are per
 * user, start at 0 and grow by one per changed entry, gapless, in commit order.
 */
export interface AccountStateStore {
  /**
   * Applies `changes` in one transaction. A change that leaves an entry as it was (the same value,
   * or removing what is absent or already removed) is skipped; each other one gets the next
   * version. A removal stays as a tombstone (value null) so devices learn of it. Refuses with
   * StoreRefusal('account_full'), writing nothing, when more than `maxEntries` entries would hold a
   * value. With `opId`, the call is recorded: a repeat (same user and opId) writes nothing and
   * returns the version the first call answered, with no entries.
   */
  writeAccountState(
    userId: string,
    changes: readonly AccountChangeInput[],
    options: { at: number; maxEntries: number; opId?: string },
  ): Promise<{ version: number; entries: AccountEntryRecord[] }>;
  /**
   * Entries changed after version `since`, ascending by version, at most `limit`, read with the
   * user's version in one snapshot (no entry newer than `version`). With `since` 0, removals are
   * left out (a device starting from nothing needs none).
   */
  accountStateSince(
    userId: string,
    since: number,
    limit: number,
  ): Promise<{ version: number; entries: AccountEntryRecord[] }>;
  /** The version the write with this opId answered, or null. */
  accountOpVersion(userId: string, opId: string): Promise<number | null>;
  /**
   * The current values (JSON text) of these keys of the user's account state; keys without a
   * value (never set, or removed) are absent from the map. Used where the server derives a field
   * from the person's own state (the summary's `muted` from `mute:<conversationId>`).
   */
  accountValues(userId: string, keys: readonly string[]): Promise<Map<string, string>>;
}

/** One listener's first play of a voice note (`receipt:played`). */
export interface PlayRecord {
  conversationId: string;
  seq: number;
  userId: string;
  playedAt: number;
}

/** Who played which voice note: one record per (conversation, seq, listener), the first play kept. */
export interface PlayStore {
  /**
   * Records that `userId` played the note at (conversationId, seq) at `at`, once: a repeat keeps
   * the first time and returns it with `created: false`.
   */
  markPlayed(
    conversationId: string,
    seq: number,
    userId: string,
    at: number,
  ): Promise<{ playedAt: number; created: boolean }>;
  /** The play records of the notes at `seqs`, ordered by seq, then by time played. */
  playsOf(conversationId: string, seqs: readonly number[]): Promise<PlayRecord[]>;
}
