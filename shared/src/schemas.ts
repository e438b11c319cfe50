import { z } from 'zod';
import { twoStepCodeSchema } from './two-step';
import { groupPermissionsChangeSchema } from './groups';
import {
  ABOUT_MAX_LENGTH,
  ATTACHMENTS_MAX,
  BLOCK_LIST_CHANGE_MAX,
  DEVICE_NAME_MAX_LENGTH,
  DISPLAY_NAME_MAX_LENGTH,
  GROUP_DESCRIPTION_MAX_LENGTH,
  GROUP_MEMBERS_MAX,
  GROUP_TITLE_MAX_LENGTH,
  ID_MAX_LENGTH,
  INVITE_CODE_MAX_LENGTH,
  LINK_PREVIEW_DESCRIPTION_MAX_LENGTH,
  LINK_PREVIEW_TITLE_MAX_LENGTH,
  LINK_PREVIEW_URL_MAX_LENGTH,
  MEDIA_NAME_HINT_MAX_LENGTH,
  MENTIONS_MAX,
  MESSAGE_TEXT_MAX_LENGTH,
  PAGE_LIMIT_MAX,
  PAGE_LIMIT_MIN,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PLATFORM_MAX_LENGTH,
  POLL_OPTION_MAX_LENGTH,
  POLL_OPTIONS_MAX,
  POLL_OPTIONS_MIN,
  POLL_QUESTION_MAX_LENGTH,
  PRESENCE_WATCH_MAX,
  REACTION_EMOJI_MAX_LENGTH,
  USERNAME_MAX_LENGTH,
  USER_SEARCH_MIN_LENGTH,
  USERNAME_MIN_LENGTH,
  USERNAME_PATTERN,
  PLAYED_LIST_MAX,
  VOICE_DURATION_MAX_MS,
  VOICE_WAVEFORM_MAX,
} from './limits';
import { UNSAFE_NAME_MESSAGE, hasUnsafeNameCharacter } from './names';

/** Matches a UTF-16 surrogate half without its partner: text that cannot be stored faithfully. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A string of well-formed Unicode (no lone surrogates), which every store keeps byte for byte. */
export const textSchema = () =>
  z.string().refine((s) => !LONE_SURROGATE.test(s), 'text must be well-formed Unicode');

/** A server- or client-minted id: opaque, short, printable. */
export const idSchema = z
  .string()
  .min(1)
  .max(ID_MAX_LENGTH)
  .regex(/^[A-Za-z0-9_-]+$/, 'ids are letters, digits, "-" and "_"');

export const seqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** `limit` is clamped to [PAGE_LIMIT_MIN, PAGE_LIMIT_MAX], never refused for being out of range. */
export const pageLimitSchema = z
  .number()
  .transform((n) => Math.min(PAGE_LIMIT_MAX, Math.max(PAGE_LIMIT_MIN, Math.floor(n))));

export const usernameSchema = z
  .string()
  .min(USERNAME_MIN_LENGTH)
  .max(USERNAME_MAX_LENGTH)
  .regex(USERNAME_PATTERN, 'usernames use a-z, 0-9, "_" and "."');

export const passwordSchema = textSchema().pipe(
  z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH),
);

/** Well-formed text that passes the name rule of `names.ts` (checked before any trimming). */
const nameText = () => textSchema().refine((s) => !hasUnsafeNameCharacter(s), UNSAFE_NAME_MESSAGE);

const trimmedName = (max: number) =>
  nameText()
    .pipe(z.string().max(max * 2))
    .transform((s) => s.trim())
    .pipe(z.string().min(1).max(max));

export const displayNameSchema = trimmedName(DISPLAY_NAME_MAX_LENGTH);
/**
 * The about line: one line under the name rule (no controls, so no line breaks; no direction
 * overrides or invisible characters), trimmed, 0..ABOUT_MAX_LENGTH; '' clears it.
 */
export const aboutSchema = nameText()
  .pipe(z.string().max(ABOUT_MAX_LENGTH * 2))
  .transform((s) => s.trim())
  .pipe(z.string().max(ABOUT_MAX_LENGTH));
export const groupTitleSchema = trimmedName(GROUP_TITLE_MAX_LENGTH);

/** Line breaks are the one control character a description may hold (it has paragraphs). */
const LINE_BREAKS = /\r\n|\r|\n/g;

/**
 * A group description (issue #15): the name rule of titles (no control, direction-override or
 * invisible characters) except that line breaks stay (as `\n`); trimmed; empty removes it.
 */
export const groupDescriptionSchema = textSchema()
  .pipe(z.string().max(GROUP_DESCRIPTION_MAX_LENGTH * 2))
  .refine((s) => !hasUnsafeNameCharacter(s.replace(LINE_BREAKS, '')), UNSAFE_NAME_MESSAGE)
  .transform((s) => s.replace(LINE_BREAKS, '\n').trim())
  .pipe(z.string().max(GROUP_DESCRIPTION_MAX_LENGTH));
/**
 * The decoded `X-File-Name` of an upload: the name rule refuses it whole (as for display names);
 * the server then keeps its last path segment, cut to MEDIA_NAME_MAX_LENGTH. The length cap here
 * only bounds work (a header cannot be much longer anyway).
 */
export const mediaFileNameSchema = nameText().pipe(z.string().max(MEDIA_NAME_HINT_MAX_LENGTH));
export const messageTextSchema = textSchema().pipe(z.string().max(MESSAGE_TEXT_MAX_LENGTH));

export const deviceDescriptorSchema = z.object({
  name: textSchema().pipe(z.string().trim().min(1).max(DEVICE_NAME_MAX_LENGTH)),
  platform: textSchema().pipe(z.string().trim().min(1).max(PLATFORM_MAX_LENGTH)),
});

// ---------- REST bodies ----------

export const registerBodySchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  displayName: displayNameSchema.optional(),
  /**
   * Needed where `REGISTRATION` asks for one. Any bounded string: a code that is malformed is as
   * unusable as an unknown one, and both answer 403 `forbidden`. Empty means absent.
   */
  inviteCode: textSchema()
    .pipe(z.string().trim().max(INVITE_CODE_MAX_LENGTH))
    .transform((code) => (code === '' ? undefined : code))
    .optional(),
  device: deviceDescriptorSchema.optional(),
});

export const loginBodySchema = z.object({
  // Any string up to the maximum: a malformed username is just an unknown one (no hints).
  username: z
    .string()
    .min(1)
    .max(USERNAME_MAX_LENGTH * 4),
  password: textSchema().pipe(z.string().min(1).max(PASSWORD_MAX_LENGTH)),
  device: deviceDescriptorSchema.optional(),
  /** The second step (a TOTP or recovery code), sent after a `two_step_required` answer. */
  twoStepCode: twoStepCodeSchema.optional(),
});

/** `POST /api/me/password`: the current password proves it is the person, not a borrowed device. */
export const changePasswordBodySchema = z.object({
  currentPassword: textSchema().pipe(z.string().min(1).max(PASSWORD_MAX_LENGTH)),
  newPassword: passwordSchema,
});

/**
 * `DELETE /api/me` (issue #15): the current password confirms the deletion; an account made by
 * single sign-on has none and sends no password (a recent sign-in through the provider stands in).
 */
export const deleteAccountBodySchema = z.object({
  password: textSchema().pipe(z.string().min(1).max(PASSWORD_MAX_LENGTH)).optional(),
});

export const refreshBodySchema = z.object({
  refreshToken: z.string().min(1).max(512),
});

export const lastSeenVisibilitySchema = z.enum(['everyone', 'contacts', 'nobody']);
export const groupAddsSchema = z.enum(['everyone', 'contacts']);
/** photoVisibility / aboutVisibility: the same three audiences as last seen. */
export const profileAudienceSchema = lastSeenVisibilitySchema;

export const updateMeBodySchema = z.object({
  displayName: displayNameSchema.optional(),
  lastSeenVisibility: lastSeenVisibilitySchema.optional(),
  groupAdds: groupAddsSchema.optional(),
  readReceipts: z.boolean().optional(),
  about: aboutSchema.optional(),
  /** A media id the caller uploaded, an image (the device crops it square first); null removes it. */
  photo: idSchema.nullable().optional(),
  photoVisibility: profileAudienceSchema.optional(),
  aboutVisibility: profileAudienceSchema.optional(),
  /** Web Push notifications show the sender and a line of the message (off: the sender only). */
  notificationPreviews: z.boolean().optional(),
  block: z.array(idSchema).max(BLOCK_LIST_CHANGE_MAX).optional(),
  unblock: z.array(idSchema).max(BLOCK_LIST_CHANGE_MAX).optional(),
});

export const userSearchQuerySchema = z.object({
  // Trimmed first: three spaces are not three characters.
  q: z.string().trim().min(USER_SEARCH_MIN_LENGTH).max(USERNAME_MAX_LENGTH),
});

// ---------- Socket.io client -> server payloads ----------

export const conversationListSchema = z.object({
  since: seqSchema.optional(),
});

export const conversationMembersSchema = z.object({
  conversationId: idSchema,
});

export const conversationDirectSchema = z.object({
  userId: idSchema,
});

/** Per-user settings of one conversation (only `muted` in this version). */
export const conversationSettingsSchema = z.object({
  conversationId: idSchema,
  muted: z.boolean(),
  opId: idSchema.optional(),
});

const memberIdsSchema = z.array(idSchema).max(GROUP_MEMBERS_MAX);

export const groupCreateSchema = z.object({
  title: groupTitleSchema,
  // An empty list makes a group of one (the wire contract keeps it); the apps ask for a member.
  memberIds: memberIdsSchema,
  opId: idSchema.optional(),
});

export const groupUpdateSchema = z.object({
  conversationId: idSchema,
  title: groupTitleSchema.optional(),
  /** Empty removes the description. Who may: `permissions.editInfo`. */
  description: groupDescriptionSchema.optional(),
  /** Owner and admins only; keys left out keep their value. */
  permissions: groupPermissionsChangeSchema.optional(),
  /** The group photo: an image the caller uploaded (POST /api/media); null removes it. */
  avatar: idSchema.nullable().optional(),
  add: memberIdsSchema.optional(),
  remove: memberIdsSchema.optional(),
  roles: z
    .array(z.object({ userId: idSchema, role: z.enum(['admin', 'member']) }))
    .max(GROUP_MEMBERS_MAX)
    .optional(),
  opId: idSchema.optional(),
});

export const groupLeaveSchema = z.object({
  conversationId: idSchema,
  opId: idSchema.optional(),
});

/** An absolute http(s) URL, as a link preview names it. */
export const linkUrlSchema = textSchema().pipe(
  z
    .url({ protocol: /^https?$/, error: 'a link preview needs an http(s) URL' })
    .max(LINK_PREVIEW_URL_MAX_LENGTH),
);

/**
 * The link preview a sender's device made (DESIGN §10): what it read from the page, and the id of
 * the preview image it uploaded (media the sender can read, like an attachment).
 */
export const linkPreviewInputSchema = z.object({
  url: linkUrlSchema,
  title: textSchema().pipe(
    z
      .string()
      .max(LINK_PREVIEW_TITLE_MAX_LENGTH)
      .refine((t) => t.trim() !== '', 'a link preview needs a title'),
  ),
  description: textSchema().pipe(z.string().max(LINK_PREVIEW_DESCRIPTION_MAX_LENGTH)).optional(),
  imageId: idSchema.optional(),
});

/** Mentioned user ids, at most MENTIONS_MAX, deduplicated in their first order. */
export const mentionsSchema = z
  .array(idSchema)
  .max(MENTIONS_MAX)
  .transform((ids) => [...new Set(ids)]);
/** A poll's question or one of its options: well-formed text, not blank, at most `max` long. */
const pollTextSchema = (max: number, what: string) =>
  textSchema().pipe(
    z
      .string()
      .max(max)
      .refine((t) => t.trim() !== '', `a poll ${what} cannot be blank`),
  );

/**
 * A poll a message carries: POLL_OPTIONS_MIN..POLL_OPTIONS_MAX options, distinct once trimmed (two
 * options a voter cannot tell apart would split the votes). Taken as the sender's app wrote it.
 */
export const pollSchema = z.object({
  question: pollTextSchema(POLL_QUESTION_MAX_LENGTH, 'question'),
  options: z
    .array(pollTextSchema(POLL_OPTION_MAX_LENGTH, 'option'))
    .min(POLL_OPTIONS_MIN)
    .max(POLL_OPTIONS_MAX)
    .refine(
      (options) => new Set(options.map((o) => o.trim())).size === options.length,
      'poll options must be distinct',
    ),
  multiple: z.boolean(),
});

/** A voice note's description as the sender's device measured it (DESIGN §10). */
export const voiceNoteSchema = z.object({
  durationMs: z.number().int().min(1).max(VOICE_DURATION_MAX_MS),
  waveform: z.array(z.number().int().min(0).max(255)).min(1).max(VOICE_WAVEFORM_MAX),
});

export const messageSendSchema = z
  .object({
    conversationId: idSchema,
    clientMsgId: idSchema,
    text: messageTextSchema.optional(),
    replyToSeq: seqSchema.min(1).optional(),
    attachments: z.array(idSchema).max(ATTACHMENTS_MAX).optional(),
    /** Shown as "Forwarded"; attachments may then be media the sender can read (DESIGN §6.5). */
    forwarded: z.boolean().optional(),
    linkPreview: linkPreviewInputSchema.optional(),
    /**
     * User ids the text mentions (the sender's device resolves its "@Name" tokens; the server
     * never reads the text). Repeats are dropped; each must be a current member.
     */
    mentions: mentionsSchema.optional(),
    /** Makes the message a voice note: exactly one attachment (the recording), no text. */
    voice: voiceNoteSchema.optional(),
    /** A poll; `text` should hold a plain rendering of it for apps without polls (protocol 1). */
    poll: pollSchema.optional(),
  })
  .refine(
    (m) =>
      (m.text !== undefined && m.text.trim() !== '') ||
      (m.attachments?.length ?? 0) > 0 ||
      m.poll !== undefined,
    {
      message: 'a message needs text, at least one attachment, or a poll',
    },
  )
  .refine(
    (m) =>
      m.voice === undefined ||
      (m.attachments?.length === 1 &&
        (m.text === undefined || m.text.trim() === '') &&
        m.linkPreview === undefined),
    { message: 'a voice note is exactly one attachment (the recording), without text' },
  )
  .refine(
    (m) =>
      m.poll === undefined || ((m.attachments?.length ?? 0) === 0 && m.linkPreview === undefined),
    { message: 'a poll carries no attachments or link preview' },
  );

export const messageEditSchema = z.object({
  conversationId: idSchema,
  seq: seqSchema.min(1),
  text: messageTextSchema.refine((t) => t.trim() !== '', 'an edit needs text'),
  opId: idSchema.optional(),
});

export const messageDeleteSchema = z.object({
  conversationId: idSchema,
  seq: seqSchema.min(1),
  opId: idSchema.optional(),
});

/** One whole emoji as Unicode recommends it (RGI: flags, keycaps, skin tones, ZWJ sequences). */
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const EMOJI_PRESENTATION = '\uFE0F';

/**
 * A reaction: exactly one emoji. A text-style emoji without its presentation selector (`❤`, as
 * some keyboards type it) is taken as its emoji form (`❤️`), so one reaction never counts twice.
 */
export const reactionEmojiSchema = textSchema()
  .pipe(z.string().min(1).max(REACTION_EMOJI_MAX_LENGTH))
  .transform((s) =>
    !RGI_EMOJI.test(s) && RGI_EMOJI.test(s + EMOJI_PRESENTATION) ? s + EMOJI_PRESENTATION : s,
  )
  .refine((s) => RGI_EMOJI.test(s), 'a reaction is a single emoji');

/** `message:react`: one reaction per person per message; `emoji: null` removes it. */
export const messageReactSchema = z.object({
  conversationId: idSchema,
  opId: idSchema,
  targetSeq: seqSchema.min(1),
  emoji: reactionEmojiSchema.nullable(),
});

/**
 * `poll:vote`: the voter's whole choice on the poll at `targetSeq` (option indexes, distinct); []
 * retracts their vote. The server checks the indexes against the poll and `multiple`.
 */
export const pollVoteSchema = z.object({
  conversationId: idSchema,
  targetSeq: seqSchema.min(1),
  options: z
    .array(
      z
        .number()
        .int()
        .min(0)
        .max(POLL_OPTIONS_MAX - 1),
    )
    .max(POLL_OPTIONS_MAX)
    .refine((options) => new Set(options).size === options.length, 'options must be distinct'),
  opId: idSchema,
});

export const eventsAfterSchema = z.object({
  conversationId: idSchema,
  afterSeq: seqSchema,
  limit: pageLimitSchema,
});

export const eventsBeforeSchema = z.object({
  conversationId: idSchema,
  beforeSeq: seqSchema,
  limit: pageLimitSchema,
});

export const receiptSchema = z.object({
  conversationId: idSchema,
  seq: seqSchema,
});

/** `receipt:played`: the caller played someone else's voice note at `seq`. */
export const playedReceiptSchema = z.object({
  conversationId: idSchema,
  seq: seqSchema.min(1),
});

/** `played:list`: the played marks of voice notes at `seqs` that the caller may know of. */
export const playedListSchema = z.object({
  conversationId: idSchema,
  seqs: z.array(seqSchema.min(1)).min(1).max(PLAYED_LIST_MAX),
});

export const typingSchema = z.object({
  conversationId: idSchema,
  typing: z.boolean(),
});

export const presenceWatchSchema = z.object({
  userIds: z.array(idSchema).max(PRESENCE_WATCH_MAX),
});

/** `request:accept` / `request:delete`: the recipient's answer to a message request. */
export const requestActionSchema = z.object({
  conversationId: idSchema,
  opId: idSchema.optional(),
});

export const invitationListSchema = z.object({});

/** `invitation:accept` / `invitation:decline`. */
export const invitationActionSchema = z.object({
  conversationId: idSchema,
  opId: idSchema.optional(),
});

export const handshakeAuthSchema = z.object({
  token: z.string().min(1).max(4096),
  protocol: z.number().int(),
});

export type RegisterBody = z.infer<typeof registerBodySchema>;
export type LoginBody = z.infer<typeof loginBodySchema>;
export type RefreshBody = z.infer<typeof refreshBodySchema>;
export type ChangePasswordBody = z.infer<typeof changePasswordBodySchema>;
export type DeleteAccountBody = z.infer<typeof deleteAccountBodySchema>;
export type UpdateMeBody = z.infer<typeof updateMeBodySchema>;
export type DeviceDescriptor = z.infer<typeof deviceDescriptorSchema>;
export type ConversationListPayload = z.infer<typeof conversationListSchema>;
export type ConversationMembersPayload = z.infer<typeof conversationMembersSchema>;
export type ConversationDirectPayload = z.infer<typeof conversationDirectSchema>;
export type ConversationSettingsPayload = z.infer<typeof conversationSettingsSchema>;
export type GroupCreatePayload = z.infer<typeof groupCreateSchema>;
export type GroupUpdatePayload = z.infer<typeof groupUpdateSchema>;
export type GroupLeavePayload = z.infer<typeof groupLeaveSchema>;
export type MessageSendPayload = z.infer<typeof messageSendSchema>;
export type LinkPreviewInput = z.infer<typeof linkPreviewInputSchema>;
export type MessageEditPayload = z.infer<typeof messageEditSchema>;
export type PollInput = z.infer<typeof pollSchema>;
export type PollVoteRequest = z.infer<typeof pollVoteSchema>;
export type MessageDeletePayload = z.infer<typeof messageDeleteSchema>;
export type MessageReactPayload = z.infer<typeof messageReactSchema>;

/**
 * `message:pin`: pins (`pinned: true`) or unpins a message in a chat; in groups any member may
 * (group permissions come later). Which pins are current is folded by clients (see PinPayload).
 */
export const messagePinSchema = z.object({
  conversationId: idSchema,
  opId: idSchema,
  targetSeq: seqSchema.min(1),
  pinned: z.boolean(),
});

export type MessagePinPayload = z.infer<typeof messagePinSchema>;
export type EventsAfterPayload = z.infer<typeof eventsAfterSchema>;
export type EventsBeforePayload = z.infer<typeof eventsBeforeSchema>;
export type ReceiptPayload = z.infer<typeof receiptSchema>;
export type VoiceNoteInput = z.infer<typeof voiceNoteSchema>;
export type PlayedReceiptPayload = z.infer<typeof playedReceiptSchema>;
export type PlayedListPayload = z.infer<typeof playedListSchema>;
export type TypingPayload = z.infer<typeof typingSchema>;
export type PresenceWatchPayload = z.infer<typeof presenceWatchSchema>;
export type RequestActionPayload = z.infer<typeof requestActionSchema>;
export type InvitationActionPayload = z.infer<typeof invitationActionSchema>;
export type HandshakeAuth = z.infer<typeof handshakeAuthSchema>;
