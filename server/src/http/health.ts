import { Router } from 'express';
import type { Logger } from '../logger';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export function healthRouter(deps: { checks: readonly ReadinessCheck[]; logger: Logger }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res, next) => {
    Promise.all(
      deps.checks.map(async ({ name, check }) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch (error) {
          deps.logger.warn({ err: error, check: name }, 'readiness check failed');
          return [name, 'failing'] as const;
        }
      }),
    ).then((results) => {
      const ready = results.every(([, state]) => state === 'ok');
      res
        .status(ready ? 200 : 503)
        .json({ status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) });
    }, next);
  });
  return router;
}
