import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium } from './browser';

/*
 * The web app's uploads report progress as the bytes go (issue #17): the browser host's upload
 * (XMLHttpRequest in the engine's Worker) against a server that takes the body slowly, as a slow
 * uplink would. With fetch the ring only knew "nothing yet" and "all".
 */

const SIZE = 16 * 1024 * 1024;

interface UploadResult {
  progress: [number, number][];
  answer?: { status: number; body: string };
  error?: string;
}

describe.runIf(chromiumAvailable())('uploads from the web app’s Worker in Chromium', () => {
  let browser: Browser;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [path.join(import.meta.dirname, 'web-upload.worker.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const worker = bundle.outputFiles[0]?.contents ?? new Uint8Array();
    server = createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/upload') {
        void (async () => {
          let received = 0;
          // Reads a chunk every few milliseconds: the sender's progress has to show the wait.
          for await (const chunk of req) {
            received += (chunk as Buffer).length;
            await sleep(4);
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ received }));
        })();
        return;
      }
      if (req.url === '/upload.worker.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(worker);
        return;
      }
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>upload</title>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('reports the bytes sent as they go, then the whole body, and answers the server’s reply', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/`);
    const result: UploadResult = await page.evaluate(
      ([target, size]) =>
        new Promise<UploadResult>((resolve) => {
          const worker = new Worker('/upload.worker.js', { type: 'module' });
          worker.addEventListener('message', (event: MessageEvent<UploadResult>) =>
            resolve(event.data),
          );
          worker.postMessage({ url: target, size });
        }),
      [`${url}/upload`, SIZE] as const,
    );
    expect(result.answer).toEqual({ status: 200, body: JSON.stringify({ received: SIZE }) });
    const partial = result.progress.filter(([sent, total]) => sent > 0 && sent < total);
    expect(partial.length).toBeGreaterThan(0);
    expect(result.progress.at(-1)).toEqual([SIZE, SIZE]);
    await page.close();
  });
});
