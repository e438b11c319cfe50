import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { healthRouter, STORE_BLIP_TOLERANCE_MS } from './health';

// /readyz over a real HTTP server, with checks that fail on demand and a clock the test moves.
describe('/readyz: a blip of what every replica shares does not take them all out at once', () => {
  const servers: { close(): void }[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  async function serve(storeFails: () => boolean, redisFails: () => boolean, now: () => number) {
    const app = express();
    app.use(
      healthRouter({
        checks: [
          {
            name: 'store',
            toleranceMs: STORE_BLIP_TOLERANCE_MS,
            async check() {
              if (storeFails()) throw new Error('not primary');
            },
          },
          {
            name: 'redis',
            required: false,
            async check() {
              if (redisFails()) throw new Error('connection is reconnecting');
            },
          },
        ],
        logger: createLogger('silent'),
        now,
      }),
    );
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    return async () => {
      const answer = await fetch(`http://127.0.0.1:${port}/readyz`);
      return { status: answer.status, body: await answer.json() };
    };
  }

  it('the store failing for less than the tolerance is degraded (still ready); past it, not ready; ready again once it answers', async () => {
    let clock = 1_000;
    let storeDown = false;
    const readyz = await serve(
      () => storeDown,
      () => false,
      () => clock,
    );
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'ready', checks: { store: 'ok', redis: 'ok' } },
    });
    storeDown = true; // a primary election begins
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'degraded', checks: { store: 'failing', redis: 'ok' } },
    });
    clock += STORE_BLIP_TOLERANCE_MS - 1;
    expect((await readyz()).status).toBe(200);
    clock += 1;
    expect(await readyz()).toEqual({
      status: 503,
      body: { status: 'not_ready', checks: { store: 'failing', redis: 'ok' } },
    });
    storeDown = false;
    expect((await readyz()).body).toMatchObject({ status: 'ready' });
    // A new failure starts a new tolerance, not the old one's.
    storeDown = true;
    clock += 60_000;
    expect((await readyz()).status).toBe(200);
  });

  it('Redis down keeps the process ready however long it lasts (each replica serves its own sockets)', async () => {
    let clock = 0;
    const readyz = await serve(
      () => false,
      () => true,
      () => clock,
    );
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'degraded', checks: { store: 'ok', redis: 'failing' } },
    });
    clock += 3_600_000;
    expect((await readyz()).status).toBe(200);
  });
});
