import type {
  AttachmentRef,
  Poll,
  PollVotePayload,
  LinkPreview,
  VoiceNote,
  ConversationEvent,
  ConversationKind,
  GroupPermissions,
  MemberRole,
  PinPayload,
  ReactionPayload,
} from '@chitchat/shared';
import type { ProfileStore } from './profile-types';
import type { ViewedEvent } from './visibility';
import type { GroupLinkStore } from './group-link-types';
import type { SsoStore } from './sso-types';
import type { PushStore } from './push-types';
import type { AccountDeletionStore } from './deletion-types';

import type { AccountStore, AdminStore, TwoStepStore } from './account-types';
import type { AccountStateStore, PlayStore, RelationshipStore } from './state-types';

export * from './account-types';
export * from './state-types';

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
  /** The group photo's media id, null to remove it; logged as `avatar_changed` (issue #15). */
  avatar?: string | null;
  add?: readonly string[];
  /** `add` joined by themselves through an invite link: logged as `member_added { via: 'link' }`. */
  addedVia?: 'link';
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
   * (userId, clientMsgId) returns the first event and writes nothing. The sender's delivered and
   * read marks move to the message; their public `receiptSeq` too, except in a direct chat while
   * their read receipts are off (DESIGN §3: that read is private).
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

  /**
   * Moves watermarks forward only (MAX in the write); returns the membership after. `readSeq`
   * moves `receiptSeq` (the public read mark) too, unless `privateRead` is set: a person with read
   * receipts off reads privately, so their receiptSeq stays frozen where it was (DESIGN §3) and
   * turning receipts on again reveals none of those reads.
   */
  advanceReceipts(
    conversationId: string,
    userId: string,
    marks: { deliveredSeq?: number; readSeq?: number; privateRead?: boolean },
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
  /** Replaces the store epoch with a new random one (after a restore); resolves with it. */
  rotateStoreEpoch(): Promise<string>;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
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
