import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  call,
  connect,
  disconnected,
  register,
  startServer,
  tempDir,
  type ClientSocket,
} from './harness';
import { spawnFrozenClient, spawnServer, type FrozenClient } from './server-process';

/*
 * Shutdown is a drain (DESIGN §10), shown on real server processes: SIGTERM, and the process
 * tells its clients, finishes what is in flight, closes its sockets within a bound whatever the
 * clients do, and exits 0.
 */

/** The drain's bounds (2 s for requests in flight, 1 s to close) plus the process's own exit. */
const EXIT_WITHIN_MS = 6_000;

describe('SIGTERM drains the server', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('a frozen client does not hold the exit; clients are told first; acked messages survive the restart', async () => {
    const data = tempDir();
    cleanups.push(data.remove);
    const server = await spawnServer({ DATA_DIR: data.dir });
    cleanups.push(async () => void (await server.crash()));

    const alice = await register(server);
    const bob = await register(server);
    const aliceSocket = await connect(server, alice.accessToken);
    cleanups.push(() => void aliceSocket.close());
    const chat = await call(aliceSocket, 'conversation:direct', { userId: bob.user.id });
    const sent = await call(aliceSocket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      text: 'acked before SIGTERM',
    });

    const frozen: FrozenClient = await spawnFrozenClient(server.url, bob.accessToken);
    cleanups.push(() => frozen.kill());
    frozen.freeze();

    const seen: string[] = [];
    aliceSocket.on('server:draining', () => seen.push('server:draining'));
    const gone = disconnected(aliceSocket, EXIT_WITHIN_MS).then((reason) => {
      seen.push(reason);
    });
    const stoppedAt = Date.now();
    const code = await server.stop();
    const tookMs = Date.now() - stoppedAt;
    await gone;

    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(EXIT_WITHIN_MS);
    expect(server.output()).toContain('"msg":"stopped"');
    // The notice, then the server's own disconnect (socket.io clients do not reconnect after
    // that by themselves: the notice is what tells them to).
    expect(seen).toEqual(['server:draining', 'io server disconnect']);
    console.log(`drain with a frozen client: exited 0 after ${tookMs} ms`);

    const restarted = await spawnServer({ DATA_DIR: data.dir });
    cleanups.push(async () => void (await restarted.stop()));
    const again: ClientSocket = await connect(restarted, alice.accessToken);
    cleanups.push(() => void again.close());
    const log = await call(again, 'events:after', {
      conversationId: chat.id,
      afterSeq: 0,
      limit: 100,
    });
    expect(log.events.find((e) => e.seq === sent.seq)).toMatchObject({
      type: 'message',
      payload: { text: 'acked before SIGTERM' },
    });
  }, 60_000);

  it('a request for an event nobody handles does not hold the drain (it is never acked)', async () => {
    // A drain that waited for it would wait the whole minute.
    const server = await startServer({ deps: { drain: { requestsMs: 60_000 } } });
    cleanups.push(() => server.stop());
    const alice = await register(server);
    const socket = await connect(server, alice.accessToken);
    cleanups.push(() => void socket.close());
    const emitUntyped = socket.emit as (event: string, ...args: unknown[]) => unknown;
    emitUntyped.call(socket, 'no:such-event', {}, () => undefined);
    // Packets are handled in order: once this answers, the one before it was seen.
    await call(socket, 'conversation:list', {});
    const stoppedAt = Date.now();
    await server.app.close();
    expect(Date.now() - stoppedAt).toBeLessThan(EXIT_WITHIN_MS);
  }, 20_000);
});
