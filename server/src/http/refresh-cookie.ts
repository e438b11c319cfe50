import type { Request, Response } from 'express';
import {
  REFRESH_COOKIE_NAME,
  REFRESH_COOKIE_PATH,
  REFRESH_TOKEN_TRANSPORT_HEADER,
  refreshTokenTransportSchema,
  type AuthSession,
  type CookieAuthSession,
  type CookieTokenPair,
  type RefreshTokenTransport,
  type TokenPair,
} from '@chitchat/shared';
import { ServiceError } from '../services/errors';
import { cookieValue } from '../services/sso-flow';
import { parseInput } from './respond';

/*
 * The web app's refresh token in a cookie (issue #17, DESIGN §11): `HttpOnly` (no script reads
 * it), `Secure` (browsers accept it over http only from localhost, where tests run),
 * `SameSite=Strict` and `Path=/api/auth/refresh` (sent to that route only, and never on a request
 * another site starts). Cookie-mode requests must also come from this server's own origin.
 */

/**
 * Chromium keeps a cookie at most 400 days; each refresh renews it, so an app in use stays signed
 * in like the desktop app, and one left alone for that long signs in again.
 */
const REFRESH_COOKIE_MAX_AGE_MS = 400 * 24 * 3600 * 1000;

const cookieOptions = {
  httpOnly: true,
  secure: true,
  sameSite: 'strict',
  path: REFRESH_COOKIE_PATH,
} as const;

/** Where this request wants its refresh token: the header, validated; absent is `body`. */
export function transportOf(req: Request, publicUrl: string | undefined): RefreshTokenTransport {
  const transport = parseInput(
    refreshTokenTransportSchema,
    req.get(REFRESH_TOKEN_TRANSPORT_HEADER),
  );
  if (transport === 'cookie') requireOwnOrigin(req, publicUrl);
  return transport;
}

/**
 * A cookie-mode request must carry an `Origin` naming this server, as browsers do on every POST:
 * PUBLIC_URL's origin, or the one the request was addressed to (the cookie belongs to that host,
 * so no other site can name it). SameSite=Strict already keeps the cookie off cross-site requests;
 * this refuses them before any work, whatever the browser.
 */
function requireOwnOrigin(req: Request, publicUrl: string | undefined): void {
  const origin = req.get('origin');
  const host = req.get('host');
  const allowed = new Set<string>();
  if (publicUrl !== undefined) allowed.add(new URL(publicUrl).origin);
  if (host !== undefined) allowed.add(`${req.protocol}://${host}`.toLowerCase());
  if (origin === undefined || !allowed.has(origin.toLowerCase())) {
    throw new ServiceError(
      'forbidden',
      'A cookie sign-in must come from this server\'s own web app (the "Origin" header did not match).',
    );
  }
}

/** Answers a new session: in cookie mode the refresh token goes into the cookie, not the body. */
export function sendSession(
  res: Response,
  status: number,
  transport: RefreshTokenTransport,
  session: AuthSession,
): void {
  if (transport === 'body') {
    res.status(status).json(session);
    return;
  }
  const { refreshToken, ...rest } = session;
  setRefreshCookie(res, refreshToken);
  const answer: CookieAuthSession = rest;
  res.status(status).set('Cache-Control', 'no-store').json(answer);
}

/** Answers a refresh: in cookie mode the rotated token replaces the cookie. */
export function sendTokens(res: Response, transport: RefreshTokenTransport, pair: TokenPair): void {
  if (transport === 'body') {
    res.json(pair);
    return;
  }
  setRefreshCookie(res, pair.refreshToken);
  const answer: CookieTokenPair = { accessToken: pair.accessToken };
  res.set('Cache-Control', 'no-store').json(answer);
}

/** The refresh token the cookie holds, or null. */
export const refreshCookieOf = (req: Request): string | null =>
  cookieValue(req.headers.cookie, REFRESH_COOKIE_NAME);

/** Tells the browser to drop the cookie (sign-out, or a token the server no longer accepts). */
export function clearRefreshCookie(res: Response): void {
  res.clearCookie(REFRESH_COOKIE_NAME, cookieOptions);
}

function setRefreshCookie(res: Response, refreshToken: string): void {
  res.cookie(REFRESH_COOKIE_NAME, refreshToken, {
    ...cookieOptions,
    maxAge: REFRESH_COOKIE_MAX_AGE_MS,
  });
}
