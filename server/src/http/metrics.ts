import { createServer, type Server as HttpServer } from 'node:http';
import { posix } from 'node:path';
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

  const pushes = new Counter({
    name: 'chitchat_web_push_total',
    help: 'Web Push requests by outcome: sent, gone (404/410, subscription removed), failed, dropped (queue full)',
    labelNames: ['outcome'] as const,
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

  return { registry, httpMiddleware, socketsConnected, socketEvents, pushes };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * True for any spelling of `/metrics` a router or a proxy might treat as it: any case, repeated or
 * trailing slashes, percent-encoding (also of the slashes), dot segments, a query. The public port
 * refuses all of them, so a later catch-all route (the web app) cannot serve them either.
 */
export function isMetricsPath(rawUrl: string): boolean {
  let pathname = rawUrl.split(/[?#]/, 1)[0] ?? '';
  // Decode until stable (a few rounds at most): `%252F` is `%2F` once decoded, then `/`.
  for (let round = 0; round < 3; round++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      break;
    }
    if (decoded === pathname) break;
    pathname = decoded;
  }
  const normalized = posix
    .normalize(`/${pathname.replace(/\\/g, '/').toLowerCase()}`)
    .replace(/\/+$/, '');
  return normalized === '/metrics' || normalized.startsWith('/metrics/');
}

/** Answers 404 for `/metrics` in any spelling on the public port; it lives on METRICS_PORT only. */
export const refuseMetricsPath: RequestHandler = (req, res, next) => {
  if (!isMetricsPath(req.originalUrl)) {
    next();
    return;
  }
  res.status(404).json({ error: { code: 'not_found', message: 'No such route.' } });
};

/**
 * The internal metrics listener (METRICS_PORT/METRICS_HOST): `GET /metrics` and nothing else, so
 * the public port never serves it and operators can keep this one on a private network.
 */
export function createMetricsServer(registry: Registry): HttpServer {
  return createServer((req, res) => {
    const pathname = (req.url ?? '').split('?', 1)[0];
    if ((req.method === 'GET' || req.method === 'HEAD') && pathname === '/metrics') {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': registry.contentType });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (error: unknown) => {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(error instanceof Error ? error.message : 'metrics failed');
        },
      );
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not found: metrics are at /metrics.\n');
  });
}
