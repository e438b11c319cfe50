/** Data shapes as they travel on the wire (server answers and pushes). */
import type { TwoStepStatus } from './two-step';
import type {
  AvatarChangedPayload,
  DescriptionChangedPayload,
  GroupPermissions,
  GroupSettingsPayload,
} from './groups';

/** Who sees my last seen and online status (DESIGN §3: contacts plus members of a shared group). */
export type LastSeenVisibility = 'everyone' | 'contacts' | 'nobody';
/**
 * Who sees my profile photo, and who my about line (DESIGN §3: the one audience rule of last seen:
 * contacts are mine plus members of a shared group). Both default to `everyone`, as in WhatsApp.
 */
export type ProfileAudience = LastSeenVisibility;
/** Who can add me to groups; anyone else's add becomes an invitation. */
export type GroupAdds = 'everyone' | 'contacts';
/**
 * A direct chat's message-request state as the viewer sees it: `incoming` (a non-contact wrote;
 * accept, delete or block), `outgoing` (you wrote to someone who has not replied or accepted: no
 * read receipts, typing or presence from them), `deleted` (an incoming request you deleted; hidden
 * until they write again), or null (an accepted chat, and every group).
 */
export type RequestState = 'incoming' | 'outgoing' | 'deleted';
export type ConversationKind = 'direct' | 'group';
export type ConversationStatus = 'active' | 'left';
export type MemberRole = 'owner' | 'admin' | 'member';

export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  /**
   * The profile photo's media id (`GET /api/media/:id`, and `/thumbnail` for avatars): a square
   * image the person cropped on their device. Null when there is none or when the viewer is outside
   * the person's `photoVisibility`. Absent from servers older than profiles.
   */
  photo?: string | null;
  /** The about line; null when the viewer is outside `aboutVisibility`, '' when it is empty. */
  about?: string | null;
  /**
   * The person deleted the account (issue #15): displayName is "Deleted account" and username is
   * empty. Absent for everyone else.
   */
  deleted?: true;
}

/** The signed-in user with its private settings (`GET /api/me`). */
export interface Me extends PublicUser {
  createdAt: number;
  /** Server-wide role (DESIGN §3): admins manage accounts and invites. */
  role: 'admin' | 'member';
  lastSeenVisibility: LastSeenVisibility;
  groupAdds: GroupAdds;
  /** Read receipts in direct chats; off hides them both ways (groups always count). */
  readReceipts: boolean;
  /** My own photo and about, always shown to me. */
  photo: string | null;
  about: string;
  photoVisibility: ProfileAudience;
  aboutVisibility: ProfileAudience;
  /** Push notifications carry a one-line preview of the message (on by default). */
  notificationPreviews: boolean;
  blocked: string[];
  /** Two-step sign-in of this account (issue #18). */
  twoStep: TwoStepStatus;
  /**
   * False for an account made by single sign-on: it signs in through its provider, and a recent
   * single sign-on stands in for the password where one is asked for (issue #18).
   */
  hasPassword: boolean;
}

export interface DeviceInfo {
  id: string;
  name: string;
  platform: string;
  createdAt: number;
  lastSeenAt: number;
  /** True for the device that made the request. */
  current: boolean;
}

export interface AuthSession {
  user: Me;
  device: DeviceInfo;
  accessToken: string;
  refreshToken: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export const EVENT_TYPES = [
  'message',
  'message_edited',
  'message_deleted',
  'member_added',
  'member_removed',
  'member_role',
  'conversation_renamed',
  'reaction',
  'pin',
  'poll_vote',
  'description_changed',
  'group_settings',
  'avatar_changed',
] as const;
export type KnownEventType = (typeof EVENT_TYPES)[number];

/** An uploaded file as a message carries it (`message:send` resolves media ids to these). */
export interface AttachmentRef {
  id: string;
  /** The sanitized file name given at upload. */
  name: string;
  /** Sniffed from the bytes, never taken from the uploader's declared type. */
  mime: string;
  size: number;
  /** Images: the displayed size (EXIF orientation applied). */
  width?: number;
  height?: number;
  /** True when `GET /api/media/:id/thumbnail` has a small WebP preview. */
  thumbnail: boolean;
}

/** The answer of `POST /api/media` (201). */
export interface MediaUploadAnswer extends AttachmentRef {
  /** Hex SHA-256 of the bytes; also the download's ETag. */
  sha256: string;
}

/**
 * A link preview as the sender's device made it (DESIGN §10: the server never fetches the URL and
 * receivers never do either). `image` is media the sender uploaded, readable by whoever can read
 * the message.
 */
export interface LinkPreview {
  /** The http(s) address the preview describes (as the sender's text wrote it). */
  url: string;
  title: string;
  description: string | null;
  image: AttachmentRef | null;
}

/**
 * A voice note's description, made on the sender's device (DESIGN §10): the message's single
 * attachment is the recording (Opus in WebM or Ogg).
 */
export interface VoiceNote {
  durationMs: number;
  /** Peak levels 0..255 over the recording, VOICE_WAVEFORM_BARS of them from this app. */
  waveform: number[];
}

/**
 * A voice note was played by `userId` (the first time; later plays change nothing). Pushed as
 * `receipt:played` to the note's sender and to the listener's own devices.
 */
export interface PlayedReceipt {
  conversationId: string;
  seq: number;
  userId: string;
  playedAt: number;
}

export interface MessagePayload {
  text: string | null;
  replyToSeq: number | null;
  attachments: AttachmentRef[];
  /** True when the message was forwarded from another chat (absent otherwise). */
  forwarded?: true;
  /** The sender's preview of a link in the text (absent otherwise; removed with a delete). */
  linkPreview?: LinkPreview;
  /**
   * User ids the text mentions, each a member when it was sent (absent when there are none;
   * removed with a delete). Display names are resolved by each reader's device.
   */
  mentions?: string[];
  /** Present on a voice note: its single attachment is the recording (removed with a delete). */
  voice?: VoiceNote;
  /**
   * A poll (absent otherwise; removed with a delete). Polls are never edited; votes are `poll_vote`
   * events. `text` holds a plain-text rendering the sender's app made, for apps without polls.
   */
  poll?: Poll;
  /**
   * Set by the server (never by the sender's app) when sending did not make the sender's read
   * public: a direct chat while their read receipts are off (DESIGN §3). Apps must then not take
   * the message as the sender's read of what came before it. Absent otherwise; kept by a delete.
   * Older apps ignore it.
   */
  privateRead?: true;
}

/** A poll as its message carries it: the options are distinct, POLL_OPTIONS_MIN..POLL_OPTIONS_MAX. */
export interface Poll {
  question: string;
  options: string[];
  /** True when a voter may choose several options; false: at most one. */
  multiple: boolean;
}
export interface MessageEditedPayload {
  targetSeq: number;
  /** Null once the message was deleted: a delete removes the text of its edits too. */
  text: string | null;
  editVersion: number;
}
export interface MessageDeletedPayload {
  targetSeq: number;
}
/**
 * One person's reaction to a message (`message:react`): it replaces their earlier reaction to the
 * same message; `emoji: null` removes it. Clients fold the log: the last reaction per (sender,
 * target) wins, and a deleted target has none.
 */
export interface ReactionPayload {
  targetSeq: number;
  emoji: string | null;
}
/**
 * A message pinned or unpinned in a chat (`message:pin`). Clients fold the log in seq order: a pin
 * puts its target last in the chat's pinned list (moving it there if it was pinned already), and
 * when that makes more than PINNED_MESSAGES_MAX the oldest pin drops out (as WhatsApp); an unpin
 * takes its target out; a deleted message is never shown pinned.
 */
export interface PinPayload {
  targetSeq: number;
  pinned: boolean;
}
/**
 * One person's whole vote on a poll (the message at `targetSeq`): the indexes of the options they
 * chose, ascending; [] retracts. Their last vote replaces every earlier one.
 */
export interface PollVotePayload {
  targetSeq: number;
  options: number[];
}
export interface MemberAddedPayload {
  userIds: string[];
  /** Present when they joined through an invite link by themselves (issue #15). */
  via?: 'link';
}
export interface MemberRemovedPayload {
  userIds: string[];
  /** True when the members left by themselves. */
  left: boolean;
}
export interface MemberRolePayload {
  userId: string;
  role: MemberRole;
}
export interface ConversationRenamedPayload {
  title: string;
}

interface EventBase {
  id: string;
  conversationId: string;
  seq: number;
  senderUserId: string;
  senderDeviceId: string | null;
  createdAt: number;
}

/**
 * One entry of a conversation log. `message` events carry their current state: after an edit the
 * new text with `editedAt`/`editVersion`, after a delete no text or attachments and `deletedAt`.
 */
export type KnownEvent =
  | (EventBase & {
      type: 'message';
      clientMsgId: string;
      payload: MessagePayload;
      editedAt: number | null;
      editVersion: number;
      deletedAt: number | null;
    })
  | (EventBase & { type: 'message_edited'; payload: MessageEditedPayload })
  | (EventBase & { type: 'message_deleted'; payload: MessageDeletedPayload })
  | (EventBase & { type: 'member_added'; payload: MemberAddedPayload })
  | (EventBase & { type: 'member_removed'; payload: MemberRemovedPayload })
  | (EventBase & { type: 'member_role'; payload: MemberRolePayload })
  | (EventBase & { type: 'conversation_renamed'; payload: ConversationRenamedPayload })
  | (EventBase & { type: 'reaction'; payload: ReactionPayload })
  | (EventBase & { type: 'pin'; payload: PinPayload })
  | (EventBase & { type: 'poll_vote'; payload: PollVotePayload })
  | (EventBase & { type: 'description_changed'; payload: DescriptionChangedPayload })
  | (EventBase & { type: 'group_settings'; payload: GroupSettingsPayload })
  | (EventBase & { type: 'avatar_changed'; payload: AvatarChangedPayload });

export type ConversationEvent = KnownEvent;

/**
 * Event types that refer to a message by `payload.targetSeq` (DESIGN §3 "Referencing events"):
 * they never count as unread, never become a chat's preview and never move it in the chat list.
 * Add each new referencing type here.
 */
export const REFERENCING_EVENT_TYPES: readonly KnownEventType[] = [
  'message_edited',
  'message_deleted',
  'reaction',
  'pin',
  'poll_vote',
];

export type MessageEvent = Extract<KnownEvent, { type: 'message' }>;

/**
 * In place of an event that lies inside the reader's periods but that they may not see: a
 * referencing event (an edit, a delete; later reactions, pins, votes) whose target lies outside
 * their periods (DESIGN §3). It keeps the reader's log gapless; clients advance past it and show
 * nothing. Only sockets of protocol >= HIDDEN_STUB_PROTOCOL receive stubs.
 */
export interface HiddenEvent {
  conversationId: string;
  seq: number;
  type: 'hidden';
}

/** One entry of a log as a given member reads it: the event, or a stub in its place. */
export type LogEntry = ConversationEvent | HiddenEvent;

export const isHidden = (entry: LogEntry): entry is HiddenEvent => entry.type === 'hidden';

/**
 * The seq an event refers to (`payload.targetSeq`), or null. Every referencing event type names
 * its target this way, so the visibility rule of DESIGN §3 covers new types without a change here.
 */
export function targetSeqOf(event: { payload?: unknown }): number | null {
  const payload = event.payload;
  if (typeof payload !== 'object' || payload === null || !('targetSeq' in payload)) return null;
  const target: unknown = payload.targetSeq;
  return typeof target === 'number' ? target : null;
}

export interface EventPreview {
  seq: number;
  type: string;
  senderUserId: string;
  /** Text (shortened), or null for events without text and deleted messages. */
  text: string | null;
  attachmentCount: number;
  deleted: boolean;
  createdAt: number;
}

export interface MemberInfo {
  userId: string;
  role: MemberRole;
  deliveredSeq: number;
  receiptSeq: number;
  /**
   * Where this member's current period began (the seq of their latest `member_added`; 1 in a
   * direct chat). Ticks of a message before it never wait for them (DESIGN §5). Absent from
   * servers older than this field: treat as 0.
   */
  joinedSeq?: number;
  /**
   * In `conversation:members` answers: the member's username and display name, so that a client
   * can name the members of a group too large to carry them in its summary (the `@` picker).
   * Absent from servers older than these fields.
   */
  username?: string;
  displayName?: string;
  /** The member's photo as the caller may see it (PublicUser.photo); summaries' members carry it too. */
  photo?: string | null;
  /** In `conversation:members` answers only: the about line as the caller may see it. */
  about?: string | null;
}

export interface InlineMember extends MemberInfo {
  username: string;
  displayName: string;
}

export interface ConversationSummary {
  id: string;
  kind: ConversationKind;
  title: string | null;
  avatar: string | null;
  status: ConversationStatus;
  role: MemberRole;
  muted: boolean;
  /** Capped at the caller's `leftSeq` once they left. */
  lastSeq: number;
  lastEvent: EventPreview | null;
  lastActivityAt: number;
  unreadCount: number;
  deliveredSeq: number;
  readSeq: number;
  memberCount: number;
  membersVersion: number;
  createdAt: number;
  /** Direct chats: the other person. */
  peer?: PublicUser;
  /** Direct chats: the message-request state; null once accepted and for groups (absent from older servers). */
  request?: RequestState | null;
  /** Direct chats and groups of at most SMALL_GROUP_MAX members (current members only). */
  members?: InlineMember[];
  /** Groups, for current members: the description (null when none). Absent from older servers. */
  description?: string | null;
  /** Groups, for current members: who may send and edit the info. Absent from older servers. */
  permissions?: GroupPermissions;
}

export interface PresenceInfo {
  userId: string;
  online: boolean;
  /** Null while online, or when the user hides it (`lastSeenVisibility: nobody`). */
  lastSeenAt: number | null;
}

/** An add to a group by someone the person has not accepted as a contact (`groupAdds: contacts`). */
export interface GroupInvitation {
  conversationId: string;
  title: string | null;
  inviter: PublicUser;
  memberCount: number;
  createdAt: number;
}

/** The `invitation` push: a new invitation, or one answered on another device. */
export interface InvitationUpdate extends GroupInvitation {
  status: 'pending' | 'accepted' | 'declined';
}

/**
 * `GET /api/users/:id`: a person as the caller may see them (the contact info panel), with the
 * groups both are current members of (conversation ids, oldest group first).
 */
export interface UserProfileAnswer {
  user: PublicUser;
  sharedGroups: string[];
}
