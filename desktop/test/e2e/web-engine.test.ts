import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './browser';

/*
 * The web app's storage in Chromium (issue #17, DESIGN §10, §11): the browser host of
 * desktop/src/web/worker-host.ts (sqlite-wasm on OPFS through opfs-sahpool, files in the same
 * pool) under the engine's LocalStore, in a dedicated Worker that owns the database only while it
 * holds the Web Lock, as engine.worker.ts does. Served by a small static server from a bundle made
 * here (esbuild, for the browser: no Node module may be in it).
 */

const here = import.meta.dirname;
const wasm = path.resolve(here, '../../../node_modules/@sqlite.org/sqlite-wasm/dist/sqlite3.wasm');

/** A Worker entry bundled for the browser: a Node module in it fails the build. */
async function bundleForBrowser(entry: string): Promise<Uint8Array> {
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const worker = bundle.outputFiles[0]?.contents;
  if (worker === undefined) throw new Error(`${entry} did not bundle`);
  return worker;
}

async function serveWorker(): Promise<{ url: string; close(): Promise<void> }> {
  const [worker, engine] = await Promise.all([
    bundleForBrowser(path.join(here, 'web-store.worker.ts')),
    bundleForBrowser(path.resolve(here, '../../src/web/engine.worker.ts')),
  ]);
  const files: Record<string, { type: string; body: Uint8Array | string }> = {
    '/': { type: 'text/html; charset=utf-8', body: '<!doctype html><title>web store</title>' },
    '/web-store.worker.js': { type: 'text/javascript', body: worker },
    '/engine.worker.js': { type: 'text/javascript', body: engine },
    '/sqlite3.wasm': { type: 'application/wasm', body: readFileSync(wasm) },
  };
  const server: Server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://localhost').pathname];
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface WorkerStatus {
  status: 'ready' | 'elsewhere' | 'failed';
  offlineCache?: boolean;
  reason?: string | null;
  driver?: string;
}

/** Starts the test Worker in the page; its status messages collect in `window.storeStatus`. */
async function startWorker(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    const worker = new Worker('/web-store.worker.js', { type: 'module' });
    const statuses: unknown[] = [];
    const pending = new Map<number, (value: unknown) => void>();
    let next = 1;
    worker.addEventListener('message', (event: MessageEvent<Record<string, unknown>>) => {
      const data = event.data;
      if (typeof data.id === 'number') {
        pending.get(data.id)?.(data);
        pending.delete(data.id);
      } else statuses.push(data);
    });
    w.storeStatus = statuses;
    w.storeCall = (command: unknown) =>
      new Promise((resolve) => {
        const id = next++;
        pending.set(id, resolve);
        worker.postMessage({ id, command });
      });
  });
}

async function waitForStatus(page: Page, status: string): Promise<WorkerStatus> {
  const handle = await page.waitForFunction(
    (wanted) =>
      ((window as unknown as { storeStatus?: { status: string }[] }).storeStatus ?? []).find(
        (s) => s.status === wanted || s.status === 'failed',
      ),
    status,
    { timeout: 60_000 },
  );
  const found = (await handle.jsonValue()) as WorkerStatus;
  if (found.status === 'failed') throw new Error(`the worker failed: ${found.reason ?? ''}`);
  return found;
}

async function call<T>(page: Page, command: Record<string, unknown>): Promise<T> {
  const answer = (await page.evaluate(
    (c) => (window as unknown as { storeCall(c: unknown): Promise<unknown> }).storeCall(c),
    command,
  )) as { value?: T; error?: string };
  if (answer.error !== undefined) throw new Error(answer.error);
  return answer.value as T;
}

describe.runIf(chromiumAvailable())(
  'the web app’s database in Chromium (OPFS, one owner tab)',
  () => {
    let browser: Browser;
    let site: { url: string; close(): Promise<void> };
    beforeAll(async () => {
      [browser, site] = await Promise.all([launchChromium(), serveWorker()]);
    });
    afterAll(async () => {
      await browser.close();
      await site.close();
    });

    it('keeps every message, file and the search over a reload; a second tab waits, then takes over intact', async () => {
      const context = await browser.newContext();
      const first = await context.newPage();
      await first.goto(site.url);
      await startWorker(first);
      const ready = await waitForStatus(first, 'ready');
      expect(ready.offlineCache).toBe(true);
      expect(ready.driver).toMatch(/^sqlite-wasm 3\.5\d\.\d+ \(opfs-sahpool\)$/);

      const timings = [
        await call<{ ms: number }>(first, {
          op: 'fill',
          from: 1,
          count: 2000,
          text: 'meeting tomorrow at the station',
        }),
        await call<{ ms: number }>(first, {
          op: 'fill',
          from: 2001,
          count: 500,
          text: '我们明天一起吃饭吧',
        }),
        await call<{ ms: number }>(first, {
          op: 'fill',
          from: 2501,
          count: 500,
          text: 'Café crème غدا',
        }),
      ];
      const ms = timings.reduce((sum, t) => sum + t.ms, 0);
      console.log(
        `web store: 3,000 messages applied on OPFS in ${ms.toFixed(0)} ms = ${Math.round(3000 / (ms / 1000))} messages/s`,
      );
      const chinese = await call<{ seqs: number[]; ms: number }>(first, {
        op: 'search',
        query: '明天',
      });
      expect(chinese.seqs).toHaveLength(30);
      expect(chinese.seqs.every((seq) => seq > 2000 && seq <= 2500)).toBe(true);
      await call(first, {
        op: 'file-write',
        path: '/profile/outbox-files/k1-0',
        text: 'a photo waiting',
      });

      // A second tab of the same browser: the first holds the database, so it waits.
      const second = await context.newPage();
      await second.goto(site.url);
      await startWorker(second);
      await waitForStatus(second, 'elsewhere');

      // The first tab reloads: its Worker ends and the waiting tab takes over the same database.
      await first.reload();
      await startWorker(first);
      await waitForStatus(second, 'ready');
      expect(await call<number>(second, { op: 'count' })).toBe(3000);
      expect(
        (await call<{ seqs: number[] }>(second, { op: 'search', query: '明天' })).seqs,
      ).toEqual(chinese.seqs);
      expect(
        (await call<{ seqs: number[] }>(second, { op: 'search', query: 'crème' })).seqs,
      ).toHaveLength(30);
      expect(await call(second, { op: 'file-read', path: '/profile/outbox-files/k1-0' })).toBe(
        'a photo waiting',
      );
      await call(second, { op: 'fill', from: 3001, count: 1, text: 'written by the second tab' });

      // The second tab closes: the reloaded first tab owns the database again, with everything.
      await waitForStatus(first, 'elsewhere');
      await second.close();
      await waitForStatus(first, 'ready');
      expect(await call<number>(first, { op: 'count' })).toBe(3001);
      expect(
        (await call<{ seqs: number[] }>(first, { op: 'search', query: 'second tab' })).seqs,
      ).toEqual([3001]);
      await context.close();
    });

    it('the web app’s engine Worker starts the whole engine in Chromium and answers the contract', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(site.url);
      const answers = await page.evaluate(
        () =>
          new Promise<unknown[]>((resolve, reject) => {
            const seen: unknown[] = [];
            const worker = new Worker('/engine.worker.js', { type: 'module' });
            worker.addEventListener('error', (event) => reject(new Error(event.message)));
            // Called at once: the Worker keeps calls that come before its engine is ready.
            worker.postMessage({ kind: 'call', id: 1, method: 'getSession', args: [] });
            worker.addEventListener('message', (event: MessageEvent<{ kind?: string }>) => {
              seen.push(event.data);
              if (event.data.kind === 'result') resolve(seen);
            });
          }),
      );
      expect(answers).toContainEqual({ kind: 'engine:status', status: 'ready' });
      expect(answers).toContainEqual({
        kind: 'result',
        id: 1,
        result: { ok: true, value: { status: 'signed_out', serverUrl: null } },
      });
      expect(answers).not.toContainEqual(expect.objectContaining({ status: 'no-offline-cache' }));
      await context.close();
    });
  },
);
