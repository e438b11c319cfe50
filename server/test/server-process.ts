import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { PROTOCOL_VERSION } from '@chitchat/shared';
import { raisedRateLimitEnv } from '../src/config';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** The same for every process of a test cluster (≥ 32 characters, as the scaled mode needs). */
export const CLUSTER_JWT_SECRET = 'test-cluster-secret-0123456789-abcdefghij';

export interface ServerProcess {
  url: string;
  port: number;
  /** Where this process serves /metrics (METRICS_PORT 0: a free port, read from its log). */
  metricsUrl: string;
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** `kill -9`: no shutdown, no goodbyes, like a crash. */
  crash(): Promise<void>;
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Every process spawned and not yet exited, killed if the test process exits first. */
const live = new Set<ChildProcessByStdio<null, Readable, Readable>>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Runs `node --import tsx server/src/main.ts` as a separate OS process and resolves once it logs
 * "chitchat server listening". `env` adds to (and overrides) a test-friendly environment: a free
 * PORT, raised rate limits, LOG_LEVEL info.
 */
export async function spawnServer(
  env: Record<string, string>,
  options: { startTimeoutMs?: number } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      // Port 0: the process binds a free port and logs it. A port picked here and bound later can be
      // taken in between by another test file running in parallel (EADDRINUSE, seen in CI).
      PORT: '0',
      // Many processes per test: each takes a free metrics port instead of colliding on 9464.
      METRICS_PORT: '0',
      MONGODB_URI: '',
      LOG_LEVEL: 'info',
      // Tests register many accounts freely (the default, `invite`, admits only the first).
      REGISTRATION: 'open',
      ...raisedRateLimitEnv(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${output}`)),
      options.startTimeoutMs ?? 60_000,
    );
    const onData = () => {
      if (!output.includes('chitchat server listening')) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve();
    };
    child.stdout.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });

  const metricsPort = /"metricsPort":(\d+)/.exec(output)?.[1] ?? '0';
  const port = Number(/"port":(\d+)/.exec(output)?.[1] ?? '0');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    pid: child.pid ?? -1,
    output: () => output,
    exited,
    async crash() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs the server to completion (for start-up refusals): its exit code and output. */
export async function runServerToExit(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, HOST: '127.0.0.1', METRICS_PORT: '0', MONGODB_URI: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not exit:\n${output}`));
    }, timeoutMs);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      live.delete(child);
      resolve(exitCode);
    });
  });
  return { code, output };
}

export interface FrozenClient {
  /** Stops the client process (SIGSTOP): its socket stays open and it answers nothing. */
  freeze(): void;
  /** Kills it (a stopped process too). */
  kill(): Promise<void>;
}

/**
 * A Socket.io client in its own OS process, connected with `token`; `freeze()` stops the process,
 * so its WebSocket never answers a close handshake again: the client a shutdown must not wait for.
 */
export async function spawnFrozenClient(url: string, token: string): Promise<FrozenClient> {
  const source = `
    import { io } from 'socket.io-client';
    const socket = io(process.env.URL, {
      transports: ['websocket'],
      reconnection: false,
      auth: { token: process.env.TOKEN, protocol: Number(process.env.PROTOCOL) },
    });
    socket.on('connect', () => console.log('connected'));
    socket.on('connect_error', (error) => { console.log('refused ' + error.message); process.exit(1); });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
    cwd: repoRoot,
    env: { ...process.env, URL: url, TOKEN: token, PROTOCOL: String(PROTOCOL_VERSION) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child);
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`client did not connect:\n${output}`)), 15_000);
    child.stdout.on('data', () => {
      if (!output.includes('connected')) return;
      clearTimeout(timer);
      resolve();
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`client exited:\n${output}`));
    });
  });
  return {
    freeze: () => void child.kill('SIGSTOP'),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
