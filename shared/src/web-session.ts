import { z } from 'zod';
import type { AuthSession } from './model';

/*
 * The web app's sign-in (issue #17, DESIGN §11): its refresh token lives in an HttpOnly cookie
 * scoped to the refresh route, never in script-readable storage. A client asks for that with a
 * header on register, login, the single sign-on exchange, and refresh; the answers then carry no
 * refresh token. A custom header also keeps these requests same-origin: a browser sends one to
 * another site only after a CORS preflight, which the server never answers.
 */

/** Request header naming where the refresh token travels: `body` (default) or `cookie`. */
export const REFRESH_TOKEN_TRANSPORT_HEADER = 'X-Refresh-Token-Transport';

/** The cookie holding the web app's refresh token. */
export const REFRESH_COOKIE_NAME = 'chitchat_refresh';

/** The cookie's Path: the only route the browser sends it to. */
export const REFRESH_COOKIE_PATH = '/api/auth/refresh';

/**
 * The header's value, case-insensitive; absent means `body` (the desktop app and other clients,
 * which keep the token in their own secret store).
 */
export const refreshTokenTransportSchema = z
  .string()
  .max(16)
  .transform((value) => value.trim().toLowerCase())
  .pipe(z.enum(['body', 'cookie']))
  .optional()
  .transform((value) => value ?? 'body');
export type RefreshTokenTransport = z.output<typeof refreshTokenTransportSchema>;

/** `POST /api/auth/refresh` in cookie mode: the token comes from the cookie, the body is empty. */
export const cookieRefreshBodySchema = z.object({}).optional();

/** What register, login and the single sign-on exchange answer in cookie mode. */
export type CookieAuthSession = Omit<AuthSession, 'refreshToken'>;

/** What refresh answers in cookie mode (the rotated token went into the cookie). */
export interface CookieTokenPair {
  accessToken: string;
}
