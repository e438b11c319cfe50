import {
  ssoStartUrl,
  type SsoPurpose,
  type SsoRedirectBridge,
  type SsoReturn,
} from '../common/sso';

/*
 * Single sign-on in the web app (issue #17, DESIGN §12): the tab goes to the server's start route
 * with `client=web` and comes back to `${PUBLIC_URL}/#sso&code=…&state=…` (docs/protocol.md,
 * "Single sign-on"). The PKCE verifier and the state live in sessionStorage for that one flow:
 * this tab only, gone once the return is read. The return is read and removed from the address
 * bar before anything else runs (browser-shell.ts), its state checked against the kept one, and
 * the code handed to the engine Worker, which exchanges it (the refresh token goes to the cookie).
 */

/** The sessionStorage key of the flow this tab started. */
export const SSO_FLOW_KEY = 'chitchat.sso-flow';

/** What this tab keeps while it is away at the provider. */
export interface PendingSsoFlow {
  state: string;
  codeVerifier: string;
  purpose: SsoPurpose;
  serverUrl: string;
  /** The conversation that was open (re-authentication comes back to it). */
  returnTo?: string;
}

/** The fragment the server's callback sent this tab back with. */
export type SsoFragment =
  | { kind: 'code'; state: string; code: string }
  | { kind: 'error'; state: string | null; code: string; message: string }
  | { kind: 'malformed' };

const ONE_TIME_CODE = /^[A-Za-z0-9_-]{43}$/;
const APP_STATE = /^[A-Za-z0-9_-]{16,128}$/;
const ERROR_CODE = /^[a-z_]{1,64}$/;
/** The longest server message shown (the server's are a sentence or two). */
const MESSAGE_MAX = 500;

/** Reads `#sso&…`; null when the address is not a single sign-on return at all. */
export function parseSsoFragment(hash: string): SsoFragment | null {
  if (hash !== '#sso' && !hash.startsWith('#sso&')) return null;
  const params = new URLSearchParams(hash.slice('#sso'.length));
  const state = params.get('state');
  const code = params.get('code');
  const error = params.get('error');
  if (error !== null) {
    return {
      kind: 'error',
      state: state !== null && APP_STATE.test(state) ? state : null,
      code: ERROR_CODE.test(error) ? error : 'forbidden',
      message: (params.get('message') ?? '').slice(0, MESSAGE_MAX),
    };
  }
  if (code === null || state === null || !ONE_TIME_CODE.test(code) || !APP_STATE.test(state))
    return { kind: 'malformed' };
  return { kind: 'code', state, code };
}

/** Refusals of this tab's own checks, in words for the sign-in screen. */
export const SSO_REFUSALS = {
  malformed: 'The sign-in came back incomplete, so it was refused. Try again.',
  notStarted:
    'This sign-in was not started in this tab (or was already used), so it was refused. Try again.',
  stateMismatch:
    'This sign-in does not belong to the one this tab started, so it was refused. Try again.',
} as const;

/** What a return means, given the flow this tab kept (already taken out of storage). */
export function ssoOutcome(fragment: SsoFragment, pending: PendingSsoFlow | null): SsoReturn {
  const back = outcomeOf(fragment, pending);
  return pending?.returnTo === undefined ? back : { ...back, returnTo: pending.returnTo };
}

function outcomeOf(fragment: SsoFragment, pending: PendingSsoFlow | null): SsoReturn {
  const purpose = pending?.purpose ?? null;
  if (fragment.kind === 'malformed')
    return { kind: 'refused', purpose, message: SSO_REFUSALS.malformed };
  if (pending === null) return { kind: 'refused', purpose, message: SSO_REFUSALS.notStarted };
  if (fragment.state !== pending.state)
    return { kind: 'refused', purpose, message: SSO_REFUSALS.stateMismatch };
  if (fragment.kind === 'error') {
    const message = fragment.message.trim();
    return {
      kind: 'refused',
      purpose,
      message: message !== '' ? message : unexplainedRefusal(fragment.code),
    };
  }
  return {
    kind: 'code',
    purpose: pending.purpose,
    serverUrl: pending.serverUrl,
    proof: { code: fragment.code, codeVerifier: pending.codeVerifier },
  };
}

/** The server refused without saying why: words for its code, never the code itself. */
function unexplainedRefusal(code: string): string {
  return code === 'forbidden'
    ? "This account can't sign in to this server. Ask the server's admin."
    : 'Signing in did not work. Try again.';
}

/** The kept flow, removed from storage whatever it holds: a flow is read once. */
export function takePendingFlow(storage: Storage): PendingSsoFlow | null {
  const raw = storage.getItem(SSO_FLOW_KEY);
  storage.removeItem(SSO_FLOW_KEY);
  if (raw === null) return null;
  try {
    const flow = JSON.parse(raw) as Partial<PendingSsoFlow>;
    if (
      typeof flow.state === 'string' &&
      typeof flow.codeVerifier === 'string' &&
      typeof flow.serverUrl === 'string' &&
      (flow.purpose === 'sign-in' || flow.purpose === 'reauthenticate')
    )
      return {
        state: flow.state,
        codeVerifier: flow.codeVerifier,
        serverUrl: flow.serverUrl,
        purpose: flow.purpose,
        ...(typeof flow.returnTo === 'string' ? { returnTo: flow.returnTo } : {}),
      };
  } catch {
    // Not JSON: as good as none.
  }
  return null;
}

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomBase64url = (length: number): string =>
  base64url(crypto.getRandomValues(new Uint8Array(length)));

/** A PKCE pair (RFC 7636, S256) and a state for one flow. */
export async function newSsoFlow(): Promise<{
  state: string;
  codeVerifier: string;
  codeChallenge: string;
}> {
  const codeVerifier = randomBase64url(32);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier));
  return {
    state: randomBase64url(24),
    codeVerifier,
    codeChallenge: base64url(new Uint8Array(digest)),
  };
}

/**
 * The page's single sign-on bridge. Reads the return (if the address is one) at once: the code
 * leaves the address bar before the app renders, and the kept flow leaves storage.
 */
export function createSsoRedirect(win: Window): SsoRedirectBridge {
  let waiting: SsoReturn | null = null;
  const fragment = parseSsoFragment(win.location.hash);
  if (fragment !== null) {
    win.history.replaceState(null, '', `${win.location.pathname}${win.location.search}`);
    waiting = ssoOutcome(fragment, takePendingFlow(win.sessionStorage));
  }
  const origin = win.location.origin;
  return {
    async begin({ purpose, serverUrl, inviteCode, returnTo }) {
      if (serverUrl !== undefined && new URL(serverUrl).origin !== origin)
        throw new Error(
          `The web app signs in with single sign-on only to its own server, ${origin}. Open the other server's address in your browser to use its single sign-on.`,
        );
      const { state, codeVerifier, codeChallenge } = await newSsoFlow();
      const flow: PendingSsoFlow = {
        state,
        codeVerifier,
        purpose,
        serverUrl: origin,
        ...(returnTo === undefined ? {} : { returnTo }),
      };
      win.sessionStorage.setItem(SSO_FLOW_KEY, JSON.stringify(flow));
      win.location.assign(
        ssoStartUrl(origin, {
          client: 'web',
          state,
          codeChallenge,
          ...(inviteCode === undefined ? {} : { inviteCode }),
          purpose,
        }),
      );
    },
    peek: () => waiting,
    take(purpose) {
      if (waiting === null) return null;
      if (waiting.purpose !== purpose && !(waiting.purpose === null && purpose === 'sign-in'))
        return null;
      const taken = waiting;
      waiting = null;
      return taken;
    },
  };
}
