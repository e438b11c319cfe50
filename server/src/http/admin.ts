import { Router, type Response } from 'express';
import { inviteCodeParamsSchema, inviteCreateBodySchema } from '@chitchat/shared';
import type { AdminActor, AdminService } from '../services/admin';
import { authOf, parseInput, route } from './respond';

const actorOf = (res: Response): AdminActor => ({ kind: 'user', userId: authOf(res).userId });

/**
 * Invites (`/api/invites`) and accounts (`/api/admin/users`) for admins; every route checks the
 * caller's role (members get 403 `forbidden`). Mounted behind `requireAuth`.
 */
export function adminRouter(admin: AdminService): Router {
  const router = Router();
  router.post(
    '/invites',
    route(async (req, res) => {
      const body = parseInput(inviteCreateBodySchema, req.body ?? {});
      res.status(201).json(await admin.createInvite(actorOf(res), body));
    }),
  );
  router.get(
    '/invites',
    route(async (_req, res) => {
      res.json({ invites: await admin.listInvites(actorOf(res)) });
    }),
  );
  router.delete(
    '/invites/:code',
    route(async (req, res) => {
      const { code } = parseInput(inviteCodeParamsSchema, req.params);
      await admin.revokeInvite(actorOf(res), code);
      res.status(204).end();
    }),
  );
  return router;
}
