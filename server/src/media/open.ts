import type { Config } from '../config';
import type { Logger } from '../logger';
import { createMediaService, type MediaService, type UploadLimits } from '../services/media';
import { mongoStoreParts } from '../store/mongo/index';
import type { Store } from '../store/types';
import { diskMediaStore } from './disk';
import { databaseOf, openGridFsMediaStore } from './gridfs';
import { openMongoMediaIndex } from './mongo-index';
import { openSqliteMediaIndex } from './sqlite';

export interface LocalMedia {
  service: MediaService;
  /** Closes the media index (after the app, which stops the sweep). */
  close(): Promise<void>;
}

/** The media settings; the upload limits default to DEFAULT_UPLOAD_LIMITS when left out. */
type MediaConfig = Pick<Config, 'MEDIA_MAX_BYTES'> &
  Partial<Pick<Config, 'MEDIA_QUOTA_BYTES' | 'RATE_LIMIT_UPLOAD' | 'MEDIA_UPLOADS_CONCURRENT'>>;

const uploadLimitsOf = (config: MediaConfig): Partial<UploadLimits> => ({
  ...(config.MEDIA_QUOTA_BYTES !== undefined ? { quotaBytes: config.MEDIA_QUOTA_BYTES } : {}),
  ...(config.RATE_LIMIT_UPLOAD !== undefined ? { perMinute: config.RATE_LIMIT_UPLOAD } : {}),
  ...(config.MEDIA_UPLOADS_CONCURRENT !== undefined
    ? { concurrentPerDevice: config.MEDIA_UPLOADS_CONCURRENT }
    : {}),
});

interface MediaOptions {
  now?: () => number;
  sweepEveryMs?: number;
}

/**
 * Media for the embedded (SQLite) mode: the index in the store's SQLite file, the bytes on disk
 * under `DATA_DIR/media/`.
 */
export function openLocalMedia(
  config: Pick<Config, 'DATA_DIR'> & MediaConfig,
  logger: Logger,
  options: MediaOptions = {},
): LocalMedia {
  const index = openSqliteMediaIndex(config.DATA_DIR);
  const service = createMediaService({
    index,
    blobs: diskMediaStore(config.DATA_DIR, options.now ? { now: options.now } : {}),
    maxBytes: config.MEDIA_MAX_BYTES,
    limits: uploadLimitsOf(config),
    logger,
    ...options,
  });
  return { service, close: () => index.close() };
}

/**
 * Media for the scaled (MongoDB) mode, on the store's own connection: the index in a `media`
 * collection beside the events it authorizes by, the bytes in GridFS, so every replica serves what
 * any replica stored. Closing it leaves the connection to the store (close it first).
 */
export async function openMongoMedia(
  store: Store,
  config: MediaConfig,
  logger: Logger,
  options: MediaOptions = {},
): Promise<LocalMedia> {
  const parts = mongoStoreParts(store);
  if (parts === undefined) throw new Error('MongoDB media needs a store opened by openMongoStore.');
  const index = await openMongoMediaIndex(parts.connection, parts.models);
  const blobs = await openGridFsMediaStore(
    databaseOf(parts.connection),
    options.now ? { now: options.now } : {},
  );
  // What crashed uploads left behind; in the background, never holding up the start.
  const cleanup = blobs.removeStaleUploads().then(
    (removed) => {
      if (removed > 0) logger.info({ removed }, 'removed media left by interrupted uploads');
    },
    (error: unknown) => logger.error({ err: error }, 'could not remove interrupted media uploads'),
  );
  const service = createMediaService({
    index,
    blobs,
    maxBytes: config.MEDIA_MAX_BYTES,
    limits: uploadLimitsOf(config),
    logger,
    ...options,
  });
  return {
    service,
    async close() {
      await cleanup;
      await index.close();
    },
  };
}

/** The media of the store the configuration selected (`openStore`): MongoDB's, else SQLite's. */
export async function openMedia(
  config: Pick<Config, 'DATA_DIR' | 'MONGODB_URI'> & MediaConfig,
  store: Store,
  logger: Logger,
  options: MediaOptions = {},
): Promise<LocalMedia> {
  return config.MONGODB_URI === undefined
    ? openLocalMedia(config, logger, options)
    : openMongoMedia(store, config, logger, options);
}
