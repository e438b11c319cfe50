/**
 * The contract between the screen and the engine: every method the renderer may call and every
 * event it may receive. It is transport-agnostic: in Electron it runs over IPC/MessagePort, in tests
 * and development the same engine runs in Node and the same renderer in Chromium against it.
 * Only plain data crosses it (structured-clone safe).
 */
import type {
  ConversationKind,
  ConversationStatus,
  GroupAdds,
  GroupInvitation,
  GroupPermissionsChange,
  LastSeenVisibility,
  MemberRole,
  MuteChoice,
  ProfileAudience,
  PresenceInfo,
  PublicUser,
  RequestState,
} from '@chitchat/shared';
import {
  SEARCH_API_METHODS,
  SEARCH_EVENT_NAMES,
  type SearchApi,
  type SearchEvents,
} from './search-contract';
import { SSO_API_METHODS, type SsoApi } from './sso';
import { PROFILE_API_METHODS, type ProfileApi } from './profile-contract';
import { GROUP_API_METHODS, type GroupApi, type GroupInfoView } from './group-contract';
import { ACCOUNT_API_METHODS, type AccountApi } from './account-contract';
import {
  INVITE_API_METHODS,
  INVITE_EVENT_NAMES,
  type InviteApi,
  type InviteEvents,
} from './invite-contract';
import type {
  AttachmentKind,
  LinkPreviewDraft,
  MediaBytes,
  MessageInfo,
  MessagePage,
  MessageStatus,
  MessageView,
  OutgoingFile,
  PinnedMessage,
  PollDraft,
  StarredMessage,
  VoiceNoteDraft,
} from './message-contract';

export * from './search-contract';
export * from './profile-contract';
export * from './account-contract';
export * from './message-contract';
export * from './invite-contract';

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
  /**
   * "Show previews" (Settings → Notifications), for every device of the account: off, a
   * notification of a new message says "New message" without its line. Absent means on.
   */
  notificationPreviews?: boolean;
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
  /** Groups (issue #15): description and permissions; absent for direct chats. */
  group?: GroupInfoView;
}

/** Device settings of this app (kept in the local cache of the signed-in account). */
export interface Preferences {
  /** Make link previews for links typed in the composer (default on). */
  linkPreviews: boolean;
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

export interface GroupChangeInput {
  conversationId: string;
  title?: string;
  /** '' removes it (issue #15). */
  description?: string;
  add?: string[];
  remove?: string[];
  roles?: { userId: string; role: 'admin' | 'member' }[];
  /** Owner/admins: who may send and pin, and whether joins through a link wait for approval. */
  permissions?: GroupPermissionsChange;
}

/** Methods the screen calls; every one returns a promise. */
export interface ChatApi extends SearchApi, SsoApi, ProfileApi, AccountApi, InviteApi, GroupApi {
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
    /**
     * The message's key (outbox key and clientMsgId), chosen by the caller so a repeated call is
     * one message: a second call with a key already written answers that message and writes
     * nothing (the web app's tab relay, when a new owner runs a call again). Letters, digits,
     * `-` and `_`; absent, the engine makes one.
     */
    key?: string;
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
  /**
   * A media file or its thumbnail: from the local cache, else downloaded (and cached). `invite`:
   * the code of the invite link whose group photo this is (readable before joining through it).
   */
  getMedia(input: {
    mediaId: string;
    variant: 'original' | 'thumbnail';
    invite?: string;
  }): Promise<MediaBytes>;
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
  updateProfile(input: {
    displayName?: string;
    lastSeenVisibility?: LastSeenVisibility;
    groupAdds?: GroupAdds;
    readReceipts?: boolean;
    notificationPreviews?: boolean;
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
export interface ChatEvents extends SearchEvents, InviteEvents {
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
    /** The account's "Show previews": false, a notification says "New message" without the line. */
    previews: boolean;
    /** The chat's photo (group or person) as a cached JPEG/PNG file, for the notification icon. */
    iconFile?: string;
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
  ...GROUP_API_METHODS,
  ...ACCOUNT_API_METHODS,
  ...INVITE_API_METHODS,
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
  ...INVITE_EVENT_NAMES,
] as const satisfies readonly ChatEventName[];

/** An error crossing the contract: a stable code (the server's, or `network` / `signed_out`). */
export interface ChatError {
  code: string;
  message: string;
}
