import type { IncomingMessage } from 'node:http';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import {
  HTTP_STATUS_BY_CODE,
  SSO_FLOW_TTL_S,
  ssoCallbackQuerySchema,
  ssoExchangeBodySchema,
  ssoReauthenticateBodySchema,
  ssoStartQuerySchema,
} from '@chitchat/shared';
import type { Logger } from '../logger';
import { ServiceError } from '../services/errors';
import type { SsoService } from '../services/sso';
import { SSO_FLOW_COOKIE, cookieValue } from '../services/sso-flow';
import { sendSession, transportOf } from './refresh-cookie';
import { authOf, parseInput, route, sendError } from './respond';

const COOKIE_PATH = '/api/auth/oidc';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * The browser's routes show problems as a small page (a person is looking at it); a client asking
 * for JSON gets the usual `{ error: { code, message } }`.
 */
function refuse(req: Request, res: Response, error: ServiceError): void {
  const status = HTTP_STATUS_BY_CODE[error.code];
  if (req.accepts(['html', 'json']) === 'json') {
    sendError(res, status, { code: error.code, message: error.message });
    return;
  }
  res
    .status(status)
    .type('html')
    .set('Cache-Control', 'no-store')
    .send(
      `<!doctype html><meta charset="utf-8"><title>chitchat sign-in</title>` +
        `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">` +
        `<h1 style="font-size:1.3rem">Sign-in did not work</h1><p>${escapeHtml(error.message)}</p>` +
        `<p style="color:#666">(${error.code})</p></body>`,
    );
}

/**
 * Single sign-on (issue #18; docs/protocol.md "Single sign-on"), under `/api/auth`:
 * `GET /options` (public: registration mode and the provider), `GET /oidc/start` (302 to the
 * provider), `GET /oidc/callback` (302 to the app with a one-time code), `POST /oidc/exchange`, and
 * `POST /oidc/reauthenticate` (signed in: a fresh single sign-on for the calling device).
 */
export function ssoRouter(
  sso: SsoService,
  addressOf: (request: IncomingMessage) => string,
  logger: Logger,
  /** True when PUBLIC_URL is https: the flow cookie is then sent over TLS only. */
  secureCookie: boolean,
  /** `requireAuth`, for `/oidc/reauthenticate`. */
  authenticated: RequestHandler,
  /** PUBLIC_URL: an origin the web app's cookie-mode exchange may come from (refresh-cookie.ts). */
  publicUrl: string | undefined,
): Router {
  const router = Router();

  const browserRoute = (handler: (req: Request, res: Response) => Promise<void>) =>
    route(async (req, res) => {
      try {
        await handler(req, res);
      } catch (error) {
        if (!(error instanceof ServiceError)) {
          logger.error({ err: error, url: req.path }, 'single sign-on failed');
          refuse(req, res, new ServiceError('internal', 'Something went wrong on the server.'));
          return;
        }
        refuse(req, res, error);
      }
    });

  router.get(
    '/options',
    route(async (_req, res) => {
      res.json(sso.authOptions());
    }),
  );
  router.get(
    '/oidc/start',
    browserRoute(async (req, res) => {
      const query = parseInput(ssoStartQuerySchema, req.query);
      const { location, sealed } = await sso.start(query, addressOf(req));
      // SameSite=Lax: sent on the provider's top-level redirect back, never on other sites' requests.
      res.cookie(SSO_FLOW_COOKIE, sealed, {
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookie,
        path: COOKIE_PATH,
        maxAge: SSO_FLOW_TTL_S * 1000,
      });
      res.set('Cache-Control', 'no-store').redirect(302, location);
    }),
  );
  router.get(
    '/oidc/callback',
    browserRoute(async (req, res) => {
      parseInput(ssoCallbackQuerySchema, req.query);
      const search = req.originalUrl.includes('?')
        ? req.originalUrl.slice(req.originalUrl.indexOf('?'))
        : '';
      const sealed = cookieValue(req.headers.cookie, SSO_FLOW_COOKIE);
      // The flow is over either way: its cookie cannot be used twice.
      res.clearCookie(SSO_FLOW_COOKIE, { path: COOKIE_PATH });
      const outcome = await sso.callback(search, sealed);
      res.set('Cache-Control', 'no-store').redirect(302, outcome.location);
    }),
  );
  router.post(
    '/oidc/exchange',
    route(async (req, res) => {
      const transport = transportOf(req, publicUrl);
      const body = parseInput(ssoExchangeBodySchema, req.body ?? {});
      sendSession(res, 200, transport, await sso.exchange(body, addressOf(req)));
    }),
  );
  router.post(
    '/oidc/reauthenticate',
    authenticated,
    route(async (req, res) => {
      const body = parseInput(ssoReauthenticateBodySchema, req.body ?? {});
      res.json(await sso.reauthenticate(authOf(res), body, addressOf(req)));
    }),
  );
  return router;
}
