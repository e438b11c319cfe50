import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '@chitchat/server/testing';
import type { ConnectionState } from '../src/common/contract';
import { engine, removeProfiles, uniqueUser, PASSWORD, until, type Engine } from './engines';

describe('offline while signed in', () => {
  let server: TestServer | undefined;
  const engines: Engine[] = [];
  afterAll(async () => {
    for (const e of engines) await e.client.stop();
    await server?.stop();
    removeProfiles();
  });

  it('a failed reconnect attempt says offline, and reconnectNow connects without waiting out the back-off', async () => {
    server = await startServer();
    // A back-off far longer than the test: only reconnectNow can bring the engine back in time.
    const e = await engine({ sync: { reconnectDelayMs: 60_000, reconnectDelayMaxMs: 60_000 } });
    engines.push(e);
    const states: ConnectionState[] = [];
    e.client.events.on('connection', (state) => states.push(state));
    await e.client.signUp({
      serverUrl: server.url,
      username: uniqueUser('olga'),
      password: PASSWORD,
    });
    await until(e.client, async () =>
      (await e.client.getConnectionState()) === 'online' ? true : undefined,
    );

    const { dataDir, port } = server;
    await server.stop();
    await until(e.client, async () =>
      (await e.client.getConnectionState()) !== 'online' ? true : undefined,
    );
    // While the server is down, Retry now makes an attempt that fails: the engine says offline.
    await e.client.reconnectNow();
    await until(e.client, async () =>
      (await e.client.getConnectionState()) === 'offline' ? true : undefined,
    );

    server = await startServer({ dataDir, port });
    await e.client.reconnectNow();
    await until(
      e.client,
      async () => ((await e.client.getConnectionState()) === 'online' ? true : undefined),
      10_000,
      'online after Retry now',
    );
    expect(states).toContain('offline');
  });
});
