import type { Config } from '../config';
import type { Logger } from '../logger';
import { createMediaService, type MediaService } from '../services/media';
import { diskMediaStore } from './disk';
import { openSqliteMediaIndex } from './sqlite';

export interface LocalMedia {
  service: MediaService;
  /** Closes the media index (after the app, which stops the sweep). */
  close(): Promise<void>;
}

/**
 * Media for the embedded (SQLite) mode: the index in the store's SQLite file, the bytes on disk
 * under `DATA_DIR/media/`. (With MongoDB the index must live beside the events it authorizes by,
 * so that mode needs its own index: GridFS work, not done yet.)
 */
export function openLocalMedia(
  config: Pick<Config, 'DATA_DIR' | 'MEDIA_MAX_BYTES'>,
  logger: Logger,
  options: { now?: () => number; sweepEveryMs?: number } = {},
): LocalMedia {
  const index = openSqliteMediaIndex(config.DATA_DIR);
  const service = createMediaService({
    index,
    blobs: diskMediaStore(config.DATA_DIR, options.now ? { now: options.now } : {}),
    maxBytes: config.MEDIA_MAX_BYTES,
    logger,
    ...options,
  });
  return { service, close: () => index.close() };
}
