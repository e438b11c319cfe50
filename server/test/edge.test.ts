import { request as httpRequest } from 'node:http';
import { io as connectSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@chitchat/shared';
import type { Config } from '../src/config';
import {
  http,
  register,
  startServer,
  tempDir,
  uniqueName,
  type ClientSocket,
  type TestServer,
} from './harness';

/** What the public edge sees: client addresses behind a proxy, and where /metrics is served. */

const wrongPassword = 'not the password at all';

/** A login attempt as it arrives through a proxy that sets X-Forwarded-For (or a spoofing client). */
const loginVia = (server: TestServer, forwardedFor: string, username: string, password: string) =>
  http(server, 'POST', '/api/auth/login', {
    body: { username, password, device: { name: 'Laptop', platform: 'linux' } },
    headers: { 'x-forwarded-for': forwardedFor },
  });

/** A GET with the path exactly as written (fetch would normalize `//metrics` and the like). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the edge of the server', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function serve(config: Partial<Config>): Promise<TestServer> {
    const data = tempDir();
    const server = await startServer({ dataDir: data.dir, config });
    cleanups.push(data.remove, () => server.stop());
    return server;
  }

  describe('TRUST_PROXY', () => {
    it('unset: a spoofed X-Forwarded-For does not give a client a fresh login bucket', async () => {
      const server = await serve({ RATE_LIMIT_AUTH: 4 });
      const username = uniqueName('victim');
      await register(server, username); // 1 of the address's 4 attempts
      for (let attempt = 0; attempt < 3; attempt++) {
        const answer = await loginVia(server, `203.0.113.${attempt + 1}`, username, wrongPassword);
        expect(answer.status).toBe(401);
      }
      // Every attempt came from 127.0.0.1, whatever the header claimed.
      const spoofed = await loginVia(server, '198.51.100.77', username, 'correct horse battery');
      expect(spoofed.status).toBe(429);
    });

    it('1: clients behind the proxy have separate login buckets', async () => {
      const server = await serve({ RATE_LIMIT_AUTH: 3, TRUST_PROXY: 1 });
      const username = uniqueName('shared');
      const registered = await http(server, 'POST', '/api/auth/register', {
        body: { username, password: 'correct horse battery' },
        headers: { 'x-forwarded-for': '192.0.2.10' },
      });
      expect(registered.status).toBe(201);

      const attacker = '203.0.113.5';
      for (let attempt = 0; attempt < 3; attempt++) {
        expect((await loginVia(server, attacker, username, wrongPassword)).status).toBe(401);
      }
      expect((await loginVia(server, attacker, username, wrongPassword)).status).toBe(429);
      // Prepending a made-up hop changes nothing: only the entry our proxy wrote is trusted.
      expect(
        (await loginVia(server, `198.51.100.9, ${attacker}`, username, 'correct horse battery'))
          .status,
      ).toBe(429);

      // Another person behind the same proxy signs in to the same account, unhindered.
      const other = await loginVia(server, '198.51.100.9', username, 'correct horse battery');
      expect(other.status).toBe(200);
    });

    it('the Socket.io handshake sees the same address as HTTP', async () => {
      const direct = await serve({});
      const proxied = await serve({ TRUST_PROXY: 1 });
      const addressSeenBy = async (server: TestServer) => {
        const session = await register(server);
        const socket: ClientSocket = connectSocket(server.url, {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          extraHeaders: { 'x-forwarded-for': '198.51.100.1, 203.0.113.44' },
          auth: { token: session.accessToken, protocol: PROTOCOL_VERSION },
        });
        cleanups.push(() => void socket.close());
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        const [serverSide] = await server.app.io.fetchSockets();
        return serverSide?.data.address;
      };
      expect(await addressSeenBy(proxied)).toBe('203.0.113.44');
      expect(await addressSeenBy(direct)).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    });
  });

  describe('/metrics', () => {
    it('answers 404 on the public port in any spelling; /healthz and /readyz stay', async () => {
      const server = await serve({});
      const spellings = [
        '/metrics',
        '/metrics/',
        '/METRICS',
        '/Metrics?x=1',
        '//metrics',
        '/metrics%2F',
        '/%6detrics',
        '/metrics/../metrics',
        '/./metrics',
        '/metrics;',
        '/metrics%252F',
        '/metrics#x',
      ];
      for (const path of spellings) {
        const answer = await rawGet(server.port, path);
        expect({ path, status: answer.status }).toEqual({ path, status: 404 });
        expect(answer.body).not.toContain('chitchat_');
      }
      expect((await rawGet(server.port, '/healthz')).status).toBe(200);
      expect((await rawGet(server.port, '/readyz')).status).toBe(200);
    });

    it('is served on its own listener, which serves nothing else', async () => {
      const server = await serve({});
      const metricsPort = await server.app.listenMetrics(0, '127.0.0.1');
      expect(metricsPort).not.toBe(server.port);
      const metrics = await rawGet(metricsPort, '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('chitchat_sockets_connected');
      expect(metrics.body).toContain('chitchat_http_requests_total');
      expect((await rawGet(metricsPort, '/healthz')).status).toBe(404);
      expect((await rawGet(metricsPort, '/api/me')).status).toBe(404);
    });
  });
});
