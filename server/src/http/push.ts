import { Router } from 'express';
import { pushSubscriptionBodySchema } from '@chitchat/shared';
import type { WebPushService } from '../services/web-push';
import { authOf, parseInput, route, sendError } from './respond';

/**
 * `/api/push` (issue #17), mounted behind `requireAuth`: the VAPID public key
 * (`GET /api/push/key`), and the calling device's one subscription (`PUT` replaces it, `DELETE`
 * removes it). Without Web Push (no https PUBLIC_URL) every route answers 404 `not_found`.
 */
export function pushRouter(push: WebPushService | null): Router {
  const router = Router();
  router.use((_req, res, next) => {
    if (push !== null) {
      next();
      return;
    }
    sendError(res, 404, {
      code: 'not_found',
      message: 'Web Push is off on this server (it needs an https:// PUBLIC_URL).',
    });
  });
  if (push === null) return router;
  router.get(
    '/key',
    route(async (_req, res) => {
      res.json(push.key());
    }),
  );
  router.put(
    '/subscription',
    route(async (req, res) => {
      const body = parseInput(pushSubscriptionBodySchema, req.body);
      await push.subscribe(authOf(res), body);
      res.status(204).end();
    }),
  );
  router.delete(
    '/subscription',
    route(async (_req, res) => {
      await push.unsubscribe(authOf(res));
      res.status(204).end();
    }),
  );
  return router;
}
