/**
 * Property-based fuzzing of the HTTP routes (guarantee 6 of DESIGN §6, as events.test.ts does for
 * the Socket.io events): random and malformed bodies, queries, path parameters and content types
 * at every route under /api, signed out and signed in as the server's admin (so the admin routes
 * are reached too), against a real server.
 *
 * For every request: the server answers (never a 5xx); an /api error is `{ error: { code,
 * message } }` with a stable `ERROR_CODES` code that is never `internal`; a body that is not JSON
 * is `invalid_payload`; the process keeps answering `/healthz` and the admin's session keeps
 * working. Replay a failure with `FUZZ_SEED=<seed>`; `FUZZ_RUNS=<factor>` multiplies the runs.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode, type AuthSession } from '@chitchat/shared';
import { http, register, startServer, type TestServer } from '../harness';
import { FUZZ_TEST_TIMEOUT_MS, fcParams, runs } from './rig';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Every route the server mounts under /api (app.ts), `:param` marking a path parameter. */
const ROUTES: readonly (readonly [Method, string])[] = [
  ['POST', '/api/auth/register'],
  ['POST', '/api/auth/login'],
  ['POST', '/api/auth/refresh'],
  ['POST', '/api/auth/logout'],
  ['GET', '/api/auth/options'],
  ['GET', '/api/auth/oidc/start'],
  ['GET', '/api/auth/oidc/callback'],
  ['POST', '/api/auth/oidc/exchange'],
  ['POST', '/api/auth/oidc/reauthenticate'],
  ['POST', '/api/me/two-step'],
  ['POST', '/api/me/two-step/confirm'],
  ['POST', '/api/me/two-step/disable'],
  ['POST', '/api/me/two-step/recovery-codes'],
  ['GET', '/api/me'],
  ['PATCH', '/api/me'],
  ['DELETE', '/api/me'],
  ['POST', '/api/me/password'],
  ['GET', '/api/users'],
  ['GET', '/api/users/:id'],
  ['GET', '/api/devices'],
  ['POST', '/api/devices/sign-out-others'],
  ['DELETE', '/api/devices/:id'],
  ['POST', '/api/invites'],
  ['GET', '/api/invites'],
  ['DELETE', '/api/invites/:code'],
  ['GET', '/api/admin/server'],
  ['GET', '/api/admin/users'],
  ['PATCH', '/api/admin/users/:id'],
  ['GET', '/api/push/key'],
  ['PUT', '/api/push/subscription'],
  ['DELETE', '/api/push/subscription'],
  ['POST', '/api/media'],
  ['GET', '/api/media/:id'],
  ['GET', '/api/media/:id/thumbnail'],
  ['GET', '/api/no-such-route'],
];

/**
 * Routes left out while signed in as the admin: logging out or signing out everywhere would end
 * the session the property keeps using (they are fuzzed signed out, and their own tests cover them).
 */
const SIGNED_IN_EXCLUDED = new Set(['POST /api/auth/logout']);

/** Single sign-on's steps in the person's browser: they answer an HTML page, not JSON. */
const BROWSER_PAGES = new Set(['GET /api/auth/oidc/start', 'GET /api/auth/oidc/callback']);

const pathParam = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.uuid(),
  fc.constantFrom(
    '..',
    '%2e%2e',
    '__proto__',
    'constructor',
    '0',
    '-1',
    'me',
    '%00',
    'a'.repeat(300),
  ),
);

const queryString = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 30 }), {
      maxKeys: 3,
    })
    .map((q) => `?${new URLSearchParams(q).toString()}`),
  fc.constantFrom('?q=', '?q=ab', '?q[]=x&q[]=y', '?q[a]=1', '?q=%ff', '?limit=-1&before=abc'),
);

/** A body: JSON of any shape, JSON aimed at the routes' fields, or bytes that are not JSON. */
const jsonBody = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.record(
    {
      username: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      password: fc.oneof(fc.string(), fc.array(fc.string())),
      device: fc.oneof(fc.anything({ maxDepth: 1 }), fc.record({ name: fc.string() })),
      refreshToken: fc.string(),
      displayName: fc.oneof(fc.string(), fc.constant(null), fc.boolean()),
      about: fc.string({ maxLength: 400 }),
      photo: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
      code: fc.oneof(fc.string(), fc.integer()),
      currentPassword: fc.string(),
      newPassword: fc.string(),
      role: fc.constantFrom('admin', 'member', 'root', ''),
      disabled: fc.oneof(fc.boolean(), fc.string()),
      endpoint: fc.oneof(fc.webUrl(), fc.string(), fc.constant('http://127.0.0.1:1/push')),
      keys: fc.anything({ maxDepth: 1 }),
      maxUses: fc.oneof(fc.integer(), fc.double()),
      expiresInHours: fc.oneof(fc.integer(), fc.double()),
      block: fc.array(fc.string(), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  ),
);
const body = fc.oneof(
  jsonBody.map((value) => ({ json: value })),
  fc
    .oneof(fc.string(), fc.constantFrom('{', '{"a":', '[1,', 'null', '\u0000', '{"__proto__":{}}'))
    .map((raw) => ({ raw })),
  fc.constant({}),
);

const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'image/png',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
);

const request = fc.record({
  route: fc.constantFrom(...ROUTES),
  param: pathParam,
  query: queryString,
  body,
  contentType,
  signedIn: fc.boolean(),
});

type Request = typeof request extends fc.Arbitrary<infer T> ? T : never;

/** What a property saw that breaks the rules above, or null. */
function problemWith(answer: { status: number; body: unknown }, sent: Request): string | null {
  if (answer.status >= 500) return `answered ${answer.status}: ${JSON.stringify(answer.body)}`;
  if (answer.status < 400) return null;
  const body = answer.body;
  const [method, template] = sent.route;
  if (BROWSER_PAGES.has(`${method} ${template}`)) {
    // A page for the person's browser, naming the error's code as "(code)".
    const code = typeof body === 'string' ? /\((\w+)\)<\/p>/.exec(body)?.[1] : undefined;
    return isErrorCode(code) && code !== 'internal' ? null : `page ${JSON.stringify(body)}`;
  }
  const error =
    typeof body === 'object' && body !== null && 'error' in body
      ? (body).error
      : undefined;
  if (typeof error !== 'object' || error === null) return `error body ${JSON.stringify(body)}`;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (!isErrorCode(code) || code === 'internal') return `error code ${String(code)}`;
  if (typeof message !== 'string' || message.length === 0) return 'error without a message';
  const notJson =
    'raw' in sent.body &&
    sent.contentType === 'application/json' &&
    method !== 'GET' &&
    !isJson(sent.body.raw);
  if (notJson && code !== 'invalid_payload' && code !== 'unauthorized' && code !== 'not_found')
    return `a body that is not JSON was answered ${code}`;
  return null;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('fuzzing every HTTP route', () => {
  let server: TestServer;
  let admin: AuthSession;

  beforeAll(async () => {
    server = await startServer();
    // The first account on an empty server is its admin (DESIGN §12).
    admin = await register(server);
    // Someone else, so the admin's lists and profile lookups have a person in them.
    await register(server);
  });
  afterAll(() => server.stop());

  it(
    'answers random requests at every route with a stable error code, never a 5xx',
    async () => {
      expect(ERROR_CODES).toContain('invalid_payload');
      const seen = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(request, async (sent) => {
          const [method, template] = sent.route;
          const signedIn = sent.signedIn && !SIGNED_IN_EXCLUDED.has(`${method} ${template}`);
          const route = template.replace(/:\w+/, encodeURIComponent(sent.param)) + sent.query;
          const headers: Record<string, string> = {};
          if (sent.contentType !== undefined) headers['content-type'] = sent.contentType;
          const hasBody = method !== 'GET';
          const answer = await http(server, method, route, {
            ...(signedIn ? { token: admin.accessToken } : {}),
            headers,
            ...(hasBody && 'json' in sent.body
              ? { rawBody: JSON.stringify(sent.body.json) ?? 'null' }
              : {}),
            ...(hasBody && 'raw' in sent.body ? { rawBody: sent.body.raw } : {}),
          });
          const key = `${method} ${template} ${answer.status}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
          const problem = problemWith(answer, sent);
          expect(problem, `${method} ${route}`).toBeNull();
        }),
        fcParams(runs(600)),
      );
      // Every route was reached at least once, signed in or not.
      const reached = new Set([...seen.keys()].map((k) => k.split(' ').slice(0, 2).join(' ')));
      for (const [method, template] of ROUTES) expect(reached).toContain(`${method} ${template}`);
      // The server still serves, and the admin's session still works.
      expect((await http(server, 'GET', '/healthz')).status).toBe(200);
      expect((await http(server, 'GET', '/api/me', { token: admin.accessToken })).status).toBe(200);
      if (process.env.FUZZ_STATS === '1') console.log(Object.fromEntries(seen));
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
