import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  DISPLAY_NAME_MAX_LENGTH,
  SSO_CLIENTS,
  SSO_LOOPBACK_HOSTS,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
  displayNameSchema,
} from '@chitchat/shared';

/*
 * The pieces of a single sign-on that live between `start` and `callback` (issue #18): what the
 * server must remember across the trip to the provider is sealed into a cookie (AES-256-GCM with a
 * key derived from the server secret), so any replica can finish a sign-in another one started, and
 * only the browser that started it can finish it (no login CSRF: a callback URL sent to someone
 * else finds no cookie there).
 */

/** The cookie carrying the sealed flow; scoped to the single sign-on routes. */
export const SSO_FLOW_COOKIE = 'chitchat_sso';

const flowSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  verifier: z.string().min(43),
  client: z.enum(SSO_CLIENTS),
  port: z.number().int().min(1).max(65535).optional(),
  loopback: z.enum(SSO_LOOPBACK_HOSTS).optional(),
  appState: z.string().min(1),
  challenge: z.string().min(43),
  inviteCode: z.string().optional(),
  expiresAt: z.number().int(),
  /** Proving a signed-in person again: the account must exist already. */
  reauthenticate: z.boolean().optional(),
});
export type SsoFlow = z.infer<typeof flowSchema>;

/** The flow cookie's key, derived from the server's refresh-token key for this purpose only. */
export const flowKey = (serverKey: Buffer): Buffer =>
  createHmac('sha256', serverKey).update('chitchat:sso-flow').digest();

export function sealFlow(key: Buffer, flow: SsoFlow): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(flow), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The flow sealed in `sealed`, or null when it was not made by this server (or was altered). */
export function openFlow(key: Buffer, sealed: string): SsoFlow | null {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length < 29) return null;
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString(
      'utf8',
    );
    const parsed = flowSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The value of cookie `name` in a Cookie header, or null. */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The claims a new account's names come from. */
export interface NameClaims {
  preferred_username?: unknown;
  email?: unknown;
  name?: unknown;
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/**
 * A valid username (3–32 of a-z 0-9 _ .) from the provider's preferred_username, else the local
 * part of the email, else the name; `attempt` > 0 adds a number to make it unique.
 */
export function usernameFor(claims: NameClaims, attempt: number): string {
  const raw = str(claims.preferred_username) ?? str(claims.email) ?? str(claims.name) ?? 'user';
  let base = (raw.includes('@') ? raw.slice(0, raw.indexOf('@')) : raw)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_.]+/g, '_')
    .replace(/^[_.]+|[_.]+$/g, '');
  if (base.length < USERNAME_MIN_LENGTH) base = `${base}${base === '' ? '' : '_'}user`;
  if (base.length < USERNAME_MIN_LENGTH) base = 'user';
  // A few numbered tries, then a random number: a crowded name never loops for long.
  const suffix =
    attempt === 0 ? '' : attempt < 10 ? String(attempt + 1) : String(1000 + randomInt9000());
  return `${base.slice(0, USERNAME_MAX_LENGTH - suffix.length)}${suffix}`;
}

const randomInt9000 = () => randomBytes(2).readUInt16BE(0) % 9000;

/** The display name for a new account: the provider's name when it is a valid one. */
export function displayNameFor(claims: NameClaims, username: string): string {
  for (const candidate of [str(claims.name), str(claims.preferred_username)]) {
    if (candidate === undefined) continue;
    const parsed = displayNameSchema.safeParse(candidate.slice(0, DISPLAY_NAME_MAX_LENGTH));
    if (parsed.success) return parsed.data;
  }
  return username;
}
