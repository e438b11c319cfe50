import { Router, type Response } from 'express';
import {
  adminUserParamsSchema,
  adminUserPatchSchema,
  inviteCodeParamsSchema,
  inviteCreateBodySchema,
} from '@chitchat/shared';
import type { AdminActor, AdminService } from '../services/admin';
import { authOf, parseInput, route } from './respond';

const actorOf = (res: Response): AdminActor => ({ kind: 'user', userId: authOf(res).userId });

/**
 * Invites (`/api/invites`) and accounts (`GET /api/admin/users`, `PATCH /api/admin/users/:id`
 * `{ role?, disabled? }`) for admins; every route checks the
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
  router.get(
    '/admin/server',
    route(async (_req, res) => {
      res.json(await admin.serverInfo(actorOf(res)));
    }),
  );
  router.get(
    '/admin/users',
    route(async (_req, res) => {
      res.json({ users: await admin.listUsers(actorOf(res)) });
    }),
  );
  router.patch(
    '/admin/users/:id',
    route(async (req, res) => {
      const { id } = parseInput(adminUserParamsSchema, req.params);
      const body = parseInput(adminUserPatchSchema, req.body ?? {});
      const actor = actorOf(res);
      // Checked before any change, so a member's request changes nothing even in part.
      await admin.requireAdmin(actor);
      let user = await admin.getUser(actor, id);
      if (body.role !== undefined) user = await admin.setRole(actor, id, body.role);
      if (body.disabled === true) user = await admin.disableUser(actor, id);
      if (body.disabled === false) user = await admin.enableUser(actor, id);
      res.json(user);
    }),
  );
  return router;
}
