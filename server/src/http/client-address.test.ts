import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { clientAddress, expressTrustProxy } from './client-address';
import { isMetricsPath } from './metrics';

describe('clientAddress', () => {
  it('resolves X-Forwarded-For exactly as Express does for the same TRUST_PROXY', async () => {
    for (const hops of [undefined, 0, 1, 2]) {
      const app = express();
      app.set('trust proxy', expressTrustProxy(hops));
      app.get('/', (req, res) => {
        res.json({ express: req.ip, ours: clientAddress(req, hops) });
      });
      const server = app.listen(0, '127.0.0.1');
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      const { port } = server.address() as AddressInfo;
      try {
        for (const header of [
          undefined,
          '203.0.113.1',
          '198.51.100.2, 203.0.113.1',
          '192.0.2.3,198.51.100.2 , 203.0.113.1',
          '',
        ]) {
          const answer = await fetch(`http://127.0.0.1:${port}/`, {
            headers: header === undefined ? {} : { 'x-forwarded-for': header },
          });
          const { express: expected, ours } = (await answer.json()) as Record<string, string>;
          expect({ hops, header, address: ours }).toEqual({ hops, header, address: expected });
        }
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    }
  });
});

describe('isMetricsPath', () => {
  it('recognises every spelling a router or proxy could take for /metrics', () => {
    for (const path of [
      '/metrics',
      '/metrics/',
      '/METRICS',
      '/Metrics?x=1',
      '//metrics',
      '/metrics%2F',
      '/metrics%2f',
      '/%6Detrics',
      '/metrics%252F',
      '/./metrics',
      '/x/../metrics',
      '\\metrics',
      '/metrics/x',
    ]) {
      expect({ path, metrics: isMetricsPath(path) }).toEqual({ path, metrics: true });
    }
    for (const path of ['/', '/healthz', '/readyz', '/api/metrics', '/metricsx', '/%E0%A4%A']) {
      expect({ path, metrics: isMetricsPath(path) }).toEqual({ path, metrics: false });
    }
  });
});
