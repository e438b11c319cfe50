/** Formatting for people: times, days, last seen, avatars, error texts. Pure functions, no React. */
import { inviteCodeFromInput } from '@chitchat/shared';

const sameDay = (a: Date, b: Date) =>
  a.getFullYear() === b.getFullYear() &&
  a.getMonth() === b.getMonth() &&
  a.getDate() === b.getDate();

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * One `Intl.DateTimeFormat` per locale and option set, made once: building a formatter costs far
 * more than using one, and the list and the message history format a date per row.
 * `locale` undefined means the person's own locale.
 */
export function dateFormatter(
  options: Intl.DateTimeFormatOptions,
  locale?: string,
): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let formatter = dateFormatters.get(key);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat(locale, options);
    dateFormatters.set(key, formatter);
  }
  return formatter;
}

/** A time of day as the locale writes it ("5:17 AM" in the US, "05:17" in Germany). */
export function timeOfDay(at: number, locale?: string): string {
  return dateFormatter({ timeStyle: 'short' }, locale).format(at);
}

/** The list's time column: time today, weekday this week, date before. */
export function listTime(at: number, now = Date.now(), locale?: string): string {
  if (sameDay(new Date(at), new Date(now))) return timeOfDay(at, locale);
  const days = Math.floor((startOfDay(now) - startOfDay(at)) / 86_400_000);
  if (days === 1) return 'Yesterday';
  if (days < 7) return dateFormatter({ weekday: 'long' }, locale).format(at);
  return dateFormatter({ dateStyle: 'short' }, locale).format(at);
}

// The last day asked for: a chat's messages come in order, so most calls fall in the same day and
// need no Date at all (day headers are built per message on every page).
let dayStart = 0;
let dayEnd = 0;

export function startOfDay(at: number): number {
  if (at >= dayStart && at < dayEnd) return dayStart;
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  const start = d.getTime();
  d.setDate(d.getDate() + 1);
  dayStart = start;
  dayEnd = d.getTime();
  return start;
}

/** Day separators in a chat: "Today", "Yesterday", or a date. */
export function dayLabel(at: number, now = Date.now(), locale?: string): string {
  const days = Math.round((startOfDay(now) - startOfDay(at)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return dateFormatter({ dateStyle: 'full' }, locale).format(at);
}

/** Date and time together (the photo viewer, message info): the locale's medium date. */
export function dateTime(at: number, locale?: string): string {
  return dateFormatter({ dateStyle: 'medium', timeStyle: 'short' }, locale).format(at);
}

export function lastSeen(at: number | null, now = Date.now(), locale?: string): string {
  if (at === null) return '';
  const time = timeOfDay(at, locale);
  if (sameDay(new Date(at), new Date(now))) return `last seen today at ${time}`;
  const days = Math.round((startOfDay(now) - startOfDay(at)) / 86_400_000);
  if (days === 1) return `last seen yesterday at ${time}`;
  return `last seen ${dateFormatter({ day: 'numeric', month: 'short' }, locale).format(at)} at ${time}`;
}

/**
 * How long a chat stays muted, as the row's muted icon and the info panel say it: "Muted always",
 * "Muted until 1:17 PM" today, "Muted until tomorrow, 1:17 PM", else the date and time.
 */
export function mutedUntilText(
  mutedUntil: string | null,
  now = Date.now(),
  locale?: string,
): string {
  if (mutedUntil === null || mutedUntil === 'always') return 'Muted always';
  const at = Date.parse(mutedUntil);
  if (Number.isNaN(at)) return 'Muted';
  const days = Math.round((startOfDay(at) - startOfDay(now)) / 86_400_000);
  if (days === 0) return `Muted until ${timeOfDay(at, locale)}`;
  if (days === 1) return `Muted until tomorrow, ${timeOfDay(at, locale)}`;
  return `Muted until ${dateTime(at, locale)}`;
}

const LETTER = /\p{L}/u;

/**
 * Up to two initials for an avatar, taken from letters: the first letter of the first and of the
 * last word that has one ("2024 Trip Planning" is "TP", not "2P"). Empty when the name has no
 * letter at all (the avatar then shows a neutral mark).
 */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/\s+/)
    .filter((w) => LETTER.test(w));
  const picked = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return picked
    .map((w) => Array.from(w ?? '').find((c) => LETTER.test(c)) ?? '')
    .join('')
    .toLocaleUpperCase();
}

const collators = new Map<string, Intl.Collator>();

/** A cached locale-aware comparison of names (accents and case as the language sorts them). */
export function nameCollator(locale?: string): Intl.Collator {
  const key = locale ?? '';
  let collator = collators.get(key);
  if (collator === undefined) {
    collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
    collators.set(key, collator);
  }
  return collator;
}

/**
 * Who a list preview names before the text: "You: " for one's own messages, "Ana: " in groups;
 * nobody for system lines, which already name who acted ("You created the group").
 */
export function previewSender(
  conversationKind: 'direct' | 'group',
  message: { kind: string; senderName: string },
): string {
  if (message.kind === 'system') return '';
  if (message.senderName === 'You') return 'You: ';
  return conversationKind === 'group' ? `${message.senderName}: ` : '';
}

/** Characters of a long message shown before "Read more" (WhatsApp folds at about this much). */
export const COLLAPSE_AT = 1_500;

/**
 * The first part of a long text, cut at a word boundary near `limit`, or null when the text is
 * short enough to show whole.
 */
export function collapsedText(text: string, limit = COLLAPSE_AT): string | null {
  if (text.length <= limit + 200) return null;
  const cut = text.lastIndexOf(' ', limit);
  const end = cut > limit * 0.8 ? cut : limit;
  // Never split a surrogate pair (an emoji) in two.
  const safe = /[\uD800-\uDBFF]/.test(text.charAt(end - 1)) ? end - 1 : end;
  return `${text.slice(0, safe).trimEnd()}…`;
}

const AVATAR_HUES = [4, 28, 45, 95, 150, 175, 200, 220, 250, 280, 310, 335];

/** A stable hue for an id, so a person's avatar and name colour never change. */
export function hueOf(id: string): number {
  // FNV-1a: spreads similar ids (uuids) over the palette.
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return AVATAR_HUES[hash % AVATAR_HUES.length] ?? 200;
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The error code of an engine error (`network`, `unauthorized`, …), or '' when it has none. */
export function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
}

/**
 * Friendly text for an engine error code. A network failure of a signed-in person means they are
 * offline; only on the sign-in form (`signingIn`) can it mean a wrong server address.
 */
export function errorText(error: unknown, context: { signingIn?: boolean } = {}): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'unauthorized':
      return 'Wrong username or password.';
    case 'network':
      return context.signingIn
        ? 'This server is not reachable — check the address.'
        : "You're offline — check your connection.";
    case 'timeout':
      return 'The server did not answer in time — check the address, or try again later.';
    case 'not_chitchat':
      return 'There is a web server at this address, but it is not a chitchat server — check the address.';
    case 'cancelled':
      return 'Cancelled.';
    case 'conflict':
      return message.includes('taken') ? 'That username is taken — choose another.' : message;
    case 'rate_limited':
      return 'Too many attempts — wait a minute and try again.';
    case 'invalid_payload':
      return message.replace(/^Invalid request \((.*)\)\.$/, 'Check the form: $1.');
    default:
      return message || 'Something went wrong.';
  }
}

/**
 * Whether signing in to `serverUrl` sends the password in the clear over the network: plain
 * http:// to anything but this computer (DESIGN §7).
 */
export function travelsUnencrypted(serverUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(serverUrl.includes('://') ? serverUrl : `http://${serverUrl}`);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const loopback =
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  return !loopback;
}

/** The server an invite link (`https://chat.example.org/invite/<code>`) points at, or null. */
export function serverOfInviteLink(text: string): string | null {
  if (inviteCodeFromInput(text) === null) return null;
  try {
    const url = new URL(text.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}
