import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, http, register, startServer, tempDir, type TestServer } from './harness';
import { WEB_APP_CSP } from '../src/http/web-app';

/*
 * The served web app (issue #17, DESIGN §11) over a real server, from a folder laid out as
 * `npm run build:web` writes it: headers, CSP, MIME types, caching, the SPA fallback, 404s, and the
 * API and socket beside it. desktop/test/web-build.test.ts checks the real build's contents.
 */

const INDEX =
  '<!doctype html><title>chitchat</title><script type="module" src="/assets/index-Ab12Cd34.js"></script>';
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

function writeBuild(dir: string): void {
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  mkdirSync(path.join(dir, 'icons'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), INDEX);
  writeFileSync(path.join(dir, 'assets/index-Ab12Cd34.js'), 'console.log("app");');
  writeFileSync(path.join(dir, 'assets/index-Ef56Gh78.css'), 'body{margin:0}');
  writeFileSync(
    path.join(dir, 'assets/sqlite3-Zz99Yy88.wasm'),
    Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
  );
  writeFileSync(path.join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(path.join(dir, 'engine.worker.js'), 'postMessage("up");');
  writeFileSync(path.join(dir, 'manifest.webmanifest'), '{"name":"chitchat"}');
  writeFileSync(path.join(dir, 'icons/icon-192.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
}

async function get(server: TestServer, route: string, headers: Record<string, string> = {}) {
  const answer = await fetch(`${server.url}${route}`, { headers });
  return { status: answer.status, headers: answer.headers, text: await answer.text() };
}

describe('the web app served at PUBLIC_URL/', () => {
  let server: TestServer;
  let build: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    build = tempDir('chitchat-web-');
    writeBuild(build.dir);
    server = await startServer({ config: { WEB_APP_DIR: build.dir } });
  });
  afterAll(async () => {
    await server.stop();
    build.remove();
  });

  it('uses the CSP of DESIGN §11 word for word', () => {
    expect(WEB_APP_CSP).toBe(CSP);
  });

  it('serves index.html at / and at app routes with the CSP, no-cache and HTML type', async () => {
    for (const route of ['/', '/chats/c_123', '/settings']) {
      const page = await get(server, route, { accept: 'text/html' });
      expect(page.status, route).toBe(200);
      expect(page.text).toBe(INDEX);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toBe(CSP);
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('caches hashed assets for a year, immutable, with their MIME types (wasm included)', async () => {
    const cases: [string, RegExp][] = [
      ['/assets/index-Ab12Cd34.js', /^(text|application)\/javascript/],
      ['/assets/index-Ef56Gh78.css', /^text\/css/],
      ['/assets/sqlite3-Zz99Yy88.wasm', /^application\/wasm$/],
    ];
    for (const [route, type] of cases) {
      const asset = await get(server, route);
      expect(asset.status, route).toBe(200);
      expect(asset.headers.get('content-type'), route).toMatch(type);
      expect(asset.headers.get('cache-control'), route).toBe('public, max-age=31536000, immutable');
      expect(asset.headers.get('content-security-policy'), route).toBe(CSP);
    }
  });

  it('revalidates the unhashed files: service worker, engine worker, manifest, icons', async () => {
    const cases: [string, RegExp][] = [
      ['/sw.js', /^(text|application)\/javascript/],
      ['/engine.worker.js', /^(text|application)\/javascript/],
      ['/manifest.webmanifest', /^application\/manifest\+json/],
      ['/icons/icon-192.png', /^image\/png$/],
    ];
    for (const [route, type] of cases) {
      const file = await get(server, route);
      expect(file.status, route).toBe(200);
      expect(file.headers.get('content-type'), route).toMatch(type);
      expect(file.headers.get('cache-control'), route).toBe('no-cache');
      expect(file.headers.get('content-security-policy'), route).toBe(CSP);
    }
  });

  it('answers a missing file with a plain 404, never the app page', async () => {
    for (const route of [
      '/assets/index-00000000.js',
      '/assets/nothing',
      '/favicon.ico',
      '/x/y.png',
    ]) {
      const missing = await get(server, route, { accept: 'text/html' });
      expect(missing.status, route).toBe(404);
      expect(missing.text).not.toContain('<script');
      expect(missing.headers.get('content-type'), route).toMatch(/^text\/plain/);
      expect(missing.headers.get('content-security-policy'), route).toBe(CSP);
    }
    const posted = await fetch(`${server.url}/chats/c_1`, { method: 'POST' });
    expect(posted.status).toBe(404);
  });

  it('leaves the API, health and the socket as they were', async () => {
    const session = await register(server);
    const unknown = await http<{ error: { code: string } }>(server, 'GET', '/api/nothing', {
      token: session.accessToken,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const unauthorized = await http<{ error: { code: string } }>(server, 'GET', '/api/me');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body.error.code).toBe('unauthorized');
    const health = await get(server, '/healthz');
    expect(health.status).toBe(200);
    expect(health.headers.get('content-security-policy')).toBeNull();
    const metrics = await get(server, '/metrics', { accept: 'text/html' });
    expect(metrics.status).toBe(404);
    expect(metrics.text).not.toContain('<script');
    const socket = await connect(server, session.accessToken);
    expect(socket.connected).toBe(true);
    socket.close();
  });
});

describe('a server without a web build', () => {
  it('says at / how to build the web app, and the API still works', async () => {
    const empty = tempDir('chitchat-noweb-');
    const server = await startServer({ config: { WEB_APP_DIR: empty.dir } });
    try {
      const page = await get(server, '/', { accept: 'text/html' });
      expect(page.status).toBe(503);
      expect(page.text).toContain('npm run build:web');
      expect(page.headers.get('content-security-policy')).toBe(CSP);
      expect(page.text).not.toMatch(/<script|<style|style=/);
      const session = await register(server);
      expect(session.accessToken).toEqual(expect.any(String));
    } finally {
      await server.stop();
      empty.remove();
    }
  });
});
