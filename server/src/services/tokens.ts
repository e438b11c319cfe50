import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

export interface AccessClaims {
  userId: string;
  deviceId: string;
}

const ISSUER = 'chitchat';

export async function signAccessToken(
  key: Uint8Array,
  claims: AccessClaims,
  ttlSeconds: number,
): Promise<string> {
  return new SignJWT({ did: claims.deviceId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key);
}

/** The claims of a valid, unexpired access token, or null. Revocation is checked by the caller. */
export async function verifyAccessToken(
  key: Uint8Array,
  token: string,
): Promise<AccessClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.did !== 'string') return null;
    return { userId: payload.sub, deviceId: payload.did };
  } catch {
    return null;
  }
}

/**
 * Refresh tokens are `<deviceId>.<body>.<tag>`. The body of the first token is random; each rotation
 * derives the next body as an HMAC of the previous one, so a retry of a lost refresh response can be
 * answered with the same new token without ever storing a token in plain. The tag authenticates the
 * token as minted here, so a forged token is merely refused, while a genuine but outdated one is
 * evidence of theft.
 */
export interface ParsedRefreshToken {
  deviceId: string;
  body: string;
}

const tagOf = (key: Buffer, deviceId: string, body: string) =>
  createHmac('sha256', key).update(`tag:${deviceId}.${body}`).digest('base64url').slice(0, 22);

const assemble = (key: Buffer, deviceId: string, body: string) =>
  `${deviceId}.${body}.${tagOf(key, deviceId, body)}`;

export function mintRefreshToken(key: Buffer, deviceId: string): string {
  return assemble(key, deviceId, randomBytes(32).toString('base64url'));
}

export function nextRefreshToken(key: Buffer, current: ParsedRefreshToken): string {
  const body = createHmac('sha256', key).update(`next:${current.body}`).digest('base64url');
  return assemble(key, current.deviceId, body);
}

export function parseRefreshToken(key: Buffer, token: string): ParsedRefreshToken | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [deviceId, body, tag] = parts as [string, string, string];
  if (deviceId === '' || body === '') return null;
  const expected = Buffer.from(tagOf(key, deviceId, body));
  const given = Buffer.from(tag);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { deviceId, body };
}

export const hashToken = (token: string): string =>
  createHash('sha256').update(token).digest('base64url');
