import { z } from 'zod';
import { MESSAGE_TEXT_MAX_LENGTH, PAGE_LIMIT_MAX } from './limits';
import { idSchema, pageLimitSchema, seqSchema } from './schemas';

/*
 * The account state (DESIGN §3): private, per user, synced across that user's devices and never
 * shown to anyone else. It is one versioned map of entries `key -> value`; the key starts with the
 * entry's kind (`star:<conversationId>:<seq>`), the value is JSON, and `null` removes an entry (the
 * removal is kept as a tombstone, so other devices learn of it). Each change bumps the user's
 * version; devices fetch changes since their version (`account:state`) and get the rest live
 * (`account:changed`). A new kind adds a line to ACCOUNT_KINDS or ACCOUNT_CHAT_KINDS, nothing else
 * on the wire.
 */

/** The first protocol whose sockets receive `account:changed` (older apps know nothing of it). */
export const ACCOUNT_STATE_PROTOCOL = 2;

/** Longest key of an entry (kind, ids and seq fit well within it). */
export const ACCOUNT_KEY_MAX_LENGTH = 160;
/** Largest value of one entry, as JSON text (a draft of the longest message fits). */
export const ACCOUNT_VALUE_MAX_BYTES = 16 * 1024;
/** Entries with a value one account may hold (removals do not count). */
export const ACCOUNT_ENTRIES_MAX = 20_000;
/** Changes in one `account:set` (deleting a selection of messages for me is one call). */
export const ACCOUNT_SET_CHANGES_MAX = 100;
/** Entries in one page of `account:state`. */
export const ACCOUNT_PAGE_MAX = PAGE_LIMIT_MAX;

/**
 * The kinds of entry and what their key names. `message` kinds name one message:
 * `<kind>:<conversationId>:<seq>`; the server checks that the user may see that message.
 */
export const ACCOUNT_KINDS = {
  /** A starred message; the value is `true`. */
  star: { target: 'message', value: z.literal(true) },
  /** A message deleted for me (hidden on all my devices, nobody else's); the value is `true`. */
  deleted: { target: 'message', value: z.literal(true) },
} as const;
export type AccountKind = keyof typeof ACCOUNT_KINDS;
const KIND_NAMES = Object.keys(ACCOUNT_KINDS) as AccountKind[];
const isKind = (kind: string): kind is AccountKind => (KIND_NAMES as string[]).includes(kind);

/** The value of `mute:<conversationId>` that never expires. */
export const MUTE_ALWAYS = 'always';
/** A mute-until time: ISO 8601 in UTC with milliseconds, as `Date.prototype.toISOString` writes it. */
const muteUntilSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  .refine((text) => Number.isFinite(Date.parse(text)), { message: 'not a time' });
/** What the apps offer: mute for 8 hours, for a week, or always (as WhatsApp). */
export const MUTE_DURATIONS_MS = { '8h': 8 * 3600_000, '1w': 7 * 24 * 3600_000 } as const;
export type MuteChoice = keyof typeof MUTE_DURATIONS_MS | typeof MUTE_ALWAYS;

/** The value of `mute:<conversationId>` for a choice made at `now`. */
export const muteValue = (choice: MuteChoice, now: number): string =>
  choice === MUTE_ALWAYS ? MUTE_ALWAYS : new Date(now + MUTE_DURATIONS_MS[choice]).toISOString();

/**
 * Whether a `mute:` value (parsed JSON, or undefined/null when there is no entry) mutes the chat
 * at `now`. The server derives the summary's `muted` from it; the apps do the same.
 */
export function isMutedAt(value: unknown, now: number): boolean {
  if (value === MUTE_ALWAYS) return true;
  if (typeof value !== 'string') return false;
  const until = Date.parse(value);
  return Number.isFinite(until) && until > now;
}

/** Longest draft kept in the account state: a message's longest text. */
export const DRAFT_MAX_LENGTH = MESSAGE_TEXT_MAX_LENGTH;

/** Chats pinned on top of the list at once (as WhatsApp); the engine refuses a fourth. */
export const PINNED_CHATS_MAX = 3;

/**
 * The kinds of entry that name a chat: `<kind>:<conversationId>`; the server checks that the user
 * is or was a member of it. A new message keeps an archived chat archived (as WhatsApp does).
 */
export const ACCOUNT_CHAT_KINDS = {
  /** A chat pinned on top of the list; the value is when it was pinned (ms), newest first. */
  pin: { target: 'conversation', value: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) },
  /** An archived chat (under "Archived"); the value is `true`. */
  archive: { target: 'conversation', value: z.literal(true) },
  /** A chat marked as unread by its reader (cleared when they read it); the value is `true`. */
  unread: { target: 'conversation', value: z.literal(true) },
  /**
   * A muted chat: until when, as an ISO 8601 UTC time (`2026-12-05T23:00:00.000Z`), or `"always"`.
   * A time in the past is no longer muted (an expired mute needs no removal to end).
   */
  mute: { target: 'conversation', value: z.union([z.literal(MUTE_ALWAYS), muteUntilSchema]) },
  /** The composer's unsent text of a chat, on every device; the last writer wins. */
  draft: { target: 'conversation', value: z.string().min(1).max(DRAFT_MAX_LENGTH) },
  /**
   * A group deleted for me after I left it ("Delete group", issue #15): the value is the last seq
   * I could see when I deleted it. The apps leave the chat out of the list while its `lastSeq` is
   * at or below it, and never show events at or below it, so a later re-add brings the chat back
   * with the history of the new membership period only. Only a former member may set it, and only
   * up to the last seq they see.
   */
  deletedchat: {
    target: 'conversation',
    value: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  },
} as const;
export type AccountChatKind = keyof typeof ACCOUNT_CHAT_KINDS;
const CHAT_KIND_NAMES = Object.keys(ACCOUNT_CHAT_KINDS) as AccountChatKind[];
const isChatKind = (kind: string): kind is AccountChatKind =>
  (CHAT_KIND_NAMES as string[]).includes(kind);

const CHAT_KEY = /^([a-z]+):([A-Za-z0-9_-]{1,64})$/;

/** The chat a well-formed chat-kind key names, or null. */
export function parseChatKey(
  key: string,
): { kind: AccountChatKind; conversationId: string } | null {
  const match = CHAT_KEY.exec(key);
  if (match === null) return null;
  const [, kind = '', conversationId = ''] = match;
  return isChatKind(kind) ? { kind, conversationId } : null;
}

/** The key of a chat-kind entry. */
export const chatKey = (kind: AccountChatKind, conversationId: string): string =>
  `${kind}:${conversationId}`;

/** The conversation any well-formed key names (a message's or a chat's), or null. */
export const conversationOfKey = (key: string): string | null =>
  parseAccountKey(key)?.conversationId ?? parseChatKey(key)?.conversationId ?? null;

/** The value schema of a well-formed key's kind, or null. */
function valueSchemaOf(key: string): z.ZodType | null {
  const message = parseAccountKey(key);
  if (message !== null) return ACCOUNT_KINDS[message.kind].value;
  const chat = parseChatKey(key);
  return chat === null ? null : ACCOUNT_CHAT_KINDS[chat.kind].value;
}

/** What a key names, once parsed. */
export interface AccountKeyTarget {
  kind: AccountKind;
  conversationId: string;
  seq: number;
}

const MESSAGE_KEY = /^([a-z]+):([A-Za-z0-9_-]{1,64}):([1-9][0-9]{0,15})$/;

/** The target of a well-formed key, or null. */
export function parseAccountKey(key: string): AccountKeyTarget | null {
  const match = MESSAGE_KEY.exec(key);
  if (match === null) return null;
  const [, kind = '', conversationId = '', seqText = ''] = match;
  const seq = Number(seqText);
  if (!isKind(kind) || !Number.isSafeInteger(seq)) return null;
  return { kind, conversationId, seq };
}

/** The key of a message-kind entry. */
export const accountKey = (kind: AccountKind, conversationId: string, seq: number): string =>
  `${kind}:${conversationId}:${seq}`;

export const accountKeySchema = z
  .string()
  .max(ACCOUNT_KEY_MAX_LENGTH)
  .refine((key) => parseAccountKey(key) !== null || parseChatKey(key) !== null, {
    message: `keys are <kind>:<conversationId>:<seq> with kind one of ${KIND_NAMES.join(', ')}, or <kind>:<conversationId> with kind one of ${CHAT_KIND_NAMES.join(', ')}`,
  });

/** Any JSON value (the shape of each kind's value is checked by its own schema). */
export type AccountValue =
  string | number | boolean | null | AccountValue[] | { [key: string]: AccountValue };

/** One change of `account:set`: a value for the key, or null to remove the entry. */
export const accountChangeSchema = z
  .object({ key: accountKeySchema, value: z.unknown() })
  .superRefine((change, ctx) => {
    if (change.value === null) return;
    const schema = valueSchemaOf(change.key);
    if (schema === null) return;
    if (!schema.safeParse(change.value).success) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'not a value of this kind' });
      return;
    }
    if (JSON.stringify(change.value).length > ACCOUNT_VALUE_MAX_BYTES)
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'the value is too large' });
  })
  .transform((change) => ({ key: change.key, value: change.value as AccountValue }));

export const accountSetSchema = z
  .object({
    changes: z.array(accountChangeSchema).min(1).max(ACCOUNT_SET_CHANGES_MAX),
    opId: idSchema.optional(),
  })
  .refine((p) => new Set(p.changes.map((c) => c.key)).size === p.changes.length, {
    message: 'each key at most once per call',
    path: ['changes'],
  });

export const accountStateSchema = z.object({
  /** The version the device holds; absent or 0 for everything (without removals). */
  since: seqSchema.optional(),
  /** Clamped to 1..ACCOUNT_PAGE_MAX, never refused; default ACCOUNT_PAGE_MAX. */
  limit: pageLimitSchema.optional(),
});

/** One entry as the wire carries it; `value: null` is a removal. */
export interface AccountEntry {
  key: string;
  value: AccountValue;
  /** The user's version this change got. */
  version: number;
  updatedAt: number;
}

/** `account:state` answer: changes after `since`, ascending by version. */
export interface AccountStateAnswer {
  entries: AccountEntry[];
  /** With `more: false`, the version the device holds after applying `entries`. */
  version: number;
  /** True when entries after these remain: ask again with `since` = the last entry's version. */
  more: boolean;
}

/** `account:set` answer. */
export interface AccountSetAnswer {
  /** The user's version after the change (unchanged when nothing changed). */
  version: number;
}

/** `account:changed` push: entries changed by one `account:set`, on any of the user's devices. */
export interface AccountChanged {
  entries: AccountEntry[];
  /** The user's version after them; a device holding less than `entries[0].version - 1` fetches first. */
  version: number;
}

export type AccountSetPayload = z.infer<typeof accountSetSchema>;
export type AccountStatePayload = z.infer<typeof accountStateSchema>;
