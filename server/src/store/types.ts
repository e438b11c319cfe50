import type {
  AttachmentRef,
  Poll,
  PollVotePayload,
  LinkPreview,
  VoiceNote,
  ConversationEvent,
  ConversationKind,
  GroupAdds,
  GroupPermissions,
  LastSeenVisibility,
  MemberRole,
  PinPayload,
  ReactionPayload,
  UserRole,
} from '@chitchat/shared';
import type { ProfileChanges, ProfileFields, ProfileStore } from './profile-types';
import type { ViewedEvent } from './visibility';
import type { GroupLinkStore } from './group-link-types';
import type { SsoIdentity, SsoStore } from './sso-types';
import type { PushStore } from './push-types';
import type { AccountDeletionStore } from './deletion-types';

export interface UserRecord extends ProfileFields {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
  lastSeenVisibility: LastSeenVisibility;
  groupAdds: GroupAdds;
  /**
   * Read receipts in direct chats (DESIGN §3 receiptSeq, issue #15): off, the peer sees this person's
   * messages delivered, never read, and this person sees no read ticks either. Groups always count.
   */
  readReceipts: boolean;
  /** Web Push notifications carry a one-line preview (off: the sender's name only). */
  notificationPreviews: boolean;
  role: UserRole;
  /** Set while an admin has disabled the account: no sign-in, no new device. */
  disabledAt: number | null;
  /** Set once the person deleted the account (./deletion-types.ts): a tombstone from then on. */
  deletedAt: number | null;
}

export interface DeviceRecord {
  id: string;
  userId: string;
  name: string;
  platform: string;
  createdAt: number;
  lastSeenAt: number;
  refreshTokenHash: string;
  previousRefreshTokenHash: string | null;
  rotatedAt: number | null;
  revokedAt: number | null;
}

export interface NewUser {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
  /** Asks for `admin` (the admin CLI); the first account on an empty store is admin regardless. */
  role?: UserRole;
}

/**
 * How `registerUser` admits an account. `free`: anyone. `invite`: the first account on an empty
 * store, and after that only with `inviteCode` naming an invite that is not revoked, not expired at
 * `at` and not used up; one use of it is consumed in the transaction that creates the account.
 */
export interface Admission {
  policy: 'free' | 'invite';
  inviteCode?: string;
  at: number;
  /** Single sign-on: the provider identity, linked in the same transaction (unique; `identity`). */
  identity?: SsoIdentity;
  /**
   * A deleted account's username is free again once it was deleted at or before this time (the
   * quarantine): registering it renames the tombstone's key out of the way. Absent: never.
   */
  releaseDeletedBefore?: number;
}

export interface InviteRecord {
  code: string;
  /** The admin who made it; null when the operator did (`npm run admin`). */
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  maxUses: number;
  uses: number;
  revokedAt: number | null;
}

/** Why `createDevice` wrote nothing. */
export type DeviceRefusal = 'device_limit' | 'disabled';

/** What `setUserRole` and `setUserDisabled` did. */
export type AdminChange = 'changed' | 'unchanged' | 'not_found' | 'last_admin';

export interface RefreshRotation {
  deviceId: string;
  /** The hash the device must still hold, or the rotation does not happen (compare-and-set). */
  expectedHash: string;
  newHash: string;
  rotatedAt: number;
}

/** Thrown by stores when a unique constraint refuses a write (for example a taken username). */
export class UniqueViolation extends Error {
  override name = 'UniqueViolation';
  constructor(readonly constraint: string) {
    super(`unique constraint violated: ${constraint}`);
  }
}

/** What admins do to accounts, and invite codes (DESIGN §12). */
export interface AdminStore {
  /** Every user, oldest first (the admin's list; servers of families and clubs, not millions). */
  listUsers(): Promise<UserRecord[]>;
  /**
   * Grants or removes the server-wide admin role. `last_admin` (nothing written) when it would
   * leave no admin who is not disabled.
   */
  setUserRole(id: string, role: UserRole): Promise<AdminChange>;
  /**
   * Disables (`at`) or re-enables (null) an account. Disabling the last admin who is not disabled
   * is `last_admin`. The caller revokes the account's devices after disabling; `createDevice`
   * refuses a disabled account, so no device made concurrently survives.
   */
  setUserDisabled(id: string, at: number | null): Promise<AdminChange>;
  /** Replaces the password hash; false when there is no such user. */
  setPasswordHash(id: string, passwordHash: string): Promise<boolean>;
  createInvite(invite: InviteRecord): Promise<void>;
  /** Invites not revoked, newest first (expired and used-up ones included, as they are). */
  listInvites(): Promise<InviteRecord[]>;
  getInvite(code: string): Promise<InviteRecord | null>;
  /** Marks an invite revoked; false when there is no such invite or it already was. */
  revokeInvite(code: string, at: number): Promise<boolean>;
}

/** An account's two-step sign-in (TOTP, issue #18); absent while never set up. */
export interface TwoStepRecord {
  userId: string;
  /** Base32 TOTP secret; kept readable, since every code is checked against it. */
  secret: string;
  /** Null while set up but not confirmed with a first code (not in force). */
  enabledAt: number | null;
  /** The last TOTP time step accepted: a code is never accepted twice. Null before any. */
  lastStep: number | null;
  /** Recovery codes not used yet. */
  recoveryCodesLeft: number;
}

/** Two-step sign-in state; every change is one conditional write, so racing requests agree. */
export interface TwoStepStore {
  twoStepOf(userId: string): Promise<TwoStepRecord | null>;
  /**
   * Keeps a new secret, not in force until `enableTwoStep`; replaces an earlier unconfirmed one.
   * False (nothing written) when two-step sign-in is already on.
   */
  setPendingTwoStep(userId: string, secret: string): Promise<boolean>;
  /**
   * Puts the pending `secret` in force with its recovery codes (hashes) and the time step of the
   * confirming code. False (nothing written) when that secret is not the pending one or it is on.
   */
  enableTwoStep(
    userId: string,
    input: { secret: string; at: number; step: number; recoveryCodeHashes: readonly string[] },
  ): Promise<boolean>;
  /** Accepts TOTP time step `step` once: true only when it is later than the last accepted one. */
  acceptTwoStepStep(userId: string, step: number): Promise<boolean>;
  /** Spends one unused recovery code of an account with two-step on; true exactly once per code. */
  useRecoveryCode(userId: string, codeHash: string, at: number): Promise<boolean>;
  /** Replaces every recovery code (the old ones stop working); false when two-step is off. */
  replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): Promise<boolean>;
  /** Turns two-step sign-in off (secret and recovery codes gone); false when there was none. */
  disableTwoStep(userId: string): Promise<boolean>;
}

/** Accounts, devices and the block list. */
export interface AccountStore {
  /**
   * Inserts a user as `admission` allows, atomically: the account becomes `admin` when the store
   * held no user (two racing first registrations make exactly one admin) or when `user.role` asks;
   * else `member`. Throws UniqueViolation('username') when the name is taken regardless of case,
   * StoreRefusal('invite_invalid') when the admission needs an invite and the code is not usable;
   * neither writes anything (an invite's use is only consumed with the account).
   */
  registerUser(user: NewUser, admission: Admission): Promise<UserRecord>;
  /** `registerUser` with a free admission (fixtures, tests); resolves when written. */
  createUser(user: NewUser): Promise<void>;
  getUser(id: string): Promise<UserRecord | null>;
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  findUserByUsername(username: string): Promise<UserRecord | null>;
  /** Users whose username starts with `prefix` (case-insensitive), ordered by username. */
  searchUsers(prefix: string, limit: number): Promise<UserRecord[]>;
  updateUser(
    id: string,
    changes: {
      displayName?: string;
      lastSeenVisibility?: LastSeenVisibility;
      groupAdds?: GroupAdds;
      readReceipts?: boolean;
      notificationPreviews?: boolean;
    } & ProfileChanges,
  ): Promise<void>;
  /** Adds and removes entries of `userId`'s block list; ids of unknown users are ignored. */
  updateBlocks(userId: string, block: readonly string[], unblock: readonly string[]): Promise<void>;
  blockedUserIds(userId: string): Promise<string[]>;
  /** Of `userIds`, those who have blocked `userId`. */
  usersBlocking(userId: string, userIds: readonly string[]): Promise<string[]>;

  /**
   * Inserts a device unless the user already has `maxActive` active ones or is disabled,
   * atomically. Returns null when written, else why nothing was.
   */
  createDevice(device: DeviceRecord, maxActive: number): Promise<DeviceRefusal | null>;
  getDevice(id: string): Promise<DeviceRecord | null>;
  listActiveDevices(userId: string): Promise<DeviceRecord[]>;
  /** Compare-and-set of the refresh token hash; true when it rotated. */
  rotateRefreshToken(rotation: RefreshRotation): Promise<boolean>;
  /** Marks a device revoked (idempotent); returns true when it was active. */
  revokeDevice(id: string, at: number): Promise<boolean>;
  touchDevice(id: string, at: number): Promise<void>;
}

/** One stretch of membership: the member sees events with joinedSeq <= seq <= leftSeq. */
export interface Period {
  joinedSeq: number;
  leftSeq: number | null;
}

export interface ConversationRecord {
  id: string;
  kind: ConversationKind;
  title: string | null;
  avatar: string | null;
  /** Groups (issue #15): see shared/src/groups.ts. */
  description: string | null;
  permissions: GroupPermissions;
  createdBy: string;
  createdAt: number;
  lastSeq: number;
  /** The stamp of the last change to the conversation (./versions.ts). */
  version: number;
  membersVersion: number;
  /** The minimum watermarks over current members, as last announced to a large group. */
  groupDeliveredSeq: number;
  groupReadSeq: number;
}

export interface MembershipRecord {
  conversationId: string;
  userId: string;
  role: MemberRole;
  muted: boolean;
  deliveredSeq: number;
  readSeq: number;
  receiptSeq: number;
  /** The stamp of the last change to this membership (./versions.ts). */
  version: number;
  active: boolean;
  periods: Period[];
  /** The conversation's title when this member last left (what a former member keeps seeing). */
  leftTitle: string | null;
}

/** An event as stored: the wire shape plus the idempotency keys. */
export type EventRecord = ConversationEvent & { opId?: string | null };

/** Why a conditional write did not happen; services turn these into error codes. */
export type Refusal =
  | 'not_member'
  | 'not_found'
  | 'not_message'
  | 'already_deleted'
  | 'not_direct_member'
  | 'blocked'
  /** A message mentions someone who is not a current member. */
  | 'mention_not_member'
  /** An account-state write would leave more entries with a value than its `maxEntries`. */
  | 'account_full'
  /** Registration needed an invite and the code is unknown, revoked, expired or used up. */
  | 'invite_invalid'
  /** Deleting the account would leave the server without an admin who can act. */
  | 'last_admin';

export class StoreRefusal extends Error {
  override name = 'StoreRefusal';
  constructor(readonly reason: Refusal) {
    super(`store refused the write: ${reason}`);
  }
}

export interface EventOrigin {
  /** New event id. */
  id: string;
  userId: string;
  deviceId: string | null;
  at: number;
  opId?: string;
}

export interface NewMessage extends EventOrigin {
  conversationId: string;
  clientMsgId: string;
  text: string | null;
  replyToSeq: number | null;
  attachments: AttachmentRef[];
  /** Stored as `payload.forwarded: true` when set. */
  forwarded?: boolean;
  /** Stored as `payload.linkPreview`; its image is referenced like an attachment. */
  linkPreview?: LinkPreview;
  /** Stored as `payload.voice`: the message is a voice note (removed with a delete). */
  voice?: VoiceNote;
  /** Stored as `payload.poll`. */
  poll?: Poll;
  /**
   * Stored as `payload.mentions` when not empty. The send is refused (`mention_not_member`) unless
   * every id is an active member, checked in the transaction that appends.
   */
  mentions?: readonly string[];
  /**
   * The send is refused (`blocked`) when this user blocks the sender, checked in the transaction
   * that appends (a direct chat's peer); null when nobody's block applies.
   */
  unlessBlockedBy?: string | null;
}

/**
 * A referencing event appended by `appendReference`: its payload names the target message by
 * `targetSeq`. Later kinds (pins) join this union.
 */
export type NewReference =
  | { type: 'reaction'; payload: ReactionPayload }
  | { type: 'pin'; payload: PinPayload }
  | { type: 'poll_vote'; payload: PollVotePayload };

export interface GroupChange {
  title?: string;
  /** Logged as `description_changed` / `group_settings` (the full new permissions). */
  description?: string | null;
  permissions?: GroupPermissions;
  add?: readonly string[];
  remove?: readonly string[];
  roles?: readonly { userId: string; role: MemberRole }[];
  /**
   * The actor leaves. An owner's role passes to `newOwner` if still a member, else to the
   * longest-serving admin, else the longest-serving member, decided inside the transaction.
   */
  leave?: { newOwner: string | null };
}

/**
 * What an append did: a repeat returns the first event and writes nothing; a new message also
 * carries the conversation's `membersVersion` as of its commit, so that fan-out can check its
 * cached members without another read.
 */
export type AppendedMessage =
  | { event: EventRecord; duplicate: true }
  | { event: EventRecord; duplicate: false; membersVersion: number };

export interface SummaryRow {
  conversation: ConversationRecord;
  membership: MembershipRecord;
}

/** Conversations, memberships with their periods, and the event log. */
export interface ConversationStore {
  /**
   * The cursor of `conversation:list` now: every summary change that commits after this call is
   * returned by `changedSummaries(userId, cursor)`. Rows carry version stamps (./versions.ts), so
   * no row is shared between conversations. SQLite's cursor is exact; MongoDB's lags the clock
   * (MONGO_CURSOR_LAG_MS), so a summary changed just before it may be returned again.
   */
  changeCursor(): Promise<number>;
  getConversation(id: string): Promise<ConversationRecord | null>;
  getMembership(conversationId: string, userId: string): Promise<MembershipRecord | null>;
  /** Current (active) members, longest-serving first. */
  activeMembers(conversationId: string): Promise<MembershipRecord[]>;
  /**
   * The caller's conversations whose summary changed after `since` (all when undefined): the
   * membership's stamp, or for a current member the conversation's, is above it.
   */
  changedSummaries(userId: string, since: number | undefined): Promise<SummaryRow[]>;
  /** Of `userIds`, those who share at least one conversation with `userId` as active members. */
  sharingConversation(userId: string, userIds: readonly string[]): Promise<string[]>;

  /** The direct conversation of a pair (either order), without creating it. */
  findDirect(userId: string, peerId: string): Promise<ConversationRecord | null>;
  /** Get-or-create of the direct conversation of a pair; `created` says which. */
  getOrCreateDirect(input: {
    id: string;
    userId: string;
    peerId: string;
    at: number;
  }): Promise<{ conversation: ConversationRecord; created: boolean }>;
  /** Creates a group whose seq 1 is a `member_added` of every initial member (the creator is owner). */
  createGroup(
    input: EventOrigin & { conversationId: string; title: string; memberIds: readonly string[] },
  ): Promise<{ conversation: ConversationRecord; events: EventRecord[] }>;
  /** Appends the events of a group change in one transaction; the actor must be an active member. */
  changeGroup(
    conversationId: string,
    origin: EventOrigin,
    change: GroupChange,
  ): Promise<EventRecord[]>;
  setMuted(conversationId: string, userId: string, muted: boolean): Promise<void>;

  /**
   * Allocates the next seq and commits the message, atomically with the membership check. A repeated
   * (userId, clientMsgId) returns the first event and writes nothing.
   */
  appendMessage(message: NewMessage): Promise<AppendedMessage>;
  /** Appends `message_edited` and updates the target's current state; refuses a deleted target. */
  editMessage(
    conversationId: string,
    targetSeq: number,
    text: string,
    origin: EventOrigin,
  ): Promise<EventRecord>;
  /** Appends `message_deleted` and removes the target's text and attachments (and its edits' text). */
  deleteMessage(
    conversationId: string,
    targetSeq: number,
    origin: EventOrigin,
  ): Promise<EventRecord>;
  /**
   * Appends a referencing event (a reaction, a poll vote, ...) atomically with its checks: the sender is an
   * active member, the target a message that is not deleted (refusals as for `editMessage`). The
   * target's row is not changed: clients fold these events from the log. A repeated
   * (userId, opId) returns the first event and writes nothing.
   */
  appendReference(
    conversationId: string,
    reference: NewReference,
    origin: EventOrigin,
  ): Promise<EventRecord>;
  /** The message `userId` sent with `clientMsgId`, if any (the first answer of a retried send). */
  eventByClientMsgId(userId: string, clientMsgId: string): Promise<EventRecord | null>;
  /** The event `userId` logged with `opId`, if any (the first answer of a repeated mutation). */
  eventByOpId(userId: string, opId: string): Promise<EventRecord | null>;
  getEvent(conversationId: string, seq: number): Promise<EventRecord | null>;
  /**
   * Events with afterSeq < seq <= upToSeq inside `periods`, ascending, as a member with those
   * periods reads them (./visibility.ts): a `hidden` stub for a referencing event whose target lies
   * outside the periods, each message as it stood for them.
   */
  eventsAfter(
    conversationId: string,
    periods: readonly Period[],
    afterSeq: number,
    upToSeq: number,
    limit: number,
  ): Promise<ViewedEvent[]>;
  /** Events with seq < beforeSeq inside `periods`, descending, read as `eventsAfter` reads them. */
  eventsBefore(
    conversationId: string,
    periods: readonly Period[],
    beforeSeq: number,
    limit: number,
  ): Promise<ViewedEvent[]>;
  /**
   * The newest event with seq <= upToSeq inside `periods` that is not an edit or delete marker
   * (for previews), as the member reads it.
   */
  lastVisibleEvent(
    conversationId: string,
    periods: readonly Period[],
    upToSeq: number,
  ): Promise<EventRecord | null>;
  /**
   * Messages from others with afterSeq < seq <= upToSeq inside `periods`, not deleted, counting at
   * most `cap`. Bounded by the summary's lastSeq, so a message committed after it was read is
   * counted once, when it arrives, not also here.
   */
  countUnread(
    conversationId: string,
    userId: string,
    periods: readonly Period[],
    afterSeq: number,
    upToSeq: number,
    cap: number,
  ): Promise<number>;

  /** Moves watermarks forward only (MAX in the write); returns the membership after. */
  advanceReceipts(
    conversationId: string,
    userId: string,
    marks: { deliveredSeq?: number; readSeq?: number },
  ): Promise<{ membership: MembershipRecord; changed: boolean }>;
  /**
   * The minimum delivered and public read watermarks over the current members (0 when none): what
   * a large group's ticks show. An aggregate in the store, so no member row is converted.
   */
  groupReceiptMinimum(conversationId: string): Promise<{ deliveredSeq: number; readSeq: number }>;
  /** Records the minimum watermarks last announced to a large group. */
  setGroupReceipts(conversationId: string, deliveredSeq: number, readSeq: number): Promise<void>;
}

export interface StoreLifecycle {
  /** Random id created with the store; changes only when the data is restored or rebuilt. */
  storeEpoch(): string;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

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

export type Store = AccountStore &
  AccountDeletionStore &
  AdminStore &
  ConversationStore &
  RelationshipStore &
  AccountStateStore &
  PlayStore &
  TwoStepStore &
  SsoStore &
  ProfileStore &
  PushStore &
  GroupLinkStore &
  StoreLifecycle;

/** The event-log reads of the store, which each store implements in its own event-reads.ts. */
export type EventReads = Pick<
  ConversationStore,
  | 'eventByClientMsgId'
  | 'eventByOpId'
  | 'getEvent'
  | 'eventsAfter'
  | 'eventsBefore'
  | 'lastVisibleEvent'
  | 'countUnread'
>;
