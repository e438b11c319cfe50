/** What the screen shows of messages: bubbles, attachments, previews, polls, pins (the contract's message views). */
import type { VoiceNote } from '@chitchat/shared';
import type { MessagePreview } from './contract';

/** Ticks of an own message: pending (in the outbox) -> sent -> delivered -> read; or failed. */
export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

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
