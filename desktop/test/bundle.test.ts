/**
 * The Electron side as it ships: the bundles that `npm run build` writes. Electron cannot run here,
 * so this checks what can be checked without it: each bundle needs only what its process offers,
 * and the engine's bundle really runs (in Node, with a stand-in for Electron's parentPort) against
 * a real server, better-sqlite3 and all.
 */
import { fork, spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '@chitchat/server/testing';
import { chatApiFromHost, type RpcPort } from '../src/common/rpc';
import { memorySecretStore } from '../src/core/api-client';
import { EngineRelay } from '../src/main/engine-relay';
import { PASSWORD, newProfileDir, removeProfiles, uniqueUser } from './engines';

const desktopDir = path.resolve(import.meta.dirname, '..');
const outDir = mkdtempSync(path.join(tmpdir(), 'chitchat-bundle-'));

const requiresOf = (file: string) =>
  new Set(
    Array.from(
      readFileSync(path.join(outDir, file), 'utf8').matchAll(/\brequire\("([^"]+)"\)/g),
    ).map((match) => match[1] ?? ''),
  );
const isBuiltin = (name: string) =>
  name.startsWith('node:') || builtinModules.includes(name.split('/')[0] ?? '');

beforeAll(() => {
  const build = spawnSync(
    process.execPath,
    [path.join(desktopDir, 'scripts/build-main.mjs'), outDir],
    {
      encoding: 'utf8',
    },
  );
  if (build.status !== 0) throw new Error(`build-main failed:\n${build.stderr}`);
  // The engine bundle finds better-sqlite3 as in the app: in a node_modules beside it. This one is
  // the repository's, built for Node (not desktop/dist/node_modules, built for Electron by npm start).
  symlinkSync(
    path.resolve(desktopDir, '..', 'node_modules'),
    path.join(outDir, 'node_modules'),
    'junction',
  );
}, 60_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the Electron bundles', () => {
  it('give the sandboxed preload nothing to load but electron', () => {
    expect([...requiresOf('preload.cjs')]).toEqual(['electron']);
  });

  it('bundle all of main and the engine except Node, electron and the native database', () => {
    for (const name of requiresOf('main.cjs'))
      expect(name === 'electron' || isBuiltin(name), `main.cjs requires ${name}`).toBe(true);
    const engineExternals = ['better-sqlite3', 'bufferutil', 'utf-8-validate'];
    for (const name of requiresOf('engine-host.cjs'))
      expect(isBuiltin(name) || engineExternals.includes(name), `engine requires ${name}`).toBe(
        true,
      );
  });

  describe('the engine bundle, run as the utility process would run it', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer();
    });
    afterAll(async () => {
      await server.stop();
      removeProfiles();
    });

    it('starts, signs up against a real server, and stops when main asks', async () => {
      const child = fork(path.join(outDir, 'engine-host.cjs'), [], {
        execArgv: ['--require', path.join(import.meta.dirname, 'parent-port-shim.cjs')],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      try {
        const port: RpcPort = {
          postMessage: (message) => child.send(message as object),
          onMessage: (listener) => {
            child.on('message', listener);
            return () => child.off('message', listener);
          },
        };
        const relay = new EngineRelay({
          secrets: memorySecretStore(),
          start: {
            profileDir: newProfileDir(),
            device: { name: 'bundle.local', platform: 'linux' },
          },
          logger: { debug: () => undefined, warn: () => undefined, error: () => undefined },
        });
        relay.attach(port);
        child.once('exit', (code) => relay.detach(`exit code ${code}`));
        const chat = chatApiFromHost(relay);
        const username = uniqueUser('bundle');
        await expect(
          chat.signUp({ serverUrl: server.url, username, password: PASSWORD }),
        ).resolves.toMatchObject({ status: 'signed_in', user: { username } });
        expect(await chat.listDevices()).toEqual([
          expect.objectContaining({ name: 'bundle', platform: 'linux' }),
        ]);
        await relay.stop();
        expect(await exited).toBe(0);
      } finally {
        child.kill('SIGKILL');
      }
    });
  });
});
