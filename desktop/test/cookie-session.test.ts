import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REFRESH_COOKIE_NAME } from '@chitchat/shared';
import { startServer, uniqueName, type TestServer } from '@chitchat/server/testing';
import {
  ApiClient,
  COOKIE_SESSION,
  memorySecretStore,
  type FetchLike,
  type SecretStore,
} from '../src/core/api-client';

/**
 * fetch as a browser page of the server's origin does it: it sends its Origin and keeps the
 * cookies the server sets (a jar keyed by name), sending them back; script never reads them.
 */
function browserFetch(origin: string): { fetch: FetchLike; jar: Map<string, string> } {
  const jar = new Map<string, string>();
  const fetchLike: FetchLike = async (url, init) => {
    const headers = new Headers(init?.headers);
    headers.set('origin', origin);
    if (jar.size > 0) {
      headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(url, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      const expired = attributes.some((a) => /expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  };
  return { fetch: fetchLike, jar };
}

/** The web app's secret store (DESIGN §11): only "a session exists"; the token is the cookie. */
function cookieSecretStore(): SecretStore & { values: (string | null)[] } {
  const inner = memorySecretStore();
  const values: (string | null)[] = [];
  return {
    transport: 'cookie',
    values,
    get: () => inner.get(),
    async set(token) {
      values.push(token);
      await inner.set(token);
    },
  };
}

describe('the engine keeps its refresh token in a cookie (the web app, DESIGN §11)', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('signs up, refreshes by cookie and signs out; the token never reaches the engine', async () => {
    const browser = browserFetch(server.url);
    const secrets = cookieSecretStore();
    const api = new ApiClient(server.url, secrets, { fetch: browser.fetch });
    const session = await api.register({
      username: uniqueName('webuser'),
      password: 'long enough',
      device: { name: 'Chromium', platform: 'web' },
    });
    expect(session).not.toHaveProperty('refreshToken');
    const cookie = browser.jar.get(REFRESH_COOKIE_NAME);
    expect(cookie).toBeTruthy();
    expect(secrets.values).toEqual([COOKIE_SESSION]);

    expect(await api.refresh()).toBeTruthy();
    expect(browser.jar.get(REFRESH_COOKIE_NAME)).not.toBe(cookie); // rotated
    expect((await api.me()).id).toBe(session.user.id);
    // A later engine (a reload) starts from the marker and the browser's cookie alone.
    const reloaded = new ApiClient(server.url, secrets, { fetch: browser.fetch });
    expect(await reloaded.hasSession()).toBe(true);
    expect((await reloaded.me()).id).toBe(session.user.id);
    expect(secrets.values.every((value) => value === COOKIE_SESSION || value === null)).toBe(true);

    await reloaded.logout();
    expect(browser.jar.has(REFRESH_COOKIE_NAME)).toBe(false);
    expect(await secrets.get()).toBeNull();
  });
});
