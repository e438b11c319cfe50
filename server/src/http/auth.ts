import type { IncomingMessage } from 'node:http';
import { Router, type RequestHandler } from 'express';
import { loginBodySchema, refreshBodySchema, registerBodySchema } from '@chitchat/shared';
import type { AccountsService } from '../services/accounts';
import { unauthorized } from '../services/errors';
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
 * key on.
 */
export function authRouter(
  accounts: AccountsService,
  authenticated: RequestHandler,
  addressOf: (request: IncomingMessage) => string,
): Router {
  const router = Router();
  router.post(
    '/register',
    route(async (req, res) => {
      const body = parseInput(registerBodySchema, req.body);
      res.status(201).json(await accounts.register(body, addressOf(req)));
    }),
  );
  router.post(
    '/login',
    route(async (req, res) => {
      const body = parseInput(loginBodySchema, req.body);
      res.status(200).json(await accounts.login(body, addressOf(req)));
    }),
  );
  router.post(
    '/refresh',
    route(async (req, res) => {
      const body = parseInput(refreshBodySchema, req.body);
      res.json(await accounts.refresh(body.refreshToken));
    }),
  );
  router.post(
    '/logout',
    authenticated,
    route(async (_req, res) => {
      await accounts.logout(authOf(res));
      res.status(204).end();
    }),
  );
  return router;
}
