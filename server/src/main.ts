import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { deriveKeys, loadServerSecret } from './services/secrets';
import { openSqliteStore } from './store/sqlite/index';

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
  if (config.MONGODB_URI !== undefined) {
    logger.fatal(
      'MONGODB_URI is set, but this build has no MongoDB store yet; unset it to use the embedded SQLite store.',
    );
    process.exit(2);
  }
  const store = openSqliteStore(config.DATA_DIR);
  const keys = deriveKeys(loadServerSecret(config.DATA_DIR, config.JWT_SECRET));
  const app = createApp({ config, store, keys, logger });
  const port = await app.listen();
  logger.info(
    { port, host: config.HOST, dataDir: config.DATA_DIR, storeEpoch: store.storeEpoch() },
    'chitchat server listening',
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const forced = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    forced.unref();
    app
      .close()
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
