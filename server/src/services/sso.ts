import { createHash, randomBytes, randomUUID } from 'node:crypto';
import * as oidc from 'openid-client';
import {
  SSO_CODE_TTL_S,
  SSO_FLOW_TTL_S,
  SSO_LOOPBACK_PATH,
  type AuthOptions,
  type AuthSession,
  type RegistrationMode,
  type SsoExchangeBody,
  type SsoReauthenticateBody,
  type SsoReauthentication,
  type SsoStartQuery,
} from '@chitchat/shared';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Store, UserRecord } from '../store/types';
import { StoreRefusal, UniqueViolation } from '../store/types';
import type { AccountsService } from './accounts';
import { ServiceError, forbidden, unauthorized } from './errors';
import { NO_PASSWORD_HASH } from './passwords';
import { consumeOrThrow, type AuthRateLimits } from './rate-limits';
import type { ServerKeys } from './secrets';
import type { AccessClaims } from './tokens';
import {
  displayNameFor,
  flowKey,
  openFlow,
  sealFlow,
  usernameFor,
  type NameClaims,
  type SsoFlow,
} from './sso-flow';

/** `OIDC_ISSUER`, `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET`, `OIDC_NAME` and `PUBLIC_URL`. */
export interface SsoOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Shown on the sign-in button ("Continue with <name>"). */
  name: string;
  /** `PUBLIC_URL`: the callback is `${publicUrl}/api/auth/oidc/callback`. */
  publicUrl: string;
}

/** The single sign-on settings of `config`, or undefined when it is off (no OIDC_ISSUER). */
export function ssoOptionsOf(config: Config): SsoOptions | undefined {
  const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, PUBLIC_URL } = config;
  // loadConfig refuses an issuer without the others; this narrows their types.
  if (
    OIDC_ISSUER === undefined ||
    OIDC_CLIENT_ID === undefined ||
    OIDC_CLIENT_SECRET === undefined ||
    PUBLIC_URL === undefined
  ) {
    return undefined;
  }
  return {
    issuer: OIDC_ISSUER,
    clientId: OIDC_CLIENT_ID,
    clientSecret: OIDC_CLIENT_SECRET,
    name: config.OIDC_NAME ?? new URL(OIDC_ISSUER).host,
    publicUrl: PUBLIC_URL,
  };
}

export const SSO_CALLBACK_PATH = '/api/auth/oidc/callback';

/** Where the browser goes next: the provider, or the app with a one-time code or an error. */
export type SsoRedirect = { kind: 'redirect'; location: string };

export type SsoService = ReturnType<typeof createSsoService>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

const NOT_STARTED =
  'This sign-in was not started in this browser, or it took too long. Start again from the app.';
const USERNAME_TRIES = 20;

/**
 * Single sign-on with an OpenID Connect provider (issue #18, DESIGN §12): authorization code with
 * PKCE (S256), state and nonce, through openid-client; the server holds the client secret and the
 * callback. Accounts are found by the provider's (issuer, subject) only, made on a first sign-in as
 * `REGISTRATION` allows, and the app gets a one-time code (single use, short-lived, stored hashed,
 * bound to the app's own PKCE challenge) that it exchanges for the usual session.
 */
export function createSsoService(deps: {
  store: Store;
  accounts: AccountsService;
  keys: ServerKeys;
  limits: AuthRateLimits;
  registration: RegistrationMode;
  /** Unset: single sign-on is off. */
  options: SsoOptions | undefined;
  logger: Logger;
  now?: () => number;
}) {
  const { store, accounts, limits, options, logger } = deps;
  const now = deps.now ?? Date.now;
  const sealKey = flowKey(deps.keys.refreshToken);
  let discovered: Promise<oidc.Configuration> | undefined;

  function enabled(): SsoOptions {
    if (options === undefined) {
      throw new ServiceError('not_found', 'Single sign-on is not set up on this server.');
    }
    return options;
  }

  /** The provider's configuration, discovered once; a failed discovery is tried again next time. */
  function provider(settings: SsoOptions): Promise<oidc.Configuration> {
    discovered ??= oidc
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        { client_secret: settings.clientSecret },
        oidc.ClientSecretBasic(settings.clientSecret),
        // http:// is allowed for loopback issuers only (config.ts): tests and local providers.
        settings.issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : {},
      )
      .catch((error: unknown) => {
        discovered = undefined;
        logger.warn({ err: error, issuer: settings.issuer }, 'OpenID provider discovery failed');
        throw new ServiceError(
          'internal',
          `${settings.name} cannot be reached right now; try again in a minute.`,
        );
      });
    return discovered;
  }

  const callbackUrl = (settings: SsoOptions) => `${settings.publicUrl}${SSO_CALLBACK_PATH}`;

  /** Where the app waits for the outcome: its loopback port, or the web app's address. */
  function appTarget(flow: SsoFlow, params: Record<string, string>): string {
    const query = new URLSearchParams({ ...params, state: flow.appState }).toString();
    if (flow.client === 'desktop') {
      return `http://${flow.loopback ?? '127.0.0.1'}:${String(flow.port)}${SSO_LOOPBACK_PATH}?${query}`;
    }
    // In the fragment: never sent to a server, so it stays out of access logs.
    return `${enabled().publicUrl}/#sso&${query}`;
  }

  /** The account of this identity, made now when it is the first sign-in and registration allows. */
  async function accountOf(claims: oidc.IDToken, flow: SsoFlow): Promise<UserRecord> {
    const identity = { issuer: claims.iss, subject: claims.sub };
    const known = await store.userIdBySsoIdentity(identity);
    if (known !== null) {
      const user = await store.getUser(known);
      if (user !== null) return user;
    }
    if (flow.reauthenticate === true) {
      throw forbidden(
        `This ${enabled().name} account has no account on this server; sign in at ${enabled().name} as yourself.`,
      );
    }
    if (deps.registration === 'closed') {
      throw forbidden(
        'This server does not take new accounts; ask its admin to create one for you.',
      );
    }
    const names = claims as NameClaims;
    for (let attempt = 0; attempt < USERNAME_TRIES; attempt++) {
      const at = now();
      const username = usernameFor(names, attempt);
      try {
        return await store.registerUser(
          {
            id: randomUUID(),
            username,
            displayName: displayNameFor(names, username),
            passwordHash: NO_PASSWORD_HASH,
            createdAt: at,
          },
          {
            policy: deps.registration === 'open' ? 'free' : 'invite',
            ...(flow.inviteCode === undefined ? {} : { inviteCode: flow.inviteCode }),
            at,
            identity,
          },
        );
      } catch (error) {
        if (error instanceof UniqueViolation && error.constraint === 'username') continue;
        if (error instanceof UniqueViolation && error.constraint === 'identity') {
          // A racing first sign-in of the same person made the account: use it.
          const raced = await store.userIdBySsoIdentity(identity);
          const user = raced === null ? null : await store.getUser(raced);
          if (user !== null) return user;
        }
        if (error instanceof StoreRefusal) {
          throw forbidden(
            flow.inviteCode === undefined
              ? 'This server needs an invite to join: open the invite link an admin gave you, or paste its code on the sign-in screen, then sign in again.'
              : 'This invite code is not valid: it may have expired, been used up or revoked. Ask an admin of this server for a new invite.',
          );
        }
        throw error;
      }
    }
    throw new ServiceError('conflict', 'No free username could be made; try again.');
  }

  return {
    /** What the sign-in screen offers (`GET /api/auth/options`). */
    authOptions(): AuthOptions {
      return {
        registration: deps.registration,
        sso: options === undefined ? null : { name: options.name },
      };
    },

    /**
     * Starts a sign-in: the provider's authorization URL (code flow, PKCE S256, state, nonce) and
     * the sealed flow the browser keeps in a cookie until the callback.
     */
    async start(
      query: SsoStartQuery,
      address: string,
    ): Promise<{ location: string; sealed: string }> {
      const settings = enabled();
      await consumeOrThrow(limits.attemptsPerAddress, address);
      const config = await provider(settings);
      const flow: SsoFlow = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        verifier: oidc.randomPKCECodeVerifier(),
        client: query.client,
        ...(query.port === undefined ? {} : { port: query.port }),
        ...(query.loopback === undefined ? {} : { loopback: query.loopback }),
        appState: query.state,
        challenge: query.codeChallenge,
        ...(query.inviteCode === undefined ? {} : { inviteCode: query.inviteCode }),
        ...(query.purpose === 'reauthenticate' ? { reauthenticate: true } : {}),
        expiresAt: now() + SSO_FLOW_TTL_S * 1000,
      };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: callbackUrl(settings),
        scope: 'openid profile email',
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
      return { location: url.href, sealed: sealFlow(sealKey, flow) };
    },

    /**
     * The provider's redirect back. Problems with the flow itself (no cookie, wrong state, a code
     * the provider refuses) throw, for the callback page to show; refusals of the account (closed
     * registration, no invite, disabled) go to the app, which shows them.
     */
    async callback(search: string, sealed: string | null): Promise<SsoRedirect> {
      const settings = enabled();
      const flow = sealed === null ? null : openFlow(sealKey, sealed);
      if (flow === null || flow.expiresAt <= now())
        throw new ServiceError('forbidden', NOT_STARTED);
      const config = await provider(settings);
      const current = new URL(`${callbackUrl(settings)}${search}`);
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: flow.verifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        const refused = error instanceof oidc.AuthorizationResponseError;
        logger.info({ err: error }, 'single sign-on callback refused');
        if (refused && error.error === 'access_denied') {
          return {
            kind: 'redirect',
            location: appTarget(flow, {
              error: 'forbidden',
              message: `Signing in with ${settings.name} was cancelled.`,
            }),
          };
        }
        throw new ServiceError(
          'forbidden',
          `${settings.name} did not confirm this sign-in (${refused ? error.error : 'the answer did not check out'}). Start again from the app.`,
        );
      }
      const claims = tokens.claims();
      if (claims === undefined) throw new ServiceError('forbidden', NOT_STARTED);
      try {
        const user = await accountOf(claims, flow);
        if (user.disabledAt !== null) {
          throw forbidden('This account is disabled; ask an admin of this server to enable it.');
        }
        const code = randomBytes(32).toString('base64url');
        await store.saveSsoCode(
          {
            codeHash: sha256(code),
            userId: user.id,
            client: flow.client,
            challenge: flow.challenge,
            expiresAt: now() + SSO_CODE_TTL_S * 1000,
          },
          now(),
        );
        return { kind: 'redirect', location: appTarget(flow, { code }) };
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        return {
          kind: 'redirect',
          location: appTarget(flow, { error: error.code, message: error.message }),
        };
      }
    },

    /** The one-time code for a session: once, before it expires, with the app's PKCE verifier. */
    async exchange(body: SsoExchangeBody, address: string): Promise<AuthSession> {
      enabled();
      await consumeOrThrow(limits.attemptsPerAddress, address);
      const record = await store.takeSsoCode(sha256(body.code), now());
      if (record === null || record.challenge !== s256(body.codeVerifier)) {
        throw unauthorized(
          'This sign-in code is not valid: it was used already, has expired, or belongs to another sign-in. Sign in again.',
        );
      }
      const user = await store.getUser(record.userId);
      if (user === null) throw unauthorized();
      const session = await accounts.sessionFor(user, body.device);
      await store.markSsoSignIn(session.device.id, now());
      return session;
    },

    /**
     * A signed-in device proves its person again through the provider: the code of a
     * `purpose=reauthenticate` start, for the caller's own account, records a fresh single sign-on
     * on the calling device (no new device).
     */
    async reauthenticate(
      auth: AccessClaims,
      body: SsoReauthenticateBody,
      address: string,
    ): Promise<SsoReauthentication> {
      const settings = enabled();
      await consumeOrThrow(limits.attemptsPerAddress, address);
      const record = await store.takeSsoCode(sha256(body.code), now());
      if (record === null || record.challenge !== s256(body.codeVerifier)) {
        throw forbidden(
          'This sign-in code is not valid: it was used already, has expired, or belongs to another sign-in. Try again.',
        );
      }
      if (record.userId !== auth.userId) {
        throw forbidden(
          `You signed in at ${settings.name} as someone else; sign in there as yourself and try again.`,
        );
      }
      const at = now();
      await store.markSsoSignIn(auth.deviceId, at);
      return { ssoAuthenticatedAt: at };
    },

    /**
     * Whether `deviceId` authenticated through the provider within `withinMs`: for an account
     * without a password, a recent single sign-on stands in for it (DESIGN §12: delete account).
     */
    async recentSsoSignIn(deviceId: string, withinMs: number): Promise<boolean> {
      const at = await store.lastSsoSignIn(deviceId);
      return at !== null && now() - at <= withinMs;
    },
  };
}
