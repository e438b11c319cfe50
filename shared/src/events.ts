import type { z } from 'zod';
import type {
  ConversationSummary,
  GroupInvitation,
  InvitationUpdate,
  LogEntry,
  MemberInfo,
  PlayedReceipt,
  PresenceInfo,
  PublicUser,
} from './model';
import type { Result } from './result';
import type {
  InviteLink,
  InviteLinkJoinAnswer,
  InviteLinkPreview,
  JoinRequest,
  JoinRequestUpdate,
  inviteLinkCreateSchema,
  inviteLinkJoinSchema,
  inviteLinkListSchema,
  inviteLinkPreviewSchema,
  inviteLinkRevokeSchema,
  joinRequestAnswerSchema,
  joinRequestCancelSchema,
  joinRequestListSchema,
} from './invite-links';
import type {
  AccountChanged,
  AccountSetAnswer,
  AccountStateAnswer,
  accountSetSchema,
  accountStateSchema,
} from './account-state';
import type {
  conversationDirectSchema,
  conversationListSchema,
  conversationMembersSchema,
  conversationSettingsSchema,
  eventsAfterSchema,
  eventsBeforeSchema,
  groupCreateSchema,
  groupLeaveSchema,
  groupUpdateSchema,
  invitationActionSchema,
  invitationListSchema,
  messageDeleteSchema,
  messageEditSchema,
  messagePinSchema,
  messageReactSchema,
  messageSendSchema,
  playedListSchema,
  playedReceiptSchema,
  pollVoteSchema,
  presenceWatchSchema,
  receiptSchema,
  requestActionSchema,
  typingSchema,
} from './schemas';

export type Ack<T> = (result: Result<T>) => void;

export interface ConversationListAnswer {
  conversations: ConversationSummary[];
  /** Pass as `since` next time to get only what changed after this answer. */
  cursor: number;
  storeEpoch: string;
}
export interface MembersAnswer {
  members: MemberInfo[];
  membersVersion: number;
}
export interface SendAnswer {
  id: string;
  seq: number;
  createdAt: number;
}
export interface SeqAnswer {
  seq: number;
}
export interface EventsAfterAnswer {
  /** With `hidden` stubs in place of events the caller may not see (protocol >= 2). */
  events: LogEntry[];
  lastSeq: number;
}
export interface EventsBeforeAnswer {
  events: LogEntry[];
}
export interface ReceiptAnswer {
  deliveredSeq: number;
  readSeq: number;
}
/** `receipt:played`: when the caller first played the note (a repeat answers the same). */
export interface PlayedAnswer {
  seq: number;
  playedAt: number;
}
export interface PlayedListAnswer {
  played: PlayedReceipt[];
}
export interface PresenceAnswer {
  presence: PresenceInfo[];
}
export interface InvitationListAnswer {
  invitations: GroupInvitation[];
}
export type EmptyAnswer = Record<string, never>;

/** The request/answer map of every client -> server event (payloads as the client writes them). */
export interface ClientRequests {
  'conversation:list': [z.input<typeof conversationListSchema>, ConversationListAnswer];
  'conversation:members': [z.input<typeof conversationMembersSchema>, MembersAnswer];
  'conversation:direct': [z.input<typeof conversationDirectSchema>, ConversationSummary];
  'conversation:settings': [z.input<typeof conversationSettingsSchema>, ConversationSummary];
  'group:create': [z.input<typeof groupCreateSchema>, ConversationSummary];
  'group:update': [z.input<typeof groupUpdateSchema>, ConversationSummary];
  'group:leave': [z.input<typeof groupLeaveSchema>, EmptyAnswer];
  'message:send': [z.input<typeof messageSendSchema>, SendAnswer];
  'message:edit': [z.input<typeof messageEditSchema>, SeqAnswer];
  'message:delete': [z.input<typeof messageDeleteSchema>, SeqAnswer];
  'message:react': [z.input<typeof messageReactSchema>, SeqAnswer];
  'message:pin': [z.input<typeof messagePinSchema>, SeqAnswer];
  /** The `poll_vote` event's seq (the first answer again for a repeated opId). */
  'poll:vote': [z.input<typeof pollVoteSchema>, SeqAnswer];
  'events:after': [z.input<typeof eventsAfterSchema>, EventsAfterAnswer];
  'events:before': [z.input<typeof eventsBeforeSchema>, EventsBeforeAnswer];
  'receipt:delivered': [z.input<typeof receiptSchema>, ReceiptAnswer];
  'receipt:read': [z.input<typeof receiptSchema>, ReceiptAnswer];
  'receipt:played': [z.input<typeof playedReceiptSchema>, PlayedAnswer];
  'played:list': [z.input<typeof playedListSchema>, PlayedListAnswer];
  'presence:watch': [z.input<typeof presenceWatchSchema>, PresenceAnswer];
  'request:accept': [z.input<typeof requestActionSchema>, ConversationSummary];
  'request:delete': [z.input<typeof requestActionSchema>, ConversationSummary];
  'invitation:list': [z.input<typeof invitationListSchema>, InvitationListAnswer];
  'invitation:accept': [z.input<typeof invitationActionSchema>, ConversationSummary];
  'invitation:decline': [z.input<typeof invitationActionSchema>, EmptyAnswer];
  'account:state': [z.input<typeof accountStateSchema>, AccountStateAnswer];
  'account:set': [z.input<typeof accountSetSchema>, AccountSetAnswer];
  'invite-link:create': [z.input<typeof inviteLinkCreateSchema>, InviteLink];
  'invite-link:list': [z.input<typeof inviteLinkListSchema>, { links: InviteLink[] }];
  'invite-link:revoke': [z.input<typeof inviteLinkRevokeSchema>, EmptyAnswer];
  'invite-link:preview': [z.input<typeof inviteLinkPreviewSchema>, InviteLinkPreview];
  'invite-link:join': [z.input<typeof inviteLinkJoinSchema>, InviteLinkJoinAnswer];
  'join-request:list': [z.input<typeof joinRequestListSchema>, { requests: JoinRequest[] }];
  /** Accept: the summary as the admin sees it after the add; reject: `{}`. */
  'join-request:answer': [z.input<typeof joinRequestAnswerSchema>, EmptyAnswer];
  'join-request:cancel': [z.input<typeof joinRequestCancelSchema>, EmptyAnswer];
}
export type ClientRequestName = keyof ClientRequests;
export type RequestPayload<E extends ClientRequestName> = ClientRequests[E][0];
export type RequestAnswer<E extends ClientRequestName> = ClientRequests[E][1];

export type ClientToServerEvents = {
  [E in ClientRequestName]: (payload: RequestPayload<E>, ack: Ack<RequestAnswer<E>>) => void;
} & {
  /** Ephemeral; an ack is optional. */
  typing: (payload: z.input<typeof typingSchema>, ack?: Ack<EmptyAnswer>) => void;
};

export interface ReceiptUpdate {
  conversationId: string;
  userId: string;
  deliveredSeq: number;
  readSeq: number;
}
export interface GroupReceiptUpdate {
  conversationId: string;
  deliveredSeq: number;
  readSeq: number;
}
export interface TypingUpdate {
  conversationId: string;
  userId: string;
  typing: boolean;
}
export interface SessionRevoked {
  /**
   * `disabled`: an admin disabled the account; every device of it is signed out.
   * `password_changed`: the account's password was changed on another device, which signed out
   * every other device (and "sign out all other devices" says `revoked`).
   * `account_deleted`: the person deleted the account (every device of it).
   */
  reason:
    'revoked' | 'logged_out' | 'token_reuse' | 'disabled' | 'password_changed' | 'account_deleted';
}

export interface ServerToClientEvents {
  event: (event: LogEntry) => void;
  conversation: (summary: ConversationSummary) => void;
  receipt: (update: ReceiptUpdate) => void;
  'receipt:group': (update: GroupReceiptUpdate) => void;
  /** A voice note was played: to its sender's and the listener's devices (protocol >= 2). */
  'receipt:played': (update: PlayedReceipt) => void;
  typing: (update: TypingUpdate) => void;
  presence: (update: PresenceInfo) => void;
  invitation: (update: InvitationUpdate) => void;
  /** A join request through an invite link began or ended (issue #15). */
  'join-request': (update: JoinRequestUpdate) => void;
  /**
   * Someone's public profile changed (name, photo, about, or who may see them): to their own
   * devices (unmasked) and to every user who shares a conversation with them, each as they may see
   * it (photo / about null outside the audience).
   */
  'user:changed': (user: PublicUser) => void;
  'session:revoked': (info: SessionRevoked) => void;
  /** The account state changed (on any of the user's devices); protocol >= ACCOUNT_STATE_PROTOCOL. */
  'account:changed': (update: AccountChanged) => void;
  /**
   * The server is shutting down (SIGTERM): it accepts no new connections and closes this socket
   * shortly. Reconnect now (a load balancer sends you to another server); anything unacked is
   * resent as usual. The payload is an empty object today.
   */
  'server:draining': (info: ServerDraining) => void;
}

/** The payload of `server:draining`: empty today; clients ignore fields they do not know. */
export type ServerDraining = Record<string, never>;

/** What the server keeps on each authenticated socket. */
export interface SocketData {
  userId: string;
  deviceId: string;
  protocol: number;
  /** The client's address as TRUST_PROXY resolves it (the same one HTTP rate limits key on). */
  address: string;
}

/** `connect_error` data for a refused handshake. */
export interface HandshakeErrorData {
  code: 'unauthorized' | 'unsupported_protocol' | 'internal';
  minProtocol: number;
  maxProtocol: number;
  /** For people: what happened and what to do. */
  message: string;
}
