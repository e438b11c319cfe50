import path from 'node:path';
import { z } from 'zod';
import { MEDIA_MAX_BYTES, REGISTRATION_MODES } from '@chitchat/shared';

const intFrom = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/**
 * How many proxies stand in front of the server. Unset (or 0): the peer address is the client and
 * X-Forwarded-For is ignored, so a direct client cannot choose the address its rate limits key on.
 * A hop count trusts exactly that many proxies. `true` (trust every hop) is refused: behind one
 * proxy it would take the left-most X-Forwarded-For entry, which the client writes itself.
 */
const trustProxySchema = optionalString.pipe(
  z
    .string()
    .regex(
      /^\d{1,2}$/,
      'must be the number of proxies in front of the server (1 behind the compose Caddy), or unset when clients connect directly; `true` is refused because it would let clients choose their own address',
    )
    .transform(Number)
    .optional(),
);

const booleanSetting = optionalString.pipe(
  z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1')
    .default(false),
);

/** A VAPID key as `web-push generate-vapid-keys` prints it: base64url of `bytes` bytes. */
const vapidKey = (bytes: number, first: string) =>
  optionalString.pipe(
    z
      .string()
      .regex(
        new RegExp(`^${first}[A-Za-z0-9_-]{${String(Math.ceil((bytes * 4) / 3) - 1)}}$`),
        `must be a base64url VAPID key of ${String(bytes)} bytes (npx web-push generate-vapid-keys)`,
      )
      .optional(),
  );

const envSchema = z.object({
  PORT: intFrom(3000, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  TRUST_PROXY: trustProxySchema,
  /** `/metrics` is served on this port only (0: any free port, logged at start). */
  METRICS_PORT: intFrom(9464, 0, 65535),
  /** Loopback by default: metrics are unauthenticated and for the operator's scraper only. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  /**
   * The built web app (`npm run build:web`), served at PUBLIC_URL/ (issue #17); default the
   * repository's desktop/dist/web. Without a build there, `/` says how to make one.
   */
  WEB_APP_DIR: z
    .string()
    .min(1)
    .default(path.resolve(import.meta.dirname, '../../desktop/dist/web')),
  MONGODB_URI: optionalString,
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  MEDIA_MAX_BYTES: intFrom(MEDIA_MAX_BYTES, 1),
  /** What one account's uploads may occupy on the server (each stored object once): 5 GiB. */
  MEDIA_QUOTA_BYTES: intFrom(5 * 1024 ** 3, 0),
  /** Uploads per minute per device (DESIGN §4). */
  RATE_LIMIT_UPLOAD: intFrom(60, 1),
  /** Uploads one device may have in progress at once; more are `rate_limited` (429). */
  MEDIA_UPLOADS_CONCURRENT: intFrom(4, 1, 1000),
  RATE_LIMIT_SEND: intFrom(20, 1),
  /** Group creations and changes (create, update, leave) per minute per device. */
  RATE_LIMIT_GROUP: intFrom(30, 1),
  /** Receipts (delivered and read) per second per device, bursts of twice that. */
  RATE_LIMIT_RECEIPT: intFrom(50, 1),
  /** New direct chats per hour per device; reopening an existing one is free. */
  RATE_LIMIT_CONVERSATION: intFrom(60, 1),
  /** presence:watch calls per minute per device (each replaces the watched set). */
  RATE_LIMIT_PRESENCE: intFrom(30, 1),
  /** Account-state changes (`account:set`: stars, delete for me) per second per device, bursts of twice that. */
  RATE_LIMIT_ACCOUNT: intFrom(10, 1),
  RATE_LIMIT_AUTH: intFrom(10, 1),
  /** User searches (`GET /api/users?q=`) per minute per user, all their devices together. */
  RATE_LIMIT_SEARCH: intFrom(30, 1),
  REFRESH_GRACE_S: intFrom(30, 0, 3600),
  MAX_DEVICES: intFrom(20, 1, 1000),
  ACCESS_TOKEN_TTL_S: intFrom(15 * 60, 10, 24 * 3600),
  /**
   * With REDIS_URL: how long a connection's presence entry lives without a heartbeat. Heartbeats
   * come every third of it and any process sweeps expired entries at least every 10 s, so the users
   * of a crashed process are shown offline within TTL + min(10, TTL/3) seconds.
   */
  PRESENCE_TTL_S: intFrom(45, 3, 3600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Who may register (DESIGN §4): `invite` (the first account registers freely and becomes admin,
   * everyone after needs an invite code), `open`, or `closed` (accounts only through
   * `npm run admin`).
   */
  REGISTRATION: z.enum(REGISTRATION_MODES).default('invite'),
  /**
   * Days a deleted account's username stays reserved (issue #15), so nobody can take it at once
   * and be mistaken for the person by those who knew them; 0 frees it at once.
   */
  USERNAME_QUARANTINE_DAYS: intFrom(30, 0, 3650),
  /**
   * Two-step sign-in required for admins (issue #18): an admin's powers (HTTP and app; not the
   * operator's `npm run admin`) wait until their two-step sign-in is on, and it cannot be turned off.
   */
  TOTP_REQUIRED_FOR_ADMINS: booleanSetting,
  /**
   * Members may make invite codes too (issue #18: "made by admins and, if the admin allows, by
   * members"): single-use ones, listed and revoked by their maker. Off by default.
   */
  MEMBER_INVITES: booleanSetting,
  /**
   * The VAPID key pair of Web Push (issue #17): unset, generated once into DATA_DIR. Set both, the
   * same on every process, in scaled mode (required there when Web Push is on, like JWT_SECRET):
   * a browser's subscription is bound to the public key it was made with.
   */
  VAPID_PUBLIC_KEY: vapidKey(65, 'B'),
  VAPID_PRIVATE_KEY: vapidKey(32, '[A-Za-z0-9_-]'),
  /**
   * Lets push subscriptions name plain-http and loopback endpoints, for tests and development with
   * a local push service. Off, endpoints must be https:// addresses of public hosts: the server
   * posts to them, so they must never reach into its own network.
   */
  WEB_PUSH_ALLOW_LOOPBACK: booleanSetting,
  /** Push subscription changes (`PUT`/`DELETE /api/push/subscription`) per minute per device. */
  RATE_LIMIT_PUSH: intFrom(10, 1),
  /**
   * The address people use to reach the server (`https://chat.example.org`), for invite links and
   * Web Push (its VAPID subject; Web Push is on only with an https:// address); unset: invites
   * carry their code only and there is no Web Push.
   */
  PUBLIC_URL: optionalString.pipe(
    z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' })
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
  ),
  /**
   * Single sign-on (issue #18): the OpenID Connect provider's issuer URL (https; http only on
   * loopback, for local providers and tests), this server's client id and secret there, and the
   * name shown on the sign-in button (default: the issuer's host). Unset issuer: off.
   */
  OIDC_ISSUER: optionalString.pipe(
    z
      .url({ protocol: /^https?$/, error: "must be the provider's https:// issuer URL" })
      .refine(
        (url) =>
          url.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url),
        'must be https:// (http:// only for a provider on this machine)',
      )
      .optional(),
  ),
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  OIDC_NAME: optionalString.pipe(z.string().max(64, 'must be at most 64 characters').optional()),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads the configuration from the environment. Every knob has an embedded-mode default; a bad value
 * throws a ConfigError naming the variable and what it must be.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(envSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) =>
        `${issue.path.join('.')}=${JSON.stringify(relevant[String(issue.path[0])])}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const config = parsed.data;
  if (
    (config.MONGODB_URI !== undefined || config.REDIS_URL !== undefined) &&
    config.JWT_SECRET === undefined
  ) {
    throw new ConfigError(
      'Invalid configuration: JWT_SECRET must be set when MONGODB_URI or REDIS_URL is set, so every server process signs tokens with the same key',
    );
  }
  if (config.OIDC_ISSUER !== undefined) {
    const missing = (['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'PUBLIC_URL'] as const).filter(
      (key) => config[key] === undefined,
    );
    if (missing.length > 0) {
      throw new ConfigError(
        `Invalid configuration: OIDC_ISSUER is set, so ${missing.join(', ')} must be set too (the provider redirects back to PUBLIC_URL/api/auth/oidc/callback)`,
      );
    }
  }
  if ((config.VAPID_PUBLIC_KEY === undefined) !== (config.VAPID_PRIVATE_KEY === undefined)) {
    throw new ConfigError(
      'Invalid configuration: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together (one key pair) or not at all',
    );
  }
  if (
    webPushEnabled(config) &&
    (config.MONGODB_URI !== undefined || config.REDIS_URL !== undefined) &&
    config.VAPID_PUBLIC_KEY === undefined
  ) {
    throw new ConfigError(
      'Invalid configuration: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set when MONGODB_URI or REDIS_URL is set and PUBLIC_URL is https, so every server process signs pushes with the key the browsers subscribed to (npx web-push generate-vapid-keys)',
    );
  }
  return config;
}

/** Web Push is on with an https:// PUBLIC_URL, its VAPID subject (push services ask for one). */
export const webPushEnabled = (config: Pick<Config, 'PUBLIC_URL'>): boolean =>
  config.PUBLIC_URL?.startsWith('https://') === true;

/**
 * Every rate limit raised out of the way, for functional tests and benchmarks, whose clients act
 * far faster than people; the tests of a limit set it back to its default or lower.
 */
export const RAISED_RATE_LIMITS = {
  RATE_LIMIT_SEND: 1_000_000,
  RATE_LIMIT_GROUP: 1_000_000,
  RATE_LIMIT_RECEIPT: 1_000_000,
  RATE_LIMIT_CONVERSATION: 1_000_000,
  RATE_LIMIT_PRESENCE: 1_000_000,
  RATE_LIMIT_ACCOUNT: 1_000_000,
  RATE_LIMIT_AUTH: 1_000_000,
  RATE_LIMIT_SEARCH: 1_000_000,
  RATE_LIMIT_UPLOAD: 1_000_000,
  RATE_LIMIT_PUSH: 1_000_000,
} satisfies Partial<Config>;

/** RAISED_RATE_LIMITS as environment variables, for a server started as a process. */
export const raisedRateLimitEnv = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(RAISED_RATE_LIMITS).map(([key, value]) => [key, String(value)]),
  );

/** A complete config for tests: embedded defaults plus overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), PORT: 0, LOG_LEVEL: 'silent', ...overrides };
}
