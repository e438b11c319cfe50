import {
  authOptionsSchema,
  type AuthOptions,
  type AuthSession,
  type SsoReauthentication,
} from '@chitchat/shared';
import type { SsoRedirectProof, SsoSignInInput } from '../common/sso';
import type { ApiClient } from './api-client';
import { ChatClientError, remote } from './client-errors';

/*
 * Single sign-on from the desktop app (issue #18, RFC 8252): the engine listens on 127.0.0.1 on a
 * random port for the one redirect, has the host open the system browser at the server's start
 * route, and takes the one-time code the server sends back to that port. The code is bound to this
 * sign-in's PKCE pair, so another program that sees the redirect cannot use it.
 */

/** The person signs in at their provider in the browser: this is how long the app waits. */
export const SSO_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

/** Runs one sign-in in the browser and returns its one-time code (the host's, host.ts). */
export type CodeFromBrowser = (input: {
  serverUrl: string;
  inviteCode?: string;
  /** Proving a signed-in person again: the server makes no account. */
  reauthenticate?: boolean;
  openBrowser: (url: string) => Promise<void>;
  signal: AbortSignal;
}) => Promise<{ code: string; verifier: string }>;

/**
 * What the server's sign-in screen offers. A server from before single sign-on has no such route:
 * it is taken as offering password sign-in only.
 */
export async function authOptionsOf(api: ApiClient): Promise<AuthOptions> {
  const answer = await remote(() =>
    api.request<unknown>('GET', '/api/auth/options', undefined, {
      auth: false,
      signal: AbortSignal.timeout(10_000),
    }),
  ).catch((error: unknown) => {
    if (error instanceof ChatClientError && error.code === 'unauthorized') return null;
    throw error;
  });
  const parsed = authOptionsSchema.safeParse(answer);
  return parsed.success ? parsed.data : { registration: 'open', sso: null };
}

/** The host's way to open the system browser; `unsupported` where there is none. */
export function browserOpener(
  openBrowser: ((url: string) => Promise<void>) | undefined,
  codeFromBrowser: CodeFromBrowser | undefined,
): { open: (url: string) => Promise<void>; codeFromBrowser: CodeFromBrowser } {
  if (openBrowser === undefined || codeFromBrowser === undefined)
    throw new ChatClientError('unsupported', 'This app cannot open a browser to sign in.');
  return { open: openBrowser, codeFromBrowser };
}

/** A sign-in through the browser, then the one-time code exchanged for a new device's session. */
export const ssoExchange =
  (
    input: SsoSignInInput,
    browser: ReturnType<typeof browserOpener>,
    device: { name: string; platform: string },
  ) =>
  async (api: ApiClient, signal: AbortSignal): Promise<AuthSession> => {
    const openBrowser = browser.open;
    const { code, verifier } = await browser.codeFromBrowser({
      serverUrl: api.serverUrl,
      ...(input.inviteCode ? { inviteCode: input.inviteCode } : {}),
      openBrowser,
      signal,
    });
    return api.ssoExchange({ code, codeVerifier: verifier, device }, signal);
  };

/** The signed-in person proves it is them again: a fresh single sign-on for this device. */
export async function reauthenticateThroughBrowser(
  api: ApiClient,
  browser: ReturnType<typeof browserOpener>,
  signal: AbortSignal,
): Promise<SsoReauthentication> {
  const openBrowser = browser.open;
  const proof = await browser.codeFromBrowser({
    serverUrl: api.serverUrl,
    reauthenticate: true,
    openBrowser,
    signal,
  });
  return reauthenticateWithCode(api, { code: proof.code, codeVerifier: proof.verifier }, signal);
}

/** The code of a `purpose=reauthenticate` start, taken to the server for this device. */
export function reauthenticateWithCode(
  api: ApiClient,
  proof: SsoRedirectProof,
  signal: AbortSignal,
): Promise<SsoReauthentication> {
  const body = { code: proof.code, codeVerifier: proof.codeVerifier };
  return api.request<SsoReauthentication>('POST', '/api/auth/oidc/reauthenticate', body, {
    signal,
  });
}
