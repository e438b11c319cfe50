/**
 * The contract between the screen and the engine: every method the renderer may call and every
 * event it may receive. It is transport-agnostic: in Electron it runs over IPC/MessagePort, in tests
 * and development the same engine runs in Node and the same renderer in Chromium against it.
 * Only plain data crosses it (structured-clone safe).
 */
import type {
  AdminServerInfo,
  AdminUser,
  Invite,
  InviteCreateBody,
  TwoStepSetup,
  TwoStepStatus,
  UserRole,
  ConversationKind,
  ConversationStatus,
  DeviceInfo,
  GroupAdds,
  GroupInvitation,
  LastSeenVisibility,
  MemberRole,
  MuteChoice,
  ProfileAudience,
  PresenceInfo,
  PublicUser,
  RequestState,
  VoiceNote,
} from '@chitchat/shared';
import {
  SEARCH_API_METHODS,
  SEARCH_EVENT_NAMES,
  type SearchApi,
  type SearchEvents,
} from './search-contract';
import { SSO_API_METHODS, type SsoApi } from './sso';
import { PROFILE_API_METHODS, type ProfileApi } from './profile-contract';

export * from './search-contract';
export * from './profile-contract';

export type ConnectionState = 'offline' | 'connecting' | 'online';

/**
 * The signed-in person with their settings. `groupAdds`, `readReceipts` and the profile fields are
 * absent in sessions saved before they existed (the server's defaults: everyone, on, none).
 */
export type SessionUser = PublicUser & {
  lastSeenVisibility: LastSeenVisibility;
  groupAdds?: GroupAdds;
  readReceipts?: boolean;
  photoVisibility?: ProfileAudience;
  aboutVisibility?: ProfileAudience;
};

export type SessionState =
  | { status: 'signed_out'; serverUrl: string | null; reason?: string }
  | {
      status: 'signed_in';
      serverUrl: string;
      /**
       * `groupAdds` and `readReceipts` are absent in sessions saved before they existed (the
       * server's defaults: everyone, on).
       */
      user: SessionUser;
      deviceId: string;
    };

/** Ticks of an own message: pending (in the outbox) -> sent -> delivered -> read; or failed. */
export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface MemberView {
  userId: string;
  username: string;
  displayName: string;
  /** Their profile photo's media id as I may see it (thumbnail for the avatar), or null. */
  photo: string | null;
  role: MemberRole;
}

export interface MessagePreview {
  senderUserId: string;
  senderName: string;
  text: string | null;
  kind: 'text' | 'deleted' | 'system' | 'attachment' | 'unsupported';
  /** What a message with files carries ("Photo", "Video", "Document" in the list). */
  attachment?: { kind: AttachmentKind; count: number } | null;
  status: MessageStatus | null;
  createdAt: number;
}

export interface ConversationView {
  id: string;
  kind: ConversationKind;
  /** Group title, or the other person's display name in a direct chat. */
  title: string;
  status: ConversationStatus;
  role: MemberRole;
  /** Muted now (mute-until still ahead, or always): no notification, not in the badge. */
  muted: boolean;
  /** While muted: `"always"` or the ISO time the mute ends; null when not muted. */
  mutedUntil: string | null;
  /** Pinned on top of the list: when (ms, newest first); null when not pinned. */
  pinnedAt: number | null;
  /** Under "Archived"; a new message keeps it there (as WhatsApp). */
  archived: boolean;
  /** The person marked it as unread (a dot in the list); reading the chat clears it. */
  markedUnread: boolean;
  peer: PublicUser | null;
  /** The avatar's media id (thumbnail): the peer's profile photo in a direct chat; null for none. */
  photo: string | null;
  members: MemberView[];
  memberCount: number;
  lastMessage: MessagePreview | null;
  lastActivityAt: number;
  unreadCount: number;
  /** Who is typing now (user ids, never the viewer). */
  typing: string[];
  /** The composer's unsent text, from any of the person's devices (the last writer wins). */
  draft: string;
  /**
   * Direct chats: `incoming` (a message request: accept, delete or block), `outgoing` (your
   * request, not answered yet), `deleted` (a request you deleted: hidden), or null.
   */
  request: RequestState | null;
  /** An unread message from someone else mentions the viewer ("@" in the chat list). */
  unreadMention?: boolean;
}

export interface AttachmentView {
  /** The server's media id; `local:<key>:<index>` while the file waits in the outbox. */
  id: string;
  name: string;
  mime: string;
  size: number;
  width?: number;
  height?: number;
  /** Whether a thumbnail can be asked for (images); absent means no. */
  thumbnail?: boolean;
}

export type AttachmentKind = 'photo' | 'video' | 'audio' | 'document';

export function attachmentKindOf(mime: string): AttachmentKind {
  if (mime.startsWith('image/')) return 'photo';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'document';
}

/** A file picked, dropped or pasted, on its way into the outbox. */
export interface OutgoingFile {
  name: string;
  mime: string;
  bytes: Uint8Array;
}

export interface MediaBytes {
  mime: string;
  bytes: Uint8Array;
}

/**
 * A link preview the engine made on this device for the composer (DESIGN §10): sent with the
 * message unless the person removes it. `image` is at most LINK_PREVIEW_IMAGE_MAX_BYTES.
 */
export interface LinkPreviewDraft {
  url: string;
  title: string;
  description: string | null;
  image: MediaBytes | null;
}

/** A message's link preview as a bubble shows it; receivers never fetch the URL themselves. */
export interface LinkPreviewView {
  url: string;
  /** The URL's host name, shown under the title. */
  host: string;
  title: string;
  description: string | null;
  /** The preview image, fetched like an attachment (`local:<key>:preview` while pending). */
  image: AttachmentView | null;
}

/** Device settings of this app (kept in the local cache of the signed-in account). */
export interface Preferences {
  /** Make link previews for links typed in the composer (default on). */
  linkPreviews: boolean;
}

/** Someone a message mentions, named as this device knows them (DESIGN §10: never the server). */
export interface MentionView {
  userId: string;
  /** The display name known here ("Someone" when this device does not know the person yet). */
  name: string;
  username: string | null;
  /** The viewer is the one mentioned (shown in the accent colour; notifies in a muted chat). */
  me: boolean;
}

/** One chip under a message: an emoji, how many chose it, and who (issue #14 reactions). */
export interface ReactionView {
  emoji: string;
  count: number;
  /** The viewer chose this emoji (shown highlighted; choosing it again removes it). */
  mine: boolean;
  /** Who chose it, the viewer first (`me`), named as this device knows them. */
  people: { userId: string; name: string; me: boolean }[];
}

export interface MessageView {
  /** Stable across pending -> sent: the clientMsgId for messages, else the event id. */
  key: string;
  conversationId: string;
  /** Null while the message waits in the outbox. */
  seq: number | null;
  type: string;
  senderUserId: string;
  senderName: string;
  own: boolean;
  text: string | null;
  /** For system events (joins, leaves, renames): a sentence for people. */
  systemText: string | null;
  /** The quoted message; `seq` is null while it waits in the outbox itself. */
  replyTo: { seq: number | null; senderName: string; text: string | null } | null;
  attachments: AttachmentView[];
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
  /** For own messages; null for others' and for system events. */
  status: MessageStatus | null;
  /** The error code when status is failed. */
  error: string | null;
  /**
   * An own edit or delete of an earlier message that could not be sent (e.g. `stale_target`: the
   * server was restored and no longer has that message): shown so it can be retried or discarded.
   * `text` is the edit's new text.
   */
  change?: 'edit' | 'delete';
  /** Upload progress of a pending message with attachments. */
  upload?: { sent: number; total: number } | null;
  /** An event type this version does not know (from a newer server). */
  unsupported: boolean;
  /** Shown with a "Forwarded" label. */
  forwarded: boolean;
  /** The sender's preview of a link in the text (never fetched by receivers). */
  linkPreview: LinkPreviewView | null;
  /** Pinned in the chat (at most PINNED_MESSAGES_MAX are); absent: not pinned. */
  pinned?: boolean;
  /** A "pinned / unpinned a message" line: the seq of the message it names (the line jumps there). */
  pinTarget?: number;
  /** Starred by this person (the account state, on all their devices); absent: not starred. */
  starred?: boolean;
  /** The people the text mentions (`@Name` tokens in the text); absent or empty: none. */
  mentions?: MentionView[];
  /** A voice note (its one attachment is the recording): length and waveform; absent otherwise. */
  voice?: VoiceNote;
  /** A voice note's played marks (WhatsApp's blue microphone); absent for other messages. */
  played?: PlayedView;
  /** Reactions, one chip per emoji; absent or empty: none (a deleted message has none). */
  reactions?: ReactionView[];
  /** A poll with its live results (absent for other messages and once deleted). */
  poll?: PollView;
}

/** Who played a voice note (`receipt:played`: the first time each person played it). */
export interface PlayedView {
  /** You played it (on any of your devices): others' notes only. */
  byMe: boolean;
  /** Your notes: the other members who played it, first listener first. */
  by: { userId: string; name: string; at: number }[];
  /** Your notes: every other member played it (direct chat: the other person); the blue mic. */
  everyone: boolean;
}

/** A voice note recorded in the composer, measured on this device (DESIGN §10). */
export interface VoiceNoteDraft {
  /** The recording as MediaRecorder made it (Opus in WebM or Ogg). */
  recording: OutgoingFile;
  durationMs: number;
  /** VOICE_WAVEFORM_BARS peak levels 0..255. */
  waveform: number[];
}

/** A poll as its bubble shows it: folded from the votes, each person's latest vote counting once. */
export interface PollView {
  question: string;
  /** Several options may be chosen. */
  multiple: boolean;
  options: PollOptionView[];
  /** People with at least one option chosen. */
  voterCount: number;
  /** Your latest choice still waits in the outbox (it shows already). */
  pending: boolean;
}

export interface PollOptionView {
  text: string;
  votes: number;
  /** Chosen by you. */
  mine: boolean;
  /** Who chose it, in the order they voted. */
  voters: { userId: string; name: string }[];
}

/** A new poll from the composer's "Poll" dialog. */
export interface PollDraft {
  question: string;
  options: string[];
  multiple: boolean;
}

/** One pinned message of a chat, as its pinned bar shows it (`listPins`, newest pin first). */
export interface PinnedMessage {
  seq: number;
  /** Null when the message is neither loaded here nor reachable now (offline): "Message". */
  senderName: string | null;
  text: string | null;
  attachment: MessagePreview['attachment'];
  /** Who pinned it ("You" for this person). */
  pinnedBy: string;
}

/** A starred message with where it lives, for the "Starred messages" view. */
export interface StarredMessage {
  conversationId: string;
  conversationTitle: string;
  message: MessageView;
}

/** Where one of your messages stands with each other member (group "message info"). */
export interface MessageInfo {
  members: {
    userId: string;
    displayName: string;
    state: 'sent' | 'delivered' | 'read';
    /** Your voice notes: when this member first played it; absent otherwise. */
    playedAt?: number;
  }[];
}

export interface MessagePage {
  messages: MessageView[];
  /** True when nothing older exists (the conversation's beginning, as this member sees it). */
  atStart: boolean;
}

/** Where "export my data" wrote its archive, and what it holds. */
export interface ExportResult {
  /** The archive's full path on this computer. */
  path: string;
  fileName: string;
  bytes: number;
  conversations: number;
  /** Messages and system lines, over every chat. */
  messages: number;
  mediaFiles: number;
  /** Attachments the server no longer has (left out, and said so in the pages). */
  missingMedia: number;
}

export interface SignUpInput {
  serverUrl: string;
  username: string;
  password: string;
  displayName?: string;
  /** Where the server's REGISTRATION mode asks for one (DESIGN §4). */
  inviteCode?: string;
}
export interface SignInInput {
  serverUrl: string;
  username: string;
  password: string;
  /** The second step, after a sign-in failed with `two_step_required` (a TOTP or recovery code). */
  twoStepCode?: string;
}

/** The signed-in account's role and two-step sign-in, fresh from the server (issue #18). */
export interface AccountInfo {
  role: UserRole;
  twoStep: TwoStepStatus;
  /** False for an account made by single sign-on: no password to change. */
  hasPassword: boolean;
}

/** What an admin's "Administration" section shows. */
export interface AdminOverview {
  server: AdminServerInfo;
  users: AdminUser[];
  invites: Invite[];
}

/** An admin's change to an account: make or remove admin, disable or enable. */
export interface AdminUserChange {
  userId: string;
  role?: UserRole;
  disabled?: boolean;
}

export interface GroupChangeInput {
  conversationId: string;
  title?: string;
  add?: string[];
  remove?: string[];
  roles?: { userId: string; role: 'admin' | 'member' }[];
}

/** Methods the screen calls; every one returns a promise. */
export interface ChatApi extends SearchApi, SsoApi, ProfileApi {
  getSession(): Promise<SessionState>;
  signUp(input: SignUpInput): Promise<SessionState>;
  signIn(input: SignInInput): Promise<SessionState>;
  /** Stops a sign-in or sign-up waiting for the server (it then fails with `cancelled`). */
  cancelSignIn(): Promise<void>;
  signOut(): Promise<void>;
  getConnectionState(): Promise<ConnectionState>;
  /** Offline: try to connect now instead of after the back-off delay. */
  reconnectNow(): Promise<void>;

  listConversations(): Promise<ConversationView[]>;
  /** The newest page from the local cache, at once. */
  openConversation(conversationId: string, limit?: number): Promise<MessagePage>;
  /** Older messages before `beforeSeq`: local first, then the server when not cached. */
  loadOlder(conversationId: string, beforeSeq: number, limit?: number): Promise<MessagePage>;
  /** Text, files with an optional caption, or both; stored in the outbox at once. */
  sendMessage(input: {
    conversationId: string;
    text: string;
    replyToSeq?: number;
    /** Quotes one of your own messages still in the outbox (its `key`); sent after it. */
    replyToKey?: string;
    files?: OutgoingFile[];
    /** A preview from `previewLink`, sent with the message (its image uploaded as media). */
    linkPreview?: LinkPreviewDraft;
    /** User ids of members the text mentions (the composer's `@` picker), at most MENTIONS_MAX. */
    mentions?: string[];
  }): Promise<MessageView>;
  /**
   * The current members of a conversation, for the `@` picker: from the cache for small groups,
   * fetched from the server for larger ones (the cache when offline).
   */
  listMembers(conversationId: string): Promise<MemberView[]>;
  /**
   * The preview of a link the person typed, made on this device within strict bounds; null when
   * previews are off, the link is not http(s), or the page offers nothing to show.
   */
  previewLink(url: string): Promise<LinkPreviewDraft | null>;
  /**
   * Forwards messages (by seq, in the given order) of one conversation to each of `to`: each copy
   * is a new message with the "Forwarded" label, its media reused (never uploaded again).
   */
  forwardMessages(input: { conversationId: string; seqs: number[]; to: string[] }): Promise<void>;
  getPreferences(): Promise<Preferences>;
  setPreferences(input: Partial<Preferences>): Promise<Preferences>;
  /**
   * Sends a recorded voice note (stored in the outbox at once, its recording uploaded like any
   * file; works offline).
   */
  sendVoiceNote(input: { conversationId: string; voice: VoiceNoteDraft }): Promise<MessageView>;
  /**
   * You played someone else's voice note: its sender sees it played, and so do your other devices
   * (once per note; works offline, sent when connected). Your own notes are left as they are.
   */
  markPlayed(input: { conversationId: string; seq: number }): Promise<void>;
  /** Sends a poll (stored in the outbox at once, like a message; works offline). */
  sendPoll(input: { conversationId: string; poll: PollDraft }): Promise<MessageView>;
  /**
   * Your whole choice on a poll (option indexes; [] takes your vote back), by its seq, or by its
   * key while the poll itself still waits in the outbox. Shown at once; sent through the outbox.
   */
  votePoll(input: {
    conversationId: string;
    seq: number | null;
    key: string;
    options: number[];
  }): Promise<void>;
  /** Each other member's state for one of your messages (fresh from the server when online). */
  messageInfo(input: { conversationId: string; seq: number }): Promise<MessageInfo>;
  /** A media file or its thumbnail: from the local cache, else downloaded (and cached). */
  getMedia(input: { mediaId: string; variant: 'original' | 'thumbnail' }): Promise<MediaBytes>;
  /**
   * Edits a sent message by `seq`, or one of your messages still in the outbox by `key` (a send
   * not tried yet takes the new text at once; else the edit follows it and lands on its seq).
   */
  editMessage(input: {
    conversationId: string;
    seq?: number;
    key?: string;
    text: string;
  }): Promise<void>;
  deleteMessage(input: { conversationId: string; seq: number }): Promise<void>;
  /**
   * Reacts to a sent message by `seq`, or to one of your messages still in the outbox by `key`;
   * `emoji: null` removes your reaction (one per person per message; a new one replaces it).
   * Works offline: shown at once, sent when connected.
   */
  reactToMessage(input: {
    conversationId: string;
    seq?: number;
    key?: string;
    emoji: string | null;
  }): Promise<void>;
  /** Stars or unstars a sent message, on all of this person's devices (works offline). */
  setStarred(input: { conversationId: string; seq: number; starred: boolean }): Promise<void>;
  /**
   * Deletes messages for this person only: gone from all their devices, unchanged for everyone
   * else (works offline).
   */
  deleteForMe(input: { conversationId: string; seqs: number[] }): Promise<void>;
  /**
   * Pins or unpins a sent message for everyone in the chat (a fourth pin replaces the oldest);
   * works offline (the outbox).
   */
  pinMessage(input: { conversationId: string; seq: number; pinned: boolean }): Promise<void>;
  /** The chat's pinned messages, newest pin first (at most PINNED_MESSAGES_MAX). */
  listPins(conversationId: string): Promise<PinnedMessage[]>;
  /** Starred messages, most recently starred first. */
  listStarred(): Promise<StarredMessage[]>;
  /** Puts a failed message back in the outbox. */
  retryMessage(key: string): Promise<void>;
  /** Removes a pending or failed message from the outbox. */
  discardMessage(key: string): Promise<void>;
  /** The conversation is on screen in a focused window: everything in it is read. */
  markRead(conversationId: string): Promise<void>;
  setTyping(conversationId: string, typing: boolean): Promise<void>;
  setDraft(conversationId: string, text: string): Promise<void>;
  watchPresence(userIds: string[]): Promise<PresenceInfo[]>;

  startDirectChat(userId: string): Promise<ConversationView>;
  createGroup(input: { title: string; memberIds: string[] }): Promise<ConversationView>;
  updateGroup(input: GroupChangeInput): Promise<ConversationView>;
  leaveGroup(conversationId: string): Promise<void>;
  /** Mutes always (true) or unmutes; the same as setChatMute with 'always' or null. */
  setMuted(conversationId: string, muted: boolean): Promise<void>;
  /*
   * The chat list (issue #15): the person's own settings of a chat, kept in the account state so
   * every device of theirs shows the same; each applies at once and works offline.
   */
  /** Pins a chat on top of the list, or unpins it; a fourth pin fails with `pin_limit`. */
  setChatPinned(conversationId: string, pinned: boolean): Promise<void>;
  /** Archives a chat (a new message keeps it archived), or unarchives it. */
  setChatArchived(conversationId: string, archived: boolean): Promise<void>;
  /** Marks a chat as unread (a dot), or clears the mark; reading the chat clears it too. */
  setChatUnread(conversationId: string, unread: boolean): Promise<void>;
  /** Mutes for 8 hours, a week, or always; null unmutes. */
  setChatMute(conversationId: string, mute: MuteChoice | null): Promise<void>;

  searchUsers(query: string): Promise<PublicUser[]>;
  listDevices(): Promise<DeviceInfo[]>;
  revokeDevice(deviceId: string): Promise<void>;
  /** "Sign out all other devices": answers how many were signed out. */
  signOutOtherDevices(): Promise<number>;
  /**
   * Changes the password (the current one is required); every other device of the account is
   * signed out at once. Answers how many were.
   */
  changePassword(input: { currentPassword: string; newPassword: string }): Promise<number>;
  /**
   * Deletes the account for good (the password confirms it; an account made by single sign-on
   * gives none, after `reauthenticateWithSso`): every device is signed out, and this
   * one also forgets the account's local copy (chats, media, outbox). Others keep what they
   * received, from "Deleted account".
   */
  deleteAccount(input: { password?: string }): Promise<void>;
  /**
   * "Export my data": a zip of the profile, every chat as JSON and as readable HTML, and their media,
   * made on this device (history completed from the server first) in the exports folder.
   */
  exportData(): Promise<ExportResult>;
  /** The account's role and two-step sign-in state, fresh from the server. */
  getAccountInfo(): Promise<AccountInfo>;
  /** Starts setting up two-step sign-in: a secret and its otpauth:// URI (shown as a QR code). */
  twoStepSetup(): Promise<TwoStepSetup>;
  /** Confirms the set-up with the app's current code; answers the recovery codes (shown once). */
  twoStepConfirm(code: string): Promise<string[]>;
  /** Ten new recovery codes for a current code (or a recovery code); the old ones stop working. */
  twoStepRecoveryCodes(code: string): Promise<string[]>;
  /** Turns two-step sign-in off (the password and a code, or a recovery code). */
  twoStepDisable(input: { password: string; code: string }): Promise<void>;
  /** Admins: how the server runs, its users and its invites. Others get `forbidden`. */
  adminOverview(): Promise<AdminOverview>;
  adminUpdateUser(input: AdminUserChange): Promise<AdminUser>;
  adminCreateInvite(input: InviteCreateBody): Promise<Invite>;
  adminRevokeInvite(code: string): Promise<void>;
  updateProfile(input: {
    displayName?: string;
    lastSeenVisibility?: LastSeenVisibility;
    groupAdds?: GroupAdds;
    readReceipts?: boolean;
  }): Promise<SessionState>;
  /** Accept an incoming message request: the person may see your read receipts, typing, presence. */
  acceptRequest(conversationId: string): Promise<ConversationView>;
  /** Delete an incoming message request: hidden until they write again. */
  deleteRequest(conversationId: string): Promise<void>;
  /** Block a person (and so end their request): nothing of theirs reaches you in your chat. */
  blockUser(userId: string): Promise<void>;
  /** Group invitations waiting for an answer (adds by people who are not your contacts). */
  listInvitations(): Promise<GroupInvitation[]>;
  acceptInvitation(conversationId: string): Promise<ConversationView>;
  declineInvitation(conversationId: string): Promise<void>;
}

/** Events the engine pushes to the screen. */
export interface ChatEvents extends SearchEvents {
  session: SessionState;
  connection: ConnectionState;
  /** The conversation list changed (any field, including unread counts and typing). */
  conversations: ConversationView[];
  /** Messages of one conversation changed: re-read the open page. */
  messages: { conversationId: string };
  presence: PresenceInfo;
  /** A new message from someone else arrived live (for notifications). */
  incoming: {
    conversationId: string;
    conversationTitle: string;
    message: MessageView;
    muted: boolean;
  };
  /** Bytes of an outbox entry's files have left for the server. */
  upload: { conversationId: string; key: string; sent: number; total: number };
  /** The pending group invitations changed: call `listInvitations`. */
  invitations: { count: number };
}

export type ChatEventName = keyof ChatEvents;

/** The method names, for transports that need them at run time (RPC over IPC). */
export const CHAT_API_METHODS = [
  'getSession',
  'signUp',
  'signIn',
  'cancelSignIn',
  ...SSO_API_METHODS,
  ...PROFILE_API_METHODS,
  'signOut',
  'getConnectionState',
  'reconnectNow',
  'listConversations',
  'openConversation',
  'loadOlder',
  'sendMessage',
  'listMembers',
  'previewLink',
  'forwardMessages',
  'sendPoll',
  'votePoll',
  'sendVoiceNote',
  'markPlayed',
  'getPreferences',
  'setPreferences',
  'getMedia',
  'messageInfo',
  'editMessage',
  'deleteMessage',
  'reactToMessage',
  'setStarred',
  'deleteForMe',
  'listStarred',
  'pinMessage',
  'listPins',
  'retryMessage',
  'discardMessage',
  'markRead',
  'setTyping',
  'setDraft',
  'watchPresence',
  'startDirectChat',
  'createGroup',
  'updateGroup',
  'leaveGroup',
  'setMuted',
  'setChatPinned',
  'setChatArchived',
  'setChatUnread',
  'setChatMute',
  'searchUsers',
  'listDevices',
  'revokeDevice',
  'signOutOtherDevices',
  'changePassword',
  'deleteAccount',
  'exportData',
  'getAccountInfo',
  'twoStepSetup',
  'twoStepConfirm',
  'twoStepDisable',
  'twoStepRecoveryCodes',
  'adminOverview',
  'adminUpdateUser',
  'adminCreateInvite',
  'adminRevokeInvite',
  'updateProfile',
  ...SEARCH_API_METHODS,
  'acceptRequest',
  'deleteRequest',
  'blockUser',
  'listInvitations',
  'acceptInvitation',
  'declineInvitation',
] as const satisfies readonly (keyof ChatApi)[];

export const CHAT_EVENT_NAMES = [
  'session',
  'connection',
  'conversations',
  'messages',
  'presence',
  'incoming',
  'upload',
  'invitations',
  ...SEARCH_EVENT_NAMES,
] as const satisfies readonly ChatEventName[];

/** An error crossing the contract: a stable code (the server's, or `network` / `signed_out`). */
export interface ChatError {
  code: string;
  message: string;
}
