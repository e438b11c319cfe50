import type { SsoClient } from '@chitchat/shared';

/** An account's identity at an OpenID provider: stable, never reused (OpenID Connect Core §5.7). */
export interface SsoIdentity {
  issuer: string;
  subject: string;
}

/** The one-time code handed to an app at the end of a single sign-on, kept only as a hash. */
export interface SsoCodeRecord {
  /** SHA-256 (hex) of the code. */
  codeHash: string;
  userId: string;
  client: SsoClient;
  /** The app's PKCE S256 challenge: exchanging the code needs its verifier. */
  challenge: string;
  expiresAt: number;
}

/** Single sign-on (issue #18): identities, one-time codes and when a device last used it. */
export interface SsoStore {
  /** The account signed in by (issuer, subject), or null. Accounts are made by `registerUser`. */
  userIdBySsoIdentity(identity: SsoIdentity): Promise<string | null>;
  /** Keeps a one-time code; drops codes that expired before `at` on the way. */
  saveSsoCode(record: SsoCodeRecord, at: number): Promise<void>;
  /** Spends a code: returns it once while it has not expired at `at`, then never again. */
  takeSsoCode(codeHash: string, at: number): Promise<SsoCodeRecord | null>;
  /** Records that `deviceId` authenticated through the provider at `at` (the latest is kept). */
  markSsoSignIn(deviceId: string, at: number): Promise<void>;
  /** When `deviceId` last authenticated through the provider, or null. */
  lastSsoSignIn(deviceId: string): Promise<number | null>;
}
