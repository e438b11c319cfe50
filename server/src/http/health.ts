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
  /**
   * How long a required check may fail before the process reports not ready: until then the
   * answer is `degraded` (200). For the store, which every replica shares: a blip (a MongoDB
   * primary election takes some seconds) would otherwise take every replica out of the load
   * balancer at the same moment, though none is worse off than another. Default 0.
   */
  toleranceMs?: number;
}

/** How long the store may fail before `/readyz` says not ready (longer than a replica-set election). */
export const STORE_BLIP_TOLERANCE_MS = 20_000;

export function healthRouter(deps: {
  checks: readonly ReadinessCheck[];
  logger: Logger;
  now?: () => number;
}): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  /** When each check began failing, while it keeps failing. */
  const failingSince = new Map<string, number>();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res, next) => {
    Promise.all(
      deps.checks.map(async ({ name, check, required = true, toleranceMs = 0 }) => {
        try {
          await check();
          failingSince.delete(name);
          return [name, 'ok', required] as const;
        } catch (error) {
          deps.logger.warn({ err: error, check: name }, 'readiness check failed');
          const since = failingSince.get(name) ?? now();
          failingSince.set(name, since);
          return [name, 'failing', required && now() - since >= toleranceMs] as const;
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
