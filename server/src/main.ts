import { serveAdminSocket } from './admin/socket';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { openMedia } from './media/open';
import { SHUTDOWN_LIMIT_MS } from './realtime/drain';
import { RedisUnavailableError, connectRedis, redactRedisUrl, type ScaledRedis } from './redis';
import { deriveKeys, loadServerSecret } from './services/secrets';
import { StoreUnavailableError, openStore } from './store/open';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  let store;
  try {
    store = await openStore(config, logger);
  } catch (error) {
    if (error instanceof StoreUnavailableError) {
      logger.fatal(error.message);
      process.exit(1);
    }
    throw error;
  }
  const keys = deriveKeys(loadServerSecret(config.DATA_DIR, config.JWT_SECRET));
  let redis: ScaledRedis | undefined;
  if (config.REDIS_URL !== undefined) {
    try {
      redis = await connectRedis(config, logger);
    } catch (error) {
      if (error instanceof RedisUnavailableError) {
        logger.fatal(error.message);
        await store.close();
        process.exit(1);
      }
      throw error;
    }
  }
  // Beside the events it authorizes by: the SQLite file and DATA_DIR/media, or MongoDB and GridFS.
  let media;
  try {
    media = await openMedia(config, store, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'cannot open media storage');
    await redis?.close();
    await store.close();
    process.exit(1);
  }
  const app = createApp({
    config,
    store,
    keys,
    logger,
    ...redis?.deps,
    media: media.service,
  });
  const port = await app.listen();
  let metricsPort;
  try {
    metricsPort = await app.listenMetrics();
  } catch (error) {
    logger.fatal(
      { err: error, metricsPort: config.METRICS_PORT, metricsHost: config.METRICS_HOST },
      'cannot listen for /metrics: set METRICS_PORT (0 picks a free port) or METRICS_HOST',
    );
    await app.close();
    await redis?.close();
    await media.close();
    await store.close();
    process.exit(1);
  }
  // `npm run admin` reaches this process here, so its changes act on live sockets at once.
  let closeAdminSocket: (() => Promise<void>) | null = null;
  try {
    closeAdminSocket = await serveAdminSocket(config.DATA_DIR, app.admin, logger);
  } catch (error) {
    logger.warn(
      { err: error },
      'cannot serve the admin socket in DATA_DIR; `npm run admin` will work on the store directly',
    );
  }
  logger.info(
    {
      port,
      host: config.HOST,
      metricsPort,
      metricsHost: config.METRICS_HOST,
      trustProxy: config.TRUST_PROXY ?? 0,
      dataDir: config.DATA_DIR,
      storeEpoch: store.storeEpoch(),
      redis: config.REDIS_URL === undefined ? null : redactRedisUrl(config.REDIS_URL),
    },
    'chitchat server listening',
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining');
    // The drain is bounded (about 3 s with a frozen client, see realtime/drain.ts); this is the
    // last resort if closing Redis, media or the store hangs. Compose waits longer (stop_grace_period).
    const forced = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    forced.unref();
    app
      .close()
      .then(() => closeAdminSocket?.())
      .then(() => redis?.close())
      .then(() => media.close())
      .then(() => store.close())
      .then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
