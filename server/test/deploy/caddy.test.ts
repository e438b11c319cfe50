import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connect, register, startServer, type TestServer } from '../harness';
import { findExecutable, freePort } from '../net';
import { repoRoot } from './files';

const run = promisify(execFile);
const caddyPath = findExecutable('caddy');
const caddyfile = path.join(repoRoot, 'deploy/Caddyfile');

/** Like redis-server (DESIGN §8): skip loudly without Caddy, fail under CI=true. */
function caddyAvailable(): boolean {
  if (caddyPath !== null) return true;
  const hint = 'caddy not found; install it with: apt-get install -y caddy';
  if (process.env.CI === 'true')
    throw new Error(`deploy/Caddyfile: ${hint} (CI=true: not skipping)`);
  console.warn(`\n*** SKIPPING deploy/Caddyfile checks: ${hint} ***\n`);
  return false;
}

const scratch = mkdtempSync(path.join(tmpdir(), 'chitchat-caddy-'));
/** Caddy keeps certificates and its own state under XDG dirs: a scratch folder, not $HOME. */
const caddyEnv = (env: Record<string, string>) => ({
  ...process.env,
  XDG_DATA_HOME: path.join(scratch, 'data'),
  XDG_CONFIG_HOME: path.join(scratch, 'config'),
  CADDY_ADMIN: 'off',
  ...env,
});

async function caddy(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(caddyPath ?? 'caddy', args, { env: caddyEnv(env) });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

interface Route {
  match?: { path?: string[] }[];
  handle: Handler[];
}
interface Handler {
  handler: string;
  status_code?: number;
  routes?: Route[];
  headers?: { request?: { set?: Record<string, string[]> } };
  load_balancing?: { selection_policy?: { policy: string }; try_duration?: number };
  dynamic_upstreams?: { source: string; name: string; port: string };
  flush_interval?: number;
}

/** Every handler of the adapted config, depth first, in the order Caddy runs them. */
function handlersOf(routes: readonly Route[]): { handler: Handler; paths: string[] }[] {
  return routes.flatMap((route) =>
    route.handle.flatMap((handler) => [
      { handler, paths: route.match?.flatMap((m) => m.path ?? []) ?? [] },
      ...handlersOf(handler.routes ?? []),
    ]),
  );
}

describe.runIf(caddyAvailable())('deploy/Caddyfile', () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('passes `caddy validate` with automatic certificates for a domain', async () => {
    const result = await caddy(['validate', '--config', caddyfile, '--adapter', 'caddyfile'], {
      DOMAIN: 'chat.example.org',
    });
    expect(result.stderr + result.stdout).toMatch(/Valid configuration/);
    expect(result.ok).toBe(true);
  });

  it('passes with a certificate of your own (TLS_MODE=own), and fails without the files', async () => {
    const certs = path.join(scratch, 'certs');
    const own = { DOMAIN: 'chat.example.org', TLS_MODE: 'own', TLS_CERTS_DIR: certs };
    const missing = await caddy(['validate', '--config', caddyfile], own);
    expect(missing.ok).toBe(false);
    expect(missing.stderr).toMatch(/cert\.pem: no such file/);

    await run('mkdir', ['-p', certs]);
    await run('openssl', [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
      ...['-days', '2', '-subj', '/CN=chat.example.org'],
      ...['-keyout', path.join(certs, 'key.pem'), '-out', path.join(certs, 'cert.pem')],
    ]);
    const result = await caddy(['validate', '--config', caddyfile], own);
    expect(result.stderr + result.stdout).toMatch(/Valid configuration/);
  });

  it('refuses an unknown TLS_MODE', async () => {
    const result = await caddy(['validate', '--config', caddyfile], {
      DOMAIN: 'chat.example.org',
      TLS_MODE: 'plain',
    });
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/tls-plain/);
  });

  it('hides /metrics and /readyz, balances the replicas and sets X-Forwarded-For', async () => {
    const adapted = await caddy(['adapt', '--config', caddyfile], { DOMAIN: 'chat.example.org' });
    expect(adapted.ok).toBe(true);
    const config = JSON.parse(adapted.stdout) as {
      apps: { http: { servers: Record<string, { listen: string[]; routes: Route[] }> } };
    };
    const servers = Object.values(config.apps.http.servers);
    expect(servers).toHaveLength(1);
    const handlers = handlersOf(servers[0]?.routes ?? []);
    const proxyAt = handlers.findIndex((h) => h.handler.handler === 'reverse_proxy');
    const hiddenAt = handlers.findIndex(
      (h) => h.handler.handler === 'static_response' && h.handler.status_code === 404,
    );
    // The refusal comes first, for every spelling the path matcher folds together.
    expect(hiddenAt).toBeGreaterThanOrEqual(0);
    expect(hiddenAt).toBeLessThan(proxyAt);
    expect(handlers[hiddenAt]?.paths).toEqual(
      expect.arrayContaining(['/metrics', '/metrics/*', '/readyz', '/readyz/*']),
    );
    const proxy = handlers[proxyAt]?.handler;
    expect(proxy?.dynamic_upstreams).toMatchObject({ source: 'a', name: 'server', port: '3000' });
    expect(proxy?.load_balancing?.selection_policy?.policy).toBe('least_conn');
    expect(proxy?.headers?.request?.set?.['X-Forwarded-For']).toEqual([
      '{http.request.remote.host}',
    ]);
    expect(proxy?.flush_interval).toBe(-1);
  });

  describe('in front of a real server', () => {
    let server: TestServer;
    let caddyUrl: string;
    let stopCaddy: () => Promise<void>;
    beforeAll(async () => {
      server = await startServer({ config: { TRUST_PROXY: 1 } });
      const port = await freePort();
      caddyUrl = `http://127.0.0.1:${port}`;
      const child = spawn(caddyPath ?? 'caddy', ['run', '--config', caddyfile], {
        env: caddyEnv({
          DOMAIN: caddyUrl,
          UPSTREAM_HOST: 'localhost',
          UPSTREAM_PORT: String(server.port),
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      stopCaddy = async () => {
        child.kill('SIGTERM');
        await exited;
      };
      const deadline = Date.now() + 20_000;
      for (;;) {
        const answer = await fetch(`${caddyUrl}/healthz`).catch(() => null);
        if (answer?.ok) break;
        if (Date.now() > deadline) throw new Error(`caddy did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    afterAll(async () => {
      await stopCaddy();
      await server.stop();
    });

    it('answers 404 for /metrics and /readyz in any spelling, and serves the app', async () => {
      for (const route of ['/metrics', '/METRICS', '/Metrics/', '/readyz', '/ReadyZ']) {
        expect((await fetch(`${caddyUrl}${route}`)).status, route).toBe(404);
      }
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${caddyUrl}/healthz`)).status).toBe(200);
    });

    it('carries Socket.io over WebSockets to the server', async () => {
      const ana = await register({ url: caddyUrl });
      const socket = await connect({ url: caddyUrl }, ana.accessToken);
      try {
        const list = await call(socket, 'conversation:list', {});
        expect(list.storeEpoch).toBe(server.store.storeEpoch());
      } finally {
        socket.close();
      }
    });
  });
});
