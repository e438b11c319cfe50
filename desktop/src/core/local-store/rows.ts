import type { MemberRole, Poll, RequestState, VoiceNote } from '@chitchat/shared';
import type { OutboxTarget } from './outbox-targets';

/* The local store's row shapes (as SQLite returns them) and payloads of the outbox. */

export interface ConversationRow {
  id: string;
  kind: 'direct' | 'group';
  title: string | null;
  status: 'active' | 'left';
  role: MemberRole;
  muted: number;
  peer_id: string | null;
  member_count: number;
  members_version: number;
  created_at: number;
  last_activity_at: number;
  last_seq: number;
  oldest_seq: number;
  history_complete: number;
  server_last_seq: number;
  delivered_seq: number;
  read_seq: number;
  unread_count: number;
  counted_seq: number;
  group_delivered_seq: number;
  group_read_seq: number;
  draft: string;
  /** Direct chats: the message-request state (`RequestState`), or null once accepted. */
  request: RequestState | null;
  /** Groups (issue #15): the group photo's media id, description, permissions as JSON. */
  avatar: string | null;
  description: string | null;
  permissions: string | null;
}

export interface EventRow {
  rowid: number;
  conversation_id: string;
  seq: number;
  id: string;
  type: string;
  sender_user_id: string;
  sender_device_id: string | null;
  client_msg_id: string | null;
  created_at: number;
  payload: string;
  text: string | null;
  edited_at: number | null;
  edit_version: number;
  deleted_at: number | null;
}

/** One person's latest vote on a poll (`poll_votes`); `options` is JSON (indexes). */
export interface PollVoteRow {
  user_id: string;
  seq: number;
  options: string;
}

export interface MemberRow {
  conversation_id: string;
  user_id: string;
  role: MemberRole;
  delivered_seq: number;
  receipt_seq: number;
  /** The seq where their current membership period began (0 when the server did not say). */
  joined_seq: number;
}

export type OutboxKind = 'send' | 'edit' | 'delete' | 'react' | 'vote' | 'pin';
export type OutboxState = 'pending' | 'sent' | 'failed';

export interface OutboxRow {
  position: number;
  key: string;
  conversation_id: string;
  kind: OutboxKind;
  payload: string;
  state: OutboxState;
  seq: number | null;
  error: string | null;
  attempts: number;
  created_at: number;
}

export type OutboxPayload =
  SendPayload | EditPayload | DeletePayload | ReactPayload | VotePayload | PinOutboxPayload;

/** Outbox payloads, by kind. `replyToKey` names a reply target still in the outbox. */
export interface SendPayload {
  /** The text, or a caption; may be empty when there are attachments. */
  text: string;
  replyToSeq?: number;
  replyToKey?: string;
  /** Set when the server was restored: `replyToSeq` is stale until resolved from this. */
  replyTarget?: OutboxTarget;
  /**
   * Files kept beside the outbox until sent; `mediaId` once uploaded. A forward's attachments have
   * their `mediaId` from the start (and no file): the media is reused, never uploaded again.
   */
  attachments?: OutboxAttachment[];
  forwarded?: true;
  /** The sender's link preview; its image waits beside the outbox like an attachment. */
  linkPreview?: OutboxLinkPreview;
  /** User ids the text mentions. */
  mentions?: string[];
  /** A poll; `text` then holds its plain rendering for apps without polls. */
  poll?: Poll;
  /** A voice note: its one attachment is the recording, measured here (DESIGN §10). */
  voice?: VoiceNote;
}

export interface OutboxLinkPreview {
  url: string;
  title: string;
  description: string | null;
  image?: OutboxAttachment;
}

export interface OutboxAttachment {
  file: string;
  name: string;
  mime: string;
  size: number;
  mediaId?: string;
  width?: number;
  height?: number;
  thumbnail?: boolean;
}

export interface MediaCacheRow {
  media_id: string;
  variant: 'original' | 'thumbnail';
  sha256: string;
  mime: string;
  size: number;
  last_used: number;
}
export interface EditPayload {
  /** Absent while `targetKey` names a message still in the outbox. */
  seq?: number;
  /** The key (clientMsgId) of the own message being edited, while it has no seq yet. */
  targetKey?: string;
  text: string;
  /** Set when the server was restored: `seq` is stale until resolved from this. */
  target?: OutboxTarget;
}
/**
 * A vote on a poll: the whole choice (option indexes). The poll is `seq`, or while it still waits in
 * the outbox itself, `targetKey` (its clientMsgId), resolved to its seq once it is sent.
 */
export interface VotePayload {
  seq?: number;
  targetKey?: string;
  options: number[];
  /** Set when the server was restored: `seq` is stale until resolved from this. */
  target?: OutboxTarget;
}
/** A pin or unpin of the message at `seq` (`message:pin`, sent with the entry's key as opId). */
export interface PinOutboxPayload {
  seq: number;
  pinned: boolean;
  /** Set when the server was restored: `seq` is stale until resolved from this. */
  target?: OutboxTarget;
}
export interface DeletePayload {
  seq: number;
  /** Set when the server was restored: `seq` is stale until resolved from this. */
  target?: OutboxTarget;
}

/** A reaction (`message:react`) to a sent message (`seq`) or to an own one still in the outbox. */
export interface ReactPayload {
  /** Absent while `targetKey` names a message still in the outbox. */
  seq?: number;
  /** The key (clientMsgId) of the own message reacted to, while it has no seq yet. */
  targetKey?: string;
  /** Null removes this person's reaction. */
  emoji: string | null;
  /** Set when the server was restored: `seq` is stale until resolved from this. */
  target?: OutboxTarget;
}

/** What one page of events changes besides the events themselves, written once per page. */
export interface Batch {
  row: ConversationRow;
  senderMax: Map<string, number>;
  /** Per sender, their highest message that shows their read (not `privateRead`). */
  senderReadMax: Map<string, number>;
  ownMax: number;
  unread: number;
  countedSeq: number;
  activity: number;
  /** Whether the conversation has outbox entries / kept edits at all (skips per-event lookups). */
  outbox: boolean;
  pending: boolean;
}

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  /** Profile photo (media id) as this account may see it; null for none or hidden. */
  photo: string | null;
  /** About line as this account may see it; null when hidden or never told. */
  about: string | null;
}

export interface SearchRow {
  conversation_id: string;
  seq: number;
  sender_user_id: string;
  created_at: number;
  snippet: string;
}

/** Marks around highlighted words in search snippets; never part of message text. */
export const HIGHLIGHT_START = '\u0002';
export const HIGHLIGHT_END = '\u0003';
