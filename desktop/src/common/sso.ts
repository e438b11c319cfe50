import type { AuthOptions, SsoReauthentication } from '@chitchat/shared';
import type { SessionState } from './contract';

/** Single sign-on from the app (issue #18): the sign-in screen's part of the chat contract. */
export interface SsoSignInInput {
  serverUrl: string;
  /** For a first sign-in where the server's REGISTRATION mode asks for an invite. */
  inviteCode?: string;
}

export interface SsoApi {
  /** What the server at `serverUrl` offers on its sign-in screen (registration mode, single sign-on). */
  getAuthOptions(serverUrl: string): Promise<AuthOptions>;
  /**
   * Signs in through the server's OpenID provider in the system browser; fails with the server's
   * refusal, `cancelled` (`cancelSignIn`) or `timeout`.
   */
  signInWithSso(input: SsoSignInInput): Promise<SessionState>;
  /**
   * Signed in: proves again, through the provider in the system browser, that the person is at
   * this device (a recent single sign-on stands in for a password, as when deleting the account).
   */
  reauthenticateWithSso(): Promise<SsoReauthentication>;
}

/** The method names, added to CHAT_API_METHODS. */
export const SSO_API_METHODS = [
  'getAuthOptions',
  'signInWithSso',
  'reauthenticateWithSso',
] as const;
