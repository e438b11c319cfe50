/**
 * The renderer's security boundary, as pure rules main applies (DESIGN §7): where the page may come
 * from, what it may load (CSP), and which IPC senders are trusted.
 *
 * The packaged renderer is served from a custom `app://chitchat/` origin rather than `file://`
 * (Electron's security checklist): a file:// page can read other local files and shares one origin
 * with every file on disk, while `app://chitchat` serves only the renderer's own folder and lets
 * main attach the CSP header to every response.
 */
import path from 'node:path';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://chitchat`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The Content-Security-Policy of the renderer. The renderer never talks to the network itself: the
 * engine does, and media reaches the page as `blob:`/`data:` URLs through the contract, so there is
 * no server origin anywhere and `connect-src` is `'none'`. Styles come from files only (React sets
 * `style` props through the CSSOM, which CSP allows).
 *
 * With `devServerOrigin` (an unpackaged app pointed at Vite's dev server, never in a release),
 * Vite's inline react-refresh preamble, injected `<style>` tags and HMR socket are allowed.
 */
export function contentSecurityPolicy(options: { devServerOrigin?: string } = {}): string {
  const dev = options.devServerOrigin;
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': dev ? ["'self'", "'unsafe-inline'", dev] : ["'self'"],
    'style-src': dev ? ["'self'", "'unsafe-inline'", dev] : ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'media-src': ["'self'", 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': dev ? [dev, dev.replace(/^http/, 'ws')] : ["'none'"],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'worker-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/**
 * The file under `rootDir` that an `app://chitchat/...` request names, or null (another host, a
 * path that climbs out of the folder, a malformed escape). `/` is the entry page.
 */
export function resolveAppFile(requestUrl: string, rootDir: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (`${url.protocol}//${url.host}` !== APP_ORIGIN) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relative = path.posix
    .normalize(pathname === '/' ? '/index.html' : pathname)
    .replace(/^\/+/, '');
  if (relative === '' || relative.startsWith('..')) return null;
  const file = path.resolve(rootDir, relative);
  const inside = path.relative(path.resolve(rootDir), file);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return null;
  return file;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export const contentTypeFor = (file: string): string =>
  CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

/** What main knows about the sender of an IPC message. */
export interface IpcSender {
  /** `event.sender.id`. */
  webContentsId: number;
  /** `event.senderFrame?.url`; undefined when the frame is gone. */
  frameUrl: string | undefined;
  /** The frame is the top frame of its page (`senderFrame.parent === null`). */
  isMainFrame: boolean;
}

/**
 * An IPC message is trusted only from the top frame of the app's own window, showing the app's own
 * page: not from another window, an iframe, or a page the window was somehow navigated to.
 */
export function isTrustedSender(
  sender: IpcSender,
  trusted: { webContentsId: number | null; origins: readonly string[] },
): boolean {
  if (trusted.webContentsId === null || sender.webContentsId !== trusted.webContentsId)
    return false;
  if (!sender.isMainFrame || sender.frameUrl === undefined) return false;
  let origin: string;
  try {
    const url = new URL(sender.frameUrl);
    origin = `${url.protocol}//${url.host}`;
  } catch {
    return false;
  }
  return trusted.origins.includes(origin);
}

/** The origin of an http(s) URL (`CHITCHAT_RENDERER_URL` in development), or null. */
export function httpOrigin(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** Permissions the page may use besides the microphone; everything else is refused. */
const PAGE_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write', 'fullscreen']);

/** A permission the page asks for (request handler) or that Chromium checks (check handler). */
export interface PermissionAsk {
  permission: string;
  /** The origin of the page that asks; null when unknown. */
  origin: string | null;
  /**
   * `media` only: what it wants (`mediaTypes` of a request, the `mediaType` of a check; the
   * check may say `unknown`, e.g. when the page lists devices).
   */
  mediaTypes?: readonly string[];
  /** A check (true) only asks whether the permission would be granted; a request grants it. */
  check?: boolean;
}

/**
 * Whether the app grants a permission: only its own pages (`trustedOrigins`) ever get one; the
 * microphone (`media` for audio, voice notes) and the few harmless page permissions. A camera, or
 * a media request that does not say it wants audio only, is refused, as is everything else
 * (location, notifications through the page, MIDI, …).
 */
export function permissionAllowed(ask: PermissionAsk, trustedOrigins: readonly string[]): boolean {
  if (ask.origin === null || !trustedOrigins.includes(ask.origin)) return false;
  if (ask.permission !== 'media') return PAGE_PERMISSIONS.has(ask.permission);
  const types = ask.mediaTypes ?? [];
  if (types.length === 0) return false;
  return types.every((type) => type === 'audio' || (ask.check === true && type === 'unknown'));
}

/** The origin of a URL (`app://chitchat`, `http://127.0.0.1:5173`), or null when it has none. */
export function originOf(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  try {
    const url = new URL(raw);
    return url.host === '' ? null : `${url.protocol}//${url.host}`;
  } catch {
    return null;
  }
}
