import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  REFRESH_COOKIE_NAME,
  REFRESH_TOKEN_TRANSPORT_HEADER,
  type AuthSession,
  type Me,
} from '@chitchat/shared';
import { http, register, startServer, tempDir, uniqueName, type TestServer } from './harness';

/*
 * The web app's refresh token in an HttpOnly cookie (issue #17, DESIGN §11), over a real server:
 * what the browser is told to keep, what it sends back, and what a request from another site gets.
 */

interface CookieAnswer<T> {
  status: number;
  body: T;
  /** The Set-Cookie lines of the answer. */
  cookies: string[];
}

async function cookieRequest<T = unknown>(
  server: { url: string },
  route: string,
  options: { body?: unknown; cookie?: string; origin?: string | null; token?: string } = {},
): Promise<CookieAnswer<T>> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    [REFRESH_TOKEN_TRANSPORT_HEADER]: 'cookie',
  };
  const origin = options.origin === undefined ? server.url : options.origin;
  if (origin !== null) headers.origin = origin;
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${server.url}${route}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(options.body ?? {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as T,
    cookies: response.headers.getSetCookie(),
  };
}

/** The `name=value` pair of the refresh cookie an answer sets, as a browser would send it back. */
function refreshCookie(answer: CookieAnswer<unknown>): string {
  const line = answer.cookies.find((c) => c.startsWith(`${REFRESH_COOKIE_NAME}=`));
  if (line === undefined) throw new Error(`no refresh cookie in ${JSON.stringify(answer.cookies)}`);
  return line.split(';')[0] ?? '';
}

const attributesOf = (line: string) =>
  line
    .split(';')
    .slice(1)
    .map((part) => part.trim().toLowerCase());

describe('the web app refresh token in a cookie', () => {
  let server: TestServer;
  let data: ReturnType<typeof tempDir>;

  beforeEach(async () => {
    data = tempDir();
    server = await startServer({ dataDir: data.dir });
  });
  afterEach(async () => {
    await server.stop();
    data.remove();
  });

  it('register and login in cookie mode put the refresh token in an HttpOnly, Secure, SameSite=Strict cookie on the refresh route, never in the body', async () => {
    const username = uniqueName('web');
    const registered = await cookieRequest<AuthSession>(server, '/api/auth/register', {
      body: { username, password: 'correct horse battery' },
    });
    expect(registered.status).toBe(201);
    expect(registered.body.user.username).toBe(username);
    expect(registered.body.accessToken).toEqual(expect.any(String));
    expect(registered.body).not.toHaveProperty('refreshToken');
    const line = registered.cookies.find((c) => c.startsWith(`${REFRESH_COOKIE_NAME}=`)) ?? '';
    expect(attributesOf(line)).toEqual(
      expect.arrayContaining(['httponly', 'secure', 'samesite=strict', 'path=/api/auth/refresh']),
    );
    expect(refreshCookie(registered).length).toBeGreaterThan(`${REFRESH_COOKIE_NAME}=`.length + 20);

    const login = await cookieRequest<AuthSession>(server, '/api/auth/login', {
      body: {
        username,
        password: 'correct horse battery',
        device: { name: 'Web', platform: 'web' },
      },
    });
    expect(login.status).toBe(200);
    expect(login.body).not.toHaveProperty('refreshToken');
    expect(login.body.device.platform).toBe('web');
    expect(refreshCookie(login)).not.toBe(refreshCookie(registered));
  });

  it('refresh reads the cookie and rotates it; the new access token works and the first cookie again within the grace window gets the same new one', async () => {
    const session = await cookieRequest<AuthSession>(server, '/api/auth/register', {
      body: { username: uniqueName('web'), password: 'correct horse battery' },
    });
    const first = refreshCookie(session);

    const refreshed = await cookieRequest<{ accessToken: string }>(server, '/api/auth/refresh', {
      cookie: first,
    });
    expect(refreshed.status).toBe(200);
    expect(Object.keys(refreshed.body)).toEqual(['accessToken']);
    const second = refreshCookie(refreshed);
    expect(second).not.toBe(first);
    const me = await http<Me>(server, 'GET', '/api/me', { token: refreshed.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(session.body.user.id);

    // A lost answer: the browser still holds the first cookie and presents it again.
    const retried = await cookieRequest(server, '/api/auth/refresh', { cookie: first });
    expect(retried.status).toBe(200);
    expect(refreshCookie(retried)).toBe(second);
  });

  it('a cookie-mode request from another origin, or with no Origin, is refused and changes nothing', async () => {
    const session = await cookieRequest<AuthSession>(server, '/api/auth/register', {
      body: { username: uniqueName('web'), password: 'correct horse battery' },
    });
    const cookie = refreshCookie(session);

    for (const origin of ['https://evil.example', 'null', null]) {
      const refused = await cookieRequest(server, '/api/auth/refresh', { cookie, origin });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: { code: 'forbidden' } });
      expect(refused.cookies).toEqual([]);
    }
    const loginElsewhere = await cookieRequest(server, '/api/auth/login', {
      body: { username: session.body.user.username, password: 'correct horse battery' },
      origin: 'https://evil.example',
    });
    expect(loginElsewhere.status).toBe(403);
    expect(loginElsewhere.cookies).toEqual([]);

    // Nothing rotated: the cookie still works from the app's own origin, once.
    const refreshed = await cookieRequest(server, '/api/auth/refresh', { cookie });
    expect(refreshed.status).toBe(200);
  });

  it('PUBLIC_URL is an allowed origin besides the address the request came to', async () => {
    const proxied = await startServer({ config: { PUBLIC_URL: 'https://chat.example.org' } });
    try {
      const session = await cookieRequest<AuthSession>(proxied, '/api/auth/register', {
        body: { username: uniqueName('web'), password: 'correct horse battery' },
        origin: 'https://chat.example.org',
      });
      expect(session.status).toBe(201);
      const refreshed = await cookieRequest(proxied, '/api/auth/refresh', {
        cookie: refreshCookie(session),
        origin: 'https://chat.example.org',
      });
      expect(refreshed.status).toBe(200);
      const other = await cookieRequest(proxied, '/api/auth/refresh', {
        cookie: refreshCookie(refreshed),
        origin: 'https://chat.example.org.evil.example',
      });
      expect(other.status).toBe(403);
    } finally {
      await proxied.stop();
    }
  });

  it('refresh without the cookie is unauthorized; a bad transport value is invalid_payload', async () => {
    const none = await cookieRequest(server, '/api/auth/refresh');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: { code: 'unauthorized' } });

    const bad = await fetch(`${server.url}/api/auth/refresh`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: server.url,
        [REFRESH_TOKEN_TRANSPORT_HEADER]: 'localStorage',
      },
      body: '{}',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_payload' } });
  });

  it('sign-out clears the cookie, and the old cookie then no longer refreshes (and is cleared again)', async () => {
    const session = await cookieRequest<AuthSession>(server, '/api/auth/register', {
      body: { username: uniqueName('web'), password: 'correct horse battery' },
    });
    const cookie = refreshCookie(session);
    const logout = await cookieRequest(server, '/api/auth/logout', {
      token: session.body.accessToken,
    });
    expect(logout.status).toBe(204);
    const cleared = logout.cookies.find((c) => c.startsWith(`${REFRESH_COOKIE_NAME}=;`)) ?? '';
    expect(attributesOf(cleared)).toEqual(
      expect.arrayContaining(['path=/api/auth/refresh', 'expires=thu, 01 jan 1970 00:00:00 gmt']),
    );

    const after = await cookieRequest(server, '/api/auth/refresh', { cookie });
    expect(after.status).toBe(401);
    expect(after.cookies.some((c) => c.startsWith(`${REFRESH_COOKIE_NAME}=;`))).toBe(true);
  });

  it('without the header everything stays as before: the refresh token in the body, no cookie', async () => {
    const answer = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: uniqueName('desk'), password: 'correct horse battery' }),
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.getSetCookie()).toEqual([]);
    const body = (await answer.json()) as AuthSession;
    expect(body.refreshToken).toEqual(expect.any(String));
    const session = await register(server);
    const refreshed = await http<{ refreshToken: string }>(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: session.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).toEqual(expect.any(String));
  });
});
