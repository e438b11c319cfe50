import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './harness';
import { findExecutable, freePort, pingRedis } from './net';

export { freePort };

const run = promisify(execFile);

const redisServerPath = findExecutable('redis-server');

/**
 * Whether the suites that need a real Redis can run. Without `redis-server` they skip with one
 * loud line, except under CI=true, where a missing Redis fails the run (DESIGN §8).
 */
export function redisAvailable(suite: string): boolean {
  if (redisServerPath !== null) return true;
  const hint = 'redis-server not found; install it with: apt-get install -y redis-server';
  if (process.env.CI === 'true') throw new Error(`${suite}: ${hint} (CI=true: not skipping)`);
  console.warn(`\n*** SKIPPING ${suite}: ${hint} ***\n`);
  return false;
}

/** Resolves once something on `port` answers a Redis PING, polling until `timeoutMs`. */
async function waitForPong(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answered = await pingRedis(port);
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether the process is alive; a zombie (dead, not yet reaped by init) counts as gone. */
/** Sends SHUTDOWN SAVE; Redis writes its data to disk and closes the connection. */
function shutdownSaving(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1');
    socket.once('connect', () => socket.write('SHUTDOWN SAVE\r\n'));
    socket.once('error', reject);
    socket.once('close', () => resolve());
  });
}

function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the parenthesised command name.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Daemons still running, killed if the test process exits without stopping them. */
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export interface RedisServer {
  port: number;
  url: string;
  /** Starts it again on the same port: empty, unless the last stop saved its data. */
  start(): Promise<void>;
  /**
   * Stops it and waits until the process is gone. Its data is lost, unless `save`: then it is
   * written to disk first (SHUTDOWN SAVE) and the next start loads it, as a Redis with persistence
   * would.
   */
  stop(options?: { save?: boolean }): Promise<void>;
  /** Stops it if running and removes its files. */
  remove(): Promise<void>;
}

/** A throwaway `redis-server` on a free port: no persistence, daemonized with a pidfile. */
export async function startRedis(): Promise<RedisServer> {
  if (redisServerPath === null) throw new Error('redis-server is not installed');
  const executable = redisServerPath;
  const port = await freePort();
  const dir = tempDir('chitchat-redis-');
  const pidFile = path.join(dir.dir, 'redis.pid');
  let pid: number | null = null;

  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      // A pid file left by a previous run must not be mistaken for the new daemon's.
      rmSync(pidFile, { force: true });
      await run(executable, [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'yes',
        '--pidfile',
        pidFile,
        '--dir',
        dir.dir,
        '--logfile',
        path.join(dir.dir, 'redis.log'),
      ]);
      await waitForPong(port, 10_000);
      // Never signal pid 0 or less (that is a process group): wait for a real pid in the file.
      const deadline = Date.now() + 5_000;
      for (;;) {
        const written = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
        if (Number.isInteger(written) && written > 0) {
          pid = written;
          running.add(written);
          break;
        }
        if (Date.now() > deadline) throw new Error(`redis-server wrote no pid file ${pidFile}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async stop(options = {}) {
      if (pid === null) return;
      const stopping = pid;
      pid = null;
      if (options.save === true) await shutdownSaving(port);
      else process.kill(stopping, 'SIGTERM');
      const deadline = Date.now() + 10_000;
      while (isRunning(stopping)) {
        if (Date.now() > deadline) throw new Error(`redis-server ${stopping} did not stop`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      running.delete(stopping);
      // Without `save` the data is gone, also from an earlier save: the next start is empty.
      if (options.save !== true) rmSync(path.join(dir.dir, 'dump.rdb'), { force: true });
    },
    async remove() {
      await server.stop();
      dir.remove();
    },
  };
  await server.start();
  return server;
}
