import { Router } from 'express';
import type { Logger } from '../logger';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
  /**
   * False for what the process can serve without (Redis): a failure shows in the answer as
   * `degraded` but keeps the process ready. An outage of something every replica shares would
   * otherwise take all of them out of the load balancer at once, while each can still serve its
   * own sockets. Default true.
   */
  required?: boolean;
}

export function healthRouter(deps: { checks: readonly ReadinessCheck[]; logger: Logger }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res, next) => {
    Promise.all(
      deps.checks.map(async ({ name, check, required = true }) => {
        try {
          await check();
          return [name, 'ok', required] as const;
        } catch (error) {
          deps.logger.warn({ err: error, check: name }, 'readiness check failed');
          return [name, 'failing', required] as const;
        }
      }),
    ).then((results) => {
      const failing = results.filter(([, state]) => state !== 'ok');
      const ready = failing.every(([, , required]) => !required);
      res.status(ready ? 200 : 503).json({
        status: !ready ? 'not_ready' : failing.length > 0 ? 'degraded' : 'ready',
        checks: Object.fromEntries(results.map(([name, state]) => [name, state])),
      });
    }, next);
  });
  return router;
}
