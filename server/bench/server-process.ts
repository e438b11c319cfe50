/**
 * The real chitchat server for the delivery bench, in its own process so that the load generator
 * does not share its event loop. Built like the test harness's `startServer`: SQLite in the
 * directory named by BENCH_DATA_DIR, both rate limits raised far above the bench's rates, logs
 * silent (BENCH_SERVER_LOG_LEVEL=warn shows a run's warnings among the bench's output). Listens on
 * 127.0.0.1, on BENCH_PORT or else port 0, and reports the port over IPC once it listens (a fixed
 * port lets a client find the same server again after a restart over the same data).
 *
 * With BENCH_REDIS_URL (and BENCH_JWT_SECRET, the same for every process, at least 32 characters)
 * it runs in the scaled mode, as `main.ts` does with REDIS_URL: Redis presence, the Socket.io
 * streams adapter and Redis auth rate limits, so several such processes may share one DATA_DIR.
 */
import { z } from 'zod';
import { createApp } from '../src/app';
import { RAISED_RATE_LIMITS, testConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { connectRedis } from '../src/redis';
import { deriveKeys, loadServerSecret } from '../src/services/secrets';
import { openSqliteStore } from '../src/store/sqlite/index';
import { reply, serveChildIpc } from './ipc';

async function main(): Promise<void> {
  const dataDir = process.env.BENCH_DATA_DIR;
  if (dataDir === undefined || dataDir === '') throw new Error('BENCH_DATA_DIR is not set');
  const redisUrl = process.env.BENCH_REDIS_URL ?? '';
  const jwtSecret = process.env.BENCH_JWT_SECRET ?? '';
  if (redisUrl !== '' && jwtSecret.length < 32)
    throw new Error('BENCH_REDIS_URL needs BENCH_JWT_SECRET of at least 32 characters');
  serveChildIpc();
  // Silent unless BENCH_SERVER_LOG_LEVEL asks (errors and warnings of a run under load).
  const logLevel = z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .parse(process.env.BENCH_SERVER_LOG_LEVEL ?? 'silent');
  const config = testConfig({
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    // The bench registers many accounts (the default, `invite`, admits only the first).
    REGISTRATION: 'open',
    ...RAISED_RATE_LIMITS,
    LOG_LEVEL: logLevel,
    ...(redisUrl !== '' ? { REDIS_URL: redisUrl, JWT_SECRET: jwtSecret } : {}),
  });
  const logger = createLogger(config.LOG_LEVEL);
  const store = openSqliteStore(dataDir);
  const keys = deriveKeys(loadServerSecret(dataDir, config.JWT_SECRET));
  const redis = config.REDIS_URL !== undefined ? await connectRedis(config, logger) : undefined;
  const app = createApp({ config, store, keys, logger, ...redis?.deps });
  const port = await app.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1');

  const stop = () => {
    void app
      .close()
      .then(() => redis?.close())
      .then(() => store.close())
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  reply({ type: 'ready', port });
}

main().catch((error: unknown) => {
  reply({
    type: 'error',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exit(1);
});
