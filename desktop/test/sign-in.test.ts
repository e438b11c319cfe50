import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine, removeProfiles, PASSWORD } from './engines';

/** A loopback web server that is not chitchat: it never answers, or answers 404 / 200 to anything. */
async function otherServer(
  answer: 'never' | 404 | 200,
): Promise<{ url: string; server: Server; hanging: ServerResponse[] }> {
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    req.resume();
    if (answer === 'never') hanging.push(res);
    else res.writeHead(answer, { 'content-type': 'text/html' }).end('<h1>Hello</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hanging };
}

describe('signing in to a server that is not chitchat, or does not answer', () => {
  const servers: Awaited<ReturnType<typeof otherServer>>[] = [];
  beforeAll(async () => {
    servers.push(await otherServer('never'), await otherServer(404), await otherServer(200));
  });
  afterAll(async () => {
    for (const s of servers) {
      for (const res of s.hanging) res.destroy();
      s.server.closeAllConnections();
      await new Promise((resolve) => s.server.close(resolve));
    }
    removeProfiles();
  });

  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'signed in',
      (error: { code?: string }) => error.code,
    );

  it('a server that never answers makes sign-up fail with `timeout`, and the engine stays signed out', async () => {
    const { client } = await engine({ signInTimeoutMs: 300 });
    const [silent] = servers;
    const started = Date.now();
    expect(
      await codeOf(
        client.signUp({ serverUrl: silent!.url, username: 'ana_x', password: PASSWORD }),
      ),
    ).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await client.getSession()).status).toBe('signed_out');
    await client.stop();
  });

  it('cancelSignIn stops a sign-in that is waiting, with `cancelled`', async () => {
    const { client } = await engine({ signInTimeoutMs: 60_000 });
    const [silent] = servers;
    const before = silent!.hanging.length;
    const waiting = codeOf(
      client.signIn({ serverUrl: silent!.url, username: 'ana_x', password: PASSWORD }),
    );
    // The request is on the wire once the silent server holds its response.
    await expect.poll(() => silent!.hanging.length).toBeGreaterThan(before);
    await client.cancelSignIn();
    expect(await waiting).toBe('cancelled');
    expect((await client.getSession()).status).toBe('signed_out');
    await client.stop();
  });

  it('a web server answering 404, or 200 without tokens, is reported as `not_chitchat`', async () => {
    const { client } = await engine();
    for (const other of servers.slice(1)) {
      expect(
        await codeOf(
          client.signIn({ serverUrl: other.url, username: 'ana_x', password: PASSWORD }),
        ),
      ).toBe('not_chitchat');
    }
    expect((await client.getSession()).status).toBe('signed_out');
    await client.stop();
  });
});
