import { Router } from 'express';
import { twoStepConfirmBodySchema, twoStepDisableBodySchema } from '@chitchat/shared';
import type { TwoStepService } from '../services/two-step';
import { authOf, parseInput, route } from './respond';

/**
 * `/api/me/two-step`: set up (`POST`), confirm with a first code (`POST .../confirm`), turn off
 * (`POST .../disable`, password and code) and renew recovery codes (`POST .../recovery-codes`).
 * Mounted behind `requireAuth`; each acts on the caller's own account only.
 */
export function twoStepRouter(twoStep: TwoStepService): Router {
  const router = Router();
  router.post(
    '/',
    route(async (_req, res) => {
      res.status(201).json(await twoStep.begin(authOf(res).userId));
    }),
  );
  router.post(
    '/confirm',
    route(async (req, res) => {
      const { code } = parseInput(twoStepConfirmBodySchema, req.body ?? {});
      res.json(await twoStep.confirm(authOf(res).userId, code));
    }),
  );
  router.post(
    '/disable',
    route(async (req, res) => {
      const { password, code } = parseInput(twoStepDisableBodySchema, req.body ?? {});
      await twoStep.disable(authOf(res).userId, password, code);
      res.status(204).end();
    }),
  );
  router.post(
    '/recovery-codes',
    route(async (req, res) => {
      const { code } = parseInput(twoStepConfirmBodySchema, req.body ?? {});
      res.json(await twoStep.newRecoveryCodes(authOf(res).userId, code));
    }),
  );
  return router;
}
