import type { AuthOptions, SsoReauthentication } from '@chitchat/shared';
import type { SessionState } from './contract';

/** Single sign-on from the app (issue #18): the sign-in screen's part of the chat contract. */
export interface SsoSignInInput {
  serverUrl: string;
  /** For a first sign-in where the server's REGISTRATION mode asks for an invite. */
  inviteCode?: string;
  /**
   * The one-time code the host already received (the web app: its tab was redirected back, see
   * desktop/src/web/sso-redirect.ts): the engine only exchanges it, no browser is opened.
   */
  redirected?: SsoRedirectProof;
}

/** A one-time code from the server's redirect, and the PKCE verifier of the start that asked it. */
export interface SsoRedirectProof {
  code: string;
  codeVerifier: string;
}

export interface SsoApi {
  /** What the server at `serverUrl` offers on its sign-in screen (registration mode, single sign-on). */
  getAuthOptions(serverUrl: string): Promise<AuthOptions>;
  /**
   * Signs in through the server's OpenID provider in the system browser (or exchanges the code
   * of `input.redirected`); fails with the server's refusal, `cancelled` (`cancelSignIn`) or
   * `timeout`.
   */
  signInWithSso(input: SsoSignInInput): Promise<SessionState>;
  /**
   * Signed in: proves again, through the provider in the system browser, that the person is at
   * this device (a recent single sign-on stands in for a password, as when deleting the account).
   * With `redirected`, the code of a `purpose=reauthenticate` start the web app came back with.
   */
  reauthenticateWithSso(redirected?: SsoRedirectProof): Promise<SsoReauthentication>;
}

/** The method names, added to CHAT_API_METHODS. */
export const SSO_API_METHODS = [
  'getAuthOptions',
  'signInWithSso',
  'reauthenticateWithSso',
] as const;

/** Why the app goes to the provider: to sign in, or to prove a signed-in person again. */
export type SsoPurpose = 'sign-in' | 'reauthenticate';

/**
 * The server's start route (docs/protocol.md, "Single sign-on") for one sign-in: the desktop app
 * names its loopback port, the web app is sent back to the server's own address.
 */
export function ssoStartUrl(
  serverUrl: string,
  start: {
    client: 'desktop' | 'web';
    state: string;
    codeChallenge: string;
    port?: number;
    inviteCode?: string;
    purpose: SsoPurpose;
  },
): string {
  const query = new URLSearchParams({
    client: start.client,
    ...(start.port === undefined ? {} : { port: String(start.port) }),
    state: start.state,
    codeChallenge: start.codeChallenge,
    ...(start.inviteCode === undefined ? {} : { inviteCode: start.inviteCode }),
    ...(start.purpose === 'reauthenticate' ? { purpose: 'reauthenticate' } : {}),
  });
  return `${serverUrl}/api/auth/oidc/start?${query.toString()}`;
}

/** What the web app's tab came back with from the provider, taken once by the screen that asked. */
export type SsoReturn = (
  | { kind: 'code'; purpose: SsoPurpose; serverUrl: string; proof: SsoRedirectProof }
  /** Refused: the server's message, or this tab's own check (state, verifier) failed. */
  | { kind: 'refused'; purpose: SsoPurpose | null; message: string }
) & {
  /** The conversation that was open when the flow began (re-authentication comes back to it). */
  returnTo?: string;
};

/**
 * Single sign-on by sending this tab to the provider and back (the web app, DESIGN §12). Absent
 * in the desktop app, whose engine opens the system browser and waits on a loopback port.
 */
export interface SsoRedirectBridge {
  /**
   * Makes this flow's PKCE pair and state, keeps them for this tab only, and leaves the page for
   * the server's start route. `serverUrl` (the sign-in form's) must be the page's own server.
   */
  begin(input: {
    purpose: SsoPurpose;
    serverUrl?: string;
    inviteCode?: string;
    /** The open conversation, opened again on the way back. */
    returnTo?: string;
  }): Promise<void>;
  /** What came back, without taking it (the app opens the screen that continues). */
  peek(): SsoReturn | null;
  /** What came back for `purpose`, once (a refusal of unknown purpose goes to the sign-in screen). */
  take(purpose: SsoPurpose): SsoReturn | null;
}
