import { z } from 'zod';
import { INVITE_CODE_MAX_LENGTH } from './limits';
import { REGISTRATION_MODES, type RegistrationMode } from './admin';
import { deviceDescriptorSchema, textSchema } from './schemas';

/*
 * Single sign-on with an OpenID Connect provider (issue #18, DESIGN §12). The server is the
 * relying party (authorization code + PKCE, it holds the client secret and the callback); the apps
 * get a one-time code at the end and exchange it for the usual session. The wire names are
 * documented in docs/protocol.md, "Single sign-on".
 */

/** Who started a single sign-on: the desktop app (loopback redirect, RFC 8252) or the web app. */
export const SSO_CLIENTS = ['desktop', 'web'] as const;
export type SsoClient = (typeof SSO_CLIENTS)[number];

/** Loopback hosts a desktop app may be redirected to (RFC 8252 §7.3): never a name. */
export const SSO_LOOPBACK_HOSTS = ['127.0.0.1', '[::1]'] as const;

/** The path the app listens on for the one redirect, on its loopback port. */
export const SSO_LOOPBACK_PATH = '/sso';

/** How long the one-time code handed to the app stays good (seconds). */
export const SSO_CODE_TTL_S = 60;

/** How long a started sign-in may take at the provider (seconds) before it must start again. */
export const SSO_FLOW_TTL_S = 600;

/** A PKCE S256 code challenge (RFC 7636): base64url of a SHA-256, 43 characters. */
const challengeSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'must be the base64url SHA-256 of the code verifier (S256)');

/** An opaque value the app chose and expects back on its redirect (binds it to its own start). */
const appStateSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be 16–128 characters of A-Z a-z 0-9 - _');

/**
 * `GET /api/auth/oidc/start`: query parameters (strings). `port` is the desktop app's loopback
 * port: a number only, so the redirect can never name another host.
 */
export const ssoStartQuerySchema = z
  .object({
    client: z.enum(SSO_CLIENTS),
    port: z
      .string()
      .regex(/^[1-9]\d{0,4}$/, 'must be a port number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(65535))
      .optional(),
    loopback: z.enum(SSO_LOOPBACK_HOSTS).optional(),
    state: appStateSchema,
    codeChallenge: challengeSchema,
    /**
     * `reauthenticate`: a signed-in person proves it is them again (a recent single sign-on stands
     * in for a password): no account is made, and the code goes to `/oidc/reauthenticate`.
     */
    purpose: z.enum(['sign-in', 'reauthenticate']).optional(),
    inviteCode: textSchema()
      .pipe(z.string().trim().max(INVITE_CODE_MAX_LENGTH))
      .transform((code) => (code === '' ? undefined : code))
      .optional(),
  })
  .refine((q) => q.client !== 'desktop' || q.port !== undefined, {
    message: 'the desktop app names its loopback port',
    path: ['port'],
  })
  .refine((q) => q.client === 'desktop' || (q.port === undefined && q.loopback === undefined), {
    message: 'only the desktop app is redirected to a loopback port',
    path: ['port'],
  });
export type SsoStartQuery = z.infer<typeof ssoStartQuerySchema>;

/** `GET /api/auth/oidc/callback`: what the provider sends back (validated again by openid-client). */
export const ssoCallbackQuerySchema = z.object({
  state: z.string().min(1).max(512).optional(),
  code: z.string().min(1).max(4096).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(1024).optional(),
  iss: z.string().max(2048).optional(),
  session_state: z.string().max(1024).optional(),
});

/**
 * `POST /api/auth/oidc/exchange`: the one-time code from the redirect, and the PKCE verifier whose
 * challenge the app sent to `start` (so only the app that started the sign-in can use its code).
 */
export const ssoExchangeBodySchema = z.object({
  code: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a one-time sign-in code'),
  codeVerifier: z
    .string()
    .regex(/^[A-Za-z0-9._~-]{43,128}$/, 'must be a PKCE code verifier (RFC 7636)'),
  device: deviceDescriptorSchema.optional(),
});
export type SsoExchangeBody = z.infer<typeof ssoExchangeBodySchema>;

/** `POST /api/auth/oidc/reauthenticate` (with a bearer token): the code of a `reauthenticate` start. */
export const ssoReauthenticateBodySchema = ssoExchangeBodySchema.omit({ device: true });
export type SsoReauthenticateBody = z.infer<typeof ssoReauthenticateBodySchema>;

/** What `POST /api/auth/oidc/reauthenticate` answers: when this device last used the provider. */
export interface SsoReauthentication {
  ssoAuthenticatedAt: number;
}

/** `GET /api/auth/options`: what the sign-in screen offers, asked before anyone signs in. */
export interface AuthOptions {
  registration: RegistrationMode;
  /** Single sign-on, when the operator set it up: the provider's name for the button. */
  sso: { name: string } | null;
}

export const authOptionsSchema: z.ZodType<AuthOptions> = z.object({
  registration: z.enum(REGISTRATION_MODES),
  sso: z.object({ name: z.string().min(1).max(128) }).nullable(),
});
