/**
 * Starting and stopping the bench's processes: the server processes and, for the cluster run, a
 * redis-server. Each server child runs a TypeScript entry point with `node --import tsx`, reports
 * its port over IPC and answers stats requests. Every child started here is killed when the bench
 * ends, on error, on Ctrl-C, and (as a last resort, synchronously) when the generator process
 * exits; a server child also exits by itself when its IPC channel closes.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { findExecutable, freePort, pingRedis } from '../test/net';

export { findExecutable };
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { ChildMessage, ChildStats, ParentMessage } from './ipc';

export interface ChildServer {
  name: string;
  pid: number;
  port: number;
  url: string;
  /** The child's CPU and event-loop counters, or null when it does not answer within 2 s. */
  stats(): Promise<ChildStats | null>;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

/** Every child still running, with its `stop`. */
const live = new Map<ChildProcess, () => Promise<void>>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;

function killAllNow(): void {
  for (const child of live.keys()) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

function installExitHooks(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAllNow();
      process.exit(130);
    });
  }
}

/**
 * Registers a child just started, so that it is killed with the others; `stop` sends SIGTERM, then
 * SIGKILL after 3 s, and resolves once the process is gone.
 */
function track(child: ChildProcess): { exited: Promise<void>; stop(): Promise<void> } {
  installExitHooks();
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      live.delete(child);
      resolve();
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    // Generous: a server run with --cpu-prof writes its profile as it exits.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  live.set(child, stop);
  return { exited, stop };
}

/** A fresh temp directory, removed by `remove()` or, at the latest, when this process exits. */
export function benchTempDir(prefix: string): { dir: string; remove(): void } {
  installExitHooks();
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.add(dir);
  return {
    dir,
    remove() {
      rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    },
  };
}

const tsxLoader = () => pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Forks `script` (a .ts file) and resolves once it reports `ready` with its port. */
export async function startChild(
  name: string,
  script: string,
  env: Record<string, string> = {},
  extraExecArgv: string[] = [],
  readyTimeoutMs = 30_000,
): Promise<ChildServer> {
  installExitHooks();
  const child = fork(script, [], {
    execArgv: ['--import', tsxLoader(), ...extraExecArgv],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { stop } = track(child);

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name}: not ready after ${readyTimeoutMs} ms`)),
        readyTimeoutMs,
      );
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(message.port);
        } else if (message.type === 'error') {
          clearTimeout(timer);
          reject(new Error(`${name} failed to start: ${message.message}`));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited before it was ready (code ${code}, signal ${signal})`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    name,
    pid: child.pid ?? -1,
    port,
    url: `http://127.0.0.1:${port}`,
    stats() {
      if (!child.connected) return Promise.resolve(null);
      return new Promise((resolve) => {
        const onMessage = (message: ChildMessage) => {
          if (message.type !== 'stats') return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(message.stats);
        };
        const timer = setTimeout(() => {
          child.off('message', onMessage);
          resolve(null);
        }, 2_000);
        child.on('message', onMessage);
        const request: ParentMessage = { type: 'stats' };
        child.send(request);
      });
    },
    stop,
  };
}

/**
 * Forks `script` (a .ts file) as a load-generator process of the bench, tracked like the servers
 * (killed with the others, at the latest when this process exits); messages go over its IPC channel.
 */
export function forkBenchProcess(
  script: string,
  env: Record<string, string> = {},
  extraExecArgv: string[] = [],
): { child: ChildProcess; stop(): Promise<void> } {
  installExitHooks();
  const child = fork(script, [], {
    execArgv: ['--import', tsxLoader(), ...extraExecArgv],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return { child, stop: track(child).stop };
}

/** Stops every child still running (used in `finally` blocks). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live.values()].map((stop) => stop()));
}

// ------------------------------------------------------------------------------------------------
// redis-server, for the cluster run
// ------------------------------------------------------------------------------------------------

export interface RedisChild {
  pid: number;
  port: number;
  url: string;
  /** SIGTERM (no persistence: nothing is saved), then SIGKILL after 3 s. */
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` in the foreground, as a child of this process, on a free port of
 * 127.0.0.1 with no persistence (`--save '' --appendonly no`), and resolves once it answers PING.
 * Its log is kept in memory and shown only when it fails to start. A port taken between the probe
 * and redis-server's bind is retried on another port.
 */
export async function startRedisServer(executable: string): Promise<RedisChild> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const { dir, remove } = benchTempDir('chitchat-bench-redis-');
    const child = spawn(
      executable,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        dir,
        '--logfile',
        '',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const { exited, stop } = track(child);
    let log = '';
    const keep = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let gone = false;
    void exited.then(() => (gone = true));
    const deadline = performance.now() + 10_000;
    let ready = false;
    while (!gone && performance.now() < deadline) {
      if (await pingRedis(port)) {
        ready = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (ready && !gone && child.pid !== undefined) {
      return {
        pid: child.pid,
        port,
        url: `redis://127.0.0.1:${port}`,
        async stop() {
          await stop();
          remove();
        },
      };
    }
    await stop();
    remove();
    if (attempt >= 3 || !gone)
      throw new Error(`redis-server did not start on 127.0.0.1:${port}:\n${log.trim()}`);
  }
}
