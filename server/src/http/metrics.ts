import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestHandler } from 'express';

/** One registry per app instance, so tests can build many apps in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const httpRequests = new Counter({
    name: 'chitchat_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'chitchat_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const socketsConnected = new Gauge({
    name: 'chitchat_sockets_connected',
    help: 'Socket.io connections open on this process',
    registers: [registry],
  });
  const socketEvents = new Counter({
    name: 'chitchat_socket_events_total',
    help: 'Socket.io requests by event and outcome',
    labelNames: ['event', 'outcome'] as const,
    registers: [registry],
  });

  const httpMiddleware: RequestHandler = (req, res, next) => {
    const stop = httpDuration.startTimer();
    res.on('finish', () => {
      // The matched route pattern, not the raw URL, keeps label cardinality bounded.
      const matched: unknown = req.route;
      const pattern =
        typeof matched === 'object' && matched !== null && 'path' in matched ? matched.path : null;
      const routePath = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : 'unmatched';
      httpRequests.inc({ method: req.method, route: routePath, status: String(res.statusCode) });
      stop({ method: req.method, route: routePath });
    });
    next();
  };

  return { registry, httpMiddleware, socketsConnected, socketEvents };
}

export type Metrics = ReturnType<typeof createMetrics>;
