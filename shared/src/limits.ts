/**
 * Named limits shared by the server (validation, enforcement) and the desktop UI (counters,
 * disabled buttons). Change a limit here and both sides follow.
 */
export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 32;
/** Letters a-z, digits, underscore and dot; stored as typed, unique regardless of case. */
export const USERNAME_PATTERN = /^[a-z0-9_.]+$/i;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
export const DISPLAY_NAME_MAX_LENGTH = 64;
/** The profile's "about" line (issue #15), as WhatsApp's. */
export const ABOUT_MAX_LENGTH = 140;
export const DEVICE_NAME_MAX_LENGTH = 64;
export const PLATFORM_MAX_LENGTH = 32;
export const USER_SEARCH_MAX_RESULTS = 20;
/** `GET /api/users?q=` needs this many characters (after trimming): no listing by one letter. */
export const USER_SEARCH_MIN_LENGTH = 3;
export const BLOCK_LIST_CHANGE_MAX = 100;

/** Ids minted by the server (uuid) and by clients (clientMsgId, opId). */
export const ID_MAX_LENGTH = 64;

export const MESSAGE_TEXT_MAX_LENGTH = 8_000;
export const GROUP_TITLE_MAX_LENGTH = 100;
/** A group's description (issue #15), after trimming; line breaks count. */
export const GROUP_DESCRIPTION_MAX_LENGTH = 2_048;
/** Members of one group, the creator included. */
export const GROUP_MEMBERS_MAX = 1_024;
/** Groups up to this size carry their member list in summaries and get per-member receipts. */
export const SMALL_GROUP_MAX = 32;
export const ATTACHMENTS_MAX = 10;
export const MEDIA_MAX_BYTES = 100 * 1024 * 1024;
/** Longest file name kept for an upload (longer ones are cut). */
export const MEDIA_NAME_MAX_LENGTH = 255;
/** Longest decoded `X-File-Name` accepted at all (longer is `invalid_payload`); kept names are cut. */
export const MEDIA_NAME_HINT_MAX_LENGTH = 4 * 1024;
/** An upload no message references is removed this long after it was (last) uploaded. */
export const MEDIA_UNREFERENCED_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * Images with more pixels (width × height × frames) are refused before they are decoded: a small
 * file can declare a huge image (a decompression bomb). 100 MP is above any camera's photo.
 */
export const IMAGE_MAX_PIXELS = 100_000_000;
/** Thumbnails fit inside a square of this many pixels (never enlarged). */
export const THUMBNAIL_MAX_DIMENSION = 320;

/** `limit` of `events:after` / `events:before` is clamped into this range, never refused. */
export const PAGE_LIMIT_MIN = 1;
export const PAGE_LIMIT_MAX = 500;
export const PRESENCE_WATCH_MAX = 256;

/** A sender may edit a message for this long after sending it. */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;
export const UNREAD_COUNT_CAP = 999;
/** Length of the text preview in a conversation summary. */
export const PREVIEW_TEXT_MAX_LENGTH = 120;

/** Largest Socket.io packet the server accepts (`maxHttpBufferSize`). */
export const SOCKET_MAX_PAYLOAD_BYTES = 256 * 1024;
/** Typing signals per second per device; extra ones are dropped (the optional ack says rate_limited). */
export const TYPING_RATE_PER_SECOND = 2;
/** A client re-sends `typing: true` this often while the user keeps typing. */
export const TYPING_REFRESH_MS = 3_000;
/** A typing indicator with no refresh is hidden after this long. */
export const TYPING_TIMEOUT_MS = 6_000;

/**
 * Link previews (DESIGN §10): made by the sender's device, carried by the message. The text
 * fields are cut to these lengths by the sender; longer ones are `invalid_payload`.
 */
export const LINK_PREVIEW_URL_MAX_LENGTH = 2_048;
export const LINK_PREVIEW_TITLE_MAX_LENGTH = 300;
export const LINK_PREVIEW_DESCRIPTION_MAX_LENGTH = 1_000;
/** The sender's fetch of a page for its preview gives up after this long (the whole fetch). */
export const LINK_PREVIEW_TIMEOUT_MS = 5_000;
/** At most this much of a page is read for its preview (the head is enough). */
export const LINK_PREVIEW_PAGE_MAX_BYTES = 512 * 1024;
/** A preview image larger than this is left out. */
export const LINK_PREVIEW_IMAGE_MAX_BYTES = 2 * 1024 * 1024;
/** Redirects the preview fetch follows (each one checked like the first address). */
export const LINK_PREVIEW_MAX_REDIRECTS = 3;
/** Messages one forward may carry, and chats it may go to. */
export const FORWARD_MESSAGES_MAX = 20;
export const FORWARD_CHATS_MAX = 10;
/**
 * Users one message may mention (`message:send` `mentions`): enough to name everyone a person
 * would, small enough that a message cannot carry a group's whole member list.
 */
export const MENTIONS_MAX = 50;
/**
 * Longest reaction emoji in UTF-16 code units: one emoji, however composed (the longest RGI
 * sequences, such as subdivision flags and ZWJ families with skin tones, stay under 32).
 */
export const REACTION_EMOJI_MAX_LENGTH = 32;

/** Invites (`/api/invites`): uses one invite may allow, and how long it may stay valid. */
export const INVITE_MAX_USES = 1_000;
export const INVITE_DEFAULT_USES = 1;
export const INVITE_MAX_TTL_HOURS = 24 * 365;
export const INVITE_DEFAULT_TTL_HOURS = 24 * 7;
/**
 * Longer than any code the server mints (24 characters of base64url, 144 random bits); a longer
 * string is refused as malformed before any lookup.
 */
export const INVITE_CODE_MAX_LENGTH = 128;

/**
 * Voice notes (DESIGN §10: the waveform is computed on the sender's device). The app sends
 * VOICE_WAVEFORM_BARS peaks (0..255); the server accepts up to VOICE_WAVEFORM_MAX of them.
 */
export const VOICE_WAVEFORM_BARS = 64;
export const VOICE_WAVEFORM_MAX = 256;
/** The longest voice note a message may describe (the recorder stops there). */
export const VOICE_DURATION_MAX_MS = 60 * 60 * 1000;
/** Seqs one `played:list` may ask about. */
export const PLAYED_LIST_MAX = 200;
/** Pinned messages a chat shows at most; pinning one more unpins the oldest (as WhatsApp). */
export const PINNED_MESSAGES_MAX = 3;
/**
 * Polls: a question with POLL_OPTIONS_MIN..POLL_OPTIONS_MAX distinct options. The texts are cut to
 * these lengths by the sender's app; longer ones are `invalid_payload`.
 */
export const POLL_OPTIONS_MIN = 2;
export const POLL_OPTIONS_MAX = 12;
export const POLL_QUESTION_MAX_LENGTH = 300;
export const POLL_OPTION_MAX_LENGTH = 100;
