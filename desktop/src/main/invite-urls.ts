import { inviteCodeFrom } from '@chitchat/shared';

/**
 * The URL scheme the desktop app registers with the system (`chitchat://join/<code>`), so a group
 * invite link opened anywhere (a browser, a mail, another app) opens the app at the join preview.
 */
export const INVITE_URL_SCHEME = 'chitchat';

/**
 * The invite code in a URL the system handed the app: `chitchat://join/<code>`, or the server's
 * own `http(s)://<host>/join/<code>` (PUBLIC_URL's invite link). Null for anything else, so an
 * argument that is no invite link (a switch, a path) is ignored.
 */
export function inviteCodeOfUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.search !== '' || url.username !== '' || url.password !== '') return null;
  if (url.protocol === `${INVITE_URL_SCHEME}:`) {
    // chitchat://join/<code>: "join" parses as the host.
    return url.host === 'join' ? inviteCodeFrom(`/join${url.pathname}`) : null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  return inviteCodeFrom(url.pathname);
}

/** The first invite link among command-line arguments (Windows and Linux pass it there). */
export function inviteCodeInArgv(argv: readonly string[]): string | null {
  for (const arg of argv) {
    if (arg.startsWith('-')) continue;
    const code = inviteCodeOfUrl(arg);
    if (code !== null) return code;
  }
  return null;
}

/**
 * Hands invite codes to the window once it can take them: a link that started the app (or came
 * while the window was loading) waits, and only the newest one is kept.
 */
export class InviteLinkRouter {
  private pending: string | null = null;
  private ready = false;

  constructor(private readonly deliver: (code: string) => void) {}

  /** A URL from `open-url` (macOS) or an argument (Windows, Linux); true when it was an invite. */
  open(raw: string): boolean {
    const code = inviteCodeOfUrl(raw);
    if (code === null) return false;
    this.route(code);
    return true;
  }

  /** The arguments of a start or of a second start; true when one was an invite. */
  openFromArgv(argv: readonly string[]): boolean {
    const code = inviteCodeInArgv(argv);
    if (code === null) return false;
    this.route(code);
    return true;
  }

  /** The window's page has loaded: it receives what waited. */
  windowReady(): void {
    this.ready = true;
    const code = this.pending;
    this.pending = null;
    if (code !== null) this.deliver(code);
  }

  /** The window is gone (closed, or reloading): hold links until the next windowReady. */
  windowGone(): void {
    this.ready = false;
  }

  private route(code: string): void {
    if (this.ready) this.deliver(code);
    else this.pending = code;
  }
}
