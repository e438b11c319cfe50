/**
 * Which links may leave the app for the system browser. Only web links: `file:` would open local
 * programs and documents, `javascript:`/`data:` run code, and custom schemes hand text to whatever
 * application registered them. Everything the page asks to open passes through here.
 */

export const EXTERNAL_URL_MAX_LENGTH = 2048;

export type LinkDecision = { allowed: true; url: string } | { allowed: false; reason: string };

/**
 * Decides whether `raw` may be opened with `shell.openExternal`; when allowed, returns the parsed,
 * normalized URL to open (never the raw string, so what is checked is what is opened).
 */
export function checkExternalUrl(raw: unknown): LinkDecision {
  if (typeof raw !== 'string') return { allowed: false, reason: 'not a string' };
  if (raw.length > EXTERNAL_URL_MAX_LENGTH) return { allowed: false, reason: 'too long' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { allowed: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { allowed: false, reason: `scheme ${url.protocol} is not allowed` };
  // `https://bank.example@evil.example/` reads as the bank but goes to evil.example.
  if (url.username !== '' || url.password !== '')
    return { allowed: false, reason: 'credentials in the URL' };
  if (url.hostname === '') return { allowed: false, reason: 'no host' };
  return { allowed: true, url: url.href };
}

export type WindowOpenDecision =
  | { action: 'download' }
  | { action: 'external'; url: string }
  | { action: 'refuse'; reason: string };

/**
 * What to do when the page opens a window (`window.open`, a `target=_blank` link); the app itself
 * never opens a second window. Web links go to the system browser through the allow-list. A file
 * the page holds as a `blob:` URL of its own origin (a document's "Open") goes through the save
 * dialog, as Signal Desktop does: an attachment is never handed to the OS to open or run.
 */
export function windowOpenDecision(url: string, appOrigins: readonly string[]): WindowOpenDecision {
  if (url.startsWith('blob:')) {
    try {
      const inner = new URL(url.slice('blob:'.length));
      if (appOrigins.includes(`${inner.protocol}//${inner.host}`)) return { action: 'download' };
    } catch {
      // not a blob URL of ours
    }
    return { action: 'refuse', reason: 'a blob of another origin' };
  }
  const decision = checkExternalUrl(url);
  return decision.allowed
    ? { action: 'external', url: decision.url }
    : { action: 'refuse', reason: decision.reason };
}
