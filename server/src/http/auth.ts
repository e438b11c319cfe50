import type { IncomingMessage } from 'node:http';
import { Router, type RequestHandler } from 'express';
import {
  cookieRefreshBodySchema,
  loginBodySchema,
  refreshBodySchema,
  registerBodySchema,
} from '@chitchat/shared';
import type { AccountsService } from '../services/accounts';
import { ServiceError, unauthorized } from '../services/errors';
import {
  clearRefreshCookie,
  refreshCookieOf,
  sendSession,
  sendTokens,
  transportOf,
} from './refresh-cookie';
import { authOf, bearerToken, parseInput, route } from './respond';

/** Requires `Authorization: Bearer <access token>` of a device that is still signed in. */
export function requireAuth(accounts: AccountsService): RequestHandler {
  return (req, res, next) => {
    const token = bearerToken(req);
    if (token === null) {
      next(unauthorized('Send an access token as "Authorization: Bearer <token>".'));
      return;
    }
    accounts.authenticate(token).then((claims) => {
      res.locals.auth = claims;
      next();
    }, next);
  };
}

/**
 * `addressOf` resolves the client's address (TRUST_PROXY), which the register and login limits
 * key on. Register, login and refresh answer the refresh token in the body, or in the web app's
 * cookie when it asks (REFRESH_TOKEN_TRANSPORT_HEADER; refresh-cookie.ts); `publicUrl` is the
 * origin cookie-mode requests may come from besides the one they were addressed to.
 */
export function authRouter(
  accounts: AccountsService,
  authenticated: RequestHandler,
  addressOf: (request: IncomingMessage) => string,
  publicUrl: string | undefined,
): Router {
  const router = Router();
  router.post(
    '/register',
    route(async (req, res) => {
      const transport = transportOf(req, publicUrl);
      const body = parseInput(registerBodySchema, req.body);
      sendSession(res, 201, transport, await accounts.register(body, addressOf(req)));
    }),
  );
  router.post(
    '/login',
    route(async (req, res) => {
      const transport = transportOf(req, publicUrl);
      const body = parseInput(loginBodySchema, req.body);
      sendSession(res, 200, transport, await accounts.login(body, addressOf(req)));
    }),
  );
  router.post(
    '/refresh',
    route(async (req, res) => {
      const transport = transportOf(req, publicUrl);
      if (transport === 'body') {
        const body = parseInput(refreshBodySchema, req.body);
        sendTokens(res, transport, await accounts.refresh(body.refreshToken));
        return;
      }
      parseInput(cookieRefreshBodySchema, req.body);
      const token = refreshCookieOf(req);
      if (token === null) {
        throw unauthorized('Not signed in on this browser (no refresh cookie); sign in.');
      }
      try {
        sendTokens(res, transport, await accounts.refresh(token));
      } catch (error) {
        // A token the server no longer takes (revoked, reused, disabled) is of no use to keep.
        if (error instanceof ServiceError && error.code === 'unauthorized') clearRefreshCookie(res);
        throw error;
      }
    }),
  );
  router.post(
    '/logout',
    authenticated,
    route(async (_req, res) => {
      await accounts.logout(authOf(res));
      // Whatever mode signed this device in: a web app's cookie must not outlive its session.
      clearRefreshCookie(res);
      res.status(204).end();
    }),
  );
  return router;
}
