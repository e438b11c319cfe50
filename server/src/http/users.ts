import type { IncomingMessage } from 'node:http';
import { Router } from 'express';
import {
  changePasswordBodySchema,
  deleteAccountBodySchema,
  idSchema,
  updateMeBodySchema,
  userSearchQuerySchema,
} from '@chitchat/shared';
import type { AccountsService } from '../services/accounts';
import type { ProfilesService } from '../services/profiles';
import type { AccountDeletionService } from '../services/account-deletion';
import { authOf, parseInput, route } from './respond';

/**
 * `/api/me`, `/api/users`, `/api/users/:id` (a profile) and `/api/devices`; mounted behind `requireAuth`. `addressOf` resolves the
 * client's address (TRUST_PROXY) for the password-change failure limit.
 */
export function accountRouter(
  accounts: AccountsService,
  profiles: ProfilesService,
  addressOf: (request: IncomingMessage) => string,
  deletion: Pick<AccountDeletionService, 'deleteAccount'>,
): Router {
  const router = Router();
  router.get(
    '/me',
    route(async (_req, res) => {
      res.json(await accounts.me(authOf(res).userId));
    }),
  );
  router.patch(
    '/me',
    route(async (req, res) => {
      const body = parseInput(updateMeBodySchema, req.body);
      res.json(await accounts.updateMe(authOf(res).userId, body));
    }),
  );
  // Delete account (issue #15): the body carries the password that confirms it.
  router.delete(
    '/me',
    route(async (req, res) => {
      const body = parseInput(deleteAccountBodySchema, req.body);
      await deletion.deleteAccount(authOf(res), body, addressOf(req));
      res.status(204).end();
    }),
  );
  router.post(
    '/me/password',
    route(async (req, res) => {
      const body = parseInput(changePasswordBodySchema, req.body);
      res.json(await accounts.changePassword(authOf(res), body, addressOf(req)));
    }),
  );
  router.get(
    '/users',
    route(async (req, res) => {
      const { q } = parseInput(userSearchQuerySchema, req.query);
      res.json({ users: await accounts.searchUsers(authOf(res).userId, q) });
    }),
  );
  router.get(
    '/users/:id',
    route(async (req, res) => {
      const id = parseInput(idSchema, req.params.id);
      res.json(await profiles.profile(authOf(res).userId, id));
    }),
  );
  router.get(
    '/devices',
    route(async (_req, res) => {
      res.json({ devices: await accounts.listDevices(authOf(res)) });
    }),
  );
  router.post(
    '/devices/sign-out-others',
    route(async (_req, res) => {
      res.json(await accounts.revokeOtherDevices(authOf(res)));
    }),
  );
  router.delete(
    '/devices/:id',
    route(async (req, res) => {
      const id = parseInput(idSchema, req.params.id);
      await accounts.revokeDevice(authOf(res), id);
      res.status(204).end();
    }),
  );
  return router;
}
