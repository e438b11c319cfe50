/** Formatting for people: times, days, last seen, avatars. Pure functions, no React. */

const sameDay = (a: Date, b: Date) =>
  a.getFullYear() === b.getFullYear() &&
  a.getMonth() === b.getMonth() &&
  a.getDate() === b.getDate();

export function timeOfDay(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** The list's time column: time today, weekday this week, date before. */
export function listTime(at: number, now = Date.now()): string {
  const date = new Date(at);
  const today = new Date(now);
  if (sameDay(date, today)) return timeOfDay(at);
  const days = Math.floor((startOfDay(now) - startOfDay(at)) / 86_400_000);
  if (days === 1) return 'Yesterday';
  if (days < 7) return date.toLocaleDateString(undefined, { weekday: 'long' });
  return date.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: '2-digit' });
}

export function startOfDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Day separators in a chat: "Today", "Yesterday", or a date. */
export function dayLabel(at: number, now = Date.now()): string {
  const days = Math.round((startOfDay(now) - startOfDay(at)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return new Date(at).toLocaleDateString(undefined, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
}

export function lastSeen(at: number | null, now = Date.now()): string {
  if (at === null) return '';
  if (sameDay(new Date(at), new Date(now))) return `last seen today at ${timeOfDay(at)}`;
  const days = Math.round((startOfDay(now) - startOfDay(at)) / 86_400_000);
  if (days === 1) return `last seen yesterday at ${timeOfDay(at)}`;
  return `last seen ${new Date(at).toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} at ${timeOfDay(at)}`;
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [name.trim()];
  return letters
    .map((w) => Array.from(w ?? '')[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
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

/** Friendly text for an engine error code. */
export function errorText(error: unknown): string {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'unauthorized':
      return 'Wrong username or password.';
    case 'network':
      return 'This server is not reachable — check the address.';
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
