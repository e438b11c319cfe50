import type { Config } from '../config';
import type { Logger } from '../logger';
import { MongoStoreError, openMongoStore } from './mongo/index';
import { openSqliteStore } from './sqlite/index';
import type { Store } from './types';

export { MongoStoreError as StoreUnavailableError };

/**
 * The store the configuration asks for: MongoDB when `MONGODB_URI` is set (scaled mode), else the
 * embedded SQLite file under `DATA_DIR`. A MongoDB that cannot be reached, or that is not a replica
 * set, rejects with a StoreUnavailableError whose message says what to check.
 */
export async function openStore(
  config: Pick<Config, 'DATA_DIR' | 'MONGODB_URI'>,
  logger?: Logger,
): Promise<Store> {
  if (config.MONGODB_URI !== undefined) {
    return openMongoStore(config.MONGODB_URI, logger ? { logger } : {});
  }
  return openSqliteStore(config.DATA_DIR);
}
