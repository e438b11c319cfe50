import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { MEDIA_DIR_NAME } from '../media/disk';
import { SECRET_FILE_NAME, VAPID_FILE_NAME } from '../services/secrets';
import { Database } from '../store/sqlite/driver';
import { openSqliteStore, SQLITE_FILE_NAME } from '../store/sqlite/index';
import {
  BACKUP_FORMAT_VERSION,
  BackupError,
  MANIFEST_FILE_NAME,
  readManifest,
  type BackupCounts,
  type BackupManifest,
} from './manifest';

/** Files of DATA_DIR that travel with the data: tokens and Web Push subscriptions stay valid. */
const SECRET_FILES = [SECRET_FILE_NAME, VAPID_FILE_NAME] as const;

type Connection = InstanceType<typeof Database>;

function countsOf(db: Connection): BackupCounts {
  const count = (table: string) =>
    db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()?.n ?? 0;
  return {
    users: count('users'),
    conversations: count('conversations'),
    events: count('events'),
    media: count('media'),
  };
}

/** The media files a database lists (originals and thumbnails), as paths under media/. */
function mediaPathsOf(db: Connection): string[] {
  const rows = db
    .prepare<[], { storage_key: string; thumbnail_key: string | null }>(
      'SELECT storage_key, thumbnail_key FROM media',
    )
    .all();
  const keys = new Set<string>();
  for (const row of rows) {
    keys.add(row.storage_key);
    if (row.thumbnail_key !== null) keys.add(row.thumbnail_key);
  }
  return [...keys].map((key) => path.join(MEDIA_DIR_NAME, key.slice(0, 2), key));
}

/** A hard link where the file system allows (no copy of large media), else a copy. */
function linkOrCopy(from: string, to: string): void {
  mkdirSync(path.dirname(to), { recursive: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/**
 * Backs up an embedded server's DATA_DIR into one archive (a gzipped tar): a consistent copy of the
 * SQLite file taken with SQLite's online backup API (safe while servers run and write), the media
 * files that copy lists, and the generated secrets. Media is collected after the database copy, so
 * every file it names exists unless a sweep removed it in between (counted as missing).
 */
export async function backupSqlite(dataDir: string, archive: string): Promise<BackupManifest> {
  const source = path.join(dataDir, SQLITE_FILE_NAME);
  if (!existsSync(source)) {
    throw new BackupError(`No chitchat database in ${path.resolve(dataDir)}: nothing to back up.`);
  }
  // In DATA_DIR, so media can be hard-linked rather than copied.
  const staging = path.join(dataDir, `.backup-${randomUUID()}`);
  mkdirSync(staging, { mode: 0o700 });
  try {
    const live = new Database(source, { readonly: true, fileMustExist: true });
    try {
      live.pragma('busy_timeout = 5000');
      await live.backup(path.join(staging, SQLITE_FILE_NAME));
    } finally {
      live.close();
    }
    const copy = new Database(path.join(staging, SQLITE_FILE_NAME), { fileMustExist: true });
    let manifest: BackupManifest;
    const entries = [MANIFEST_FILE_NAME, SQLITE_FILE_NAME];
    try {
      let missingMedia = 0;
      for (const file of mediaPathsOf(copy)) {
        const from = path.join(dataDir, file);
        if (!existsSync(from)) {
          missingMedia++;
          continue;
        }
        linkOrCopy(from, path.join(staging, file));
      }
      if (existsSync(path.join(staging, MEDIA_DIR_NAME))) entries.push(MEDIA_DIR_NAME);
      for (const secret of SECRET_FILES) {
        if (!existsSync(path.join(dataDir, secret))) continue;
        copyFileSync(path.join(dataDir, secret), path.join(staging, secret));
        entries.push(secret);
      }
      manifest = {
        format: 'chitchat-backup',
        version: BACKUP_FORMAT_VERSION,
        store: 'sqlite',
        createdAt: new Date().toISOString(),
        storeEpoch:
          copy
            .prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'store_epoch'")
            .get()?.value ?? '',
        schemaVersion: Number(copy.pragma('user_version', { simple: true })),
        counts: countsOf(copy),
        missingMedia,
      };
    } finally {
      copy.close();
    }
    writeFileSync(path.join(staging, MANIFEST_FILE_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
    // Written beside the target and renamed: an interrupted backup never looks like a whole one.
    const partial = `${archive}.partial`;
    await tar.c({ gzip: true, cwd: staging, file: partial, portable: true }, entries);
    renameSync(partial, archive);
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** What a restore did. */
export interface RestoreOutcome {
  manifest: BackupManifest;
  /** The restored store's new epoch (clients resync, DESIGN §6.8). */
  storeEpoch: string;
  /** Where the data that was in DATA_DIR went (with --force), or null. */
  setAside: string | null;
}

/** What of DATA_DIR a restore replaces. */
const RESTORED_NAMES = [
  SQLITE_FILE_NAME,
  `${SQLITE_FILE_NAME}-wal`,
  `${SQLITE_FILE_NAME}-shm`,
  MEDIA_DIR_NAME,
  ...SECRET_FILES,
];

/**
 * Restores an archive of `backupSqlite` into a stopped server's DATA_DIR, then gives the store a
 * new epoch so every client resyncs from scratch. A DATA_DIR that already holds a database is
 * refused unless `force`; then its data is moved aside (never deleted) into a dated folder.
 * The caller makes sure no server runs on DATA_DIR.
 */
export async function restoreSqlite(
  archive: string,
  dataDir: string,
  options: { force: boolean },
): Promise<RestoreOutcome> {
  if (!existsSync(archive)) throw new BackupError(`No such backup file: ${archive}.`);
  mkdirSync(dataDir, { recursive: true });
  const target = path.join(dataDir, SQLITE_FILE_NAME);
  if (existsSync(target) && !options.force) {
    throw new BackupError(
      `${path.resolve(dataDir)} already holds a chitchat database. Restore into an empty DATA_DIR, or add --force to move the current data aside first.`,
    );
  }
  const staging = path.join(dataDir, `.restore-${randomUUID()}`);
  mkdirSync(staging, { mode: 0o700 });
  try {
    try {
      await tar.x({ file: archive, cwd: staging, strict: true });
    } catch (error) {
      throw new BackupError(`${archive} cannot be read as a backup archive: ${String(error)}`);
    }
    const manifest = readManifest(staging, archive);
    if (manifest.store !== 'sqlite') {
      throw new BackupError(
        `${archive} is a backup of a MongoDB store; set MONGODB_URI to restore it there.`,
      );
    }
    if (!existsSync(path.join(staging, SQLITE_FILE_NAME))) {
      throw new BackupError(`${archive} has no ${SQLITE_FILE_NAME}.`);
    }

    let setAside: string | null = null;
    const present = RESTORED_NAMES.filter((name) => existsSync(path.join(dataDir, name)));
    if (present.length > 0) {
      setAside = path.join(
        dataDir,
        `before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`,
      );
      mkdirSync(setAside, { mode: 0o700 });
      for (const name of present) renameSync(path.join(dataDir, name), path.join(setAside, name));
    }
    // Only what a backup writes, whatever else the archive holds.
    for (const name of RESTORED_NAMES) {
      if (existsSync(path.join(staging, name))) {
        renameSync(path.join(staging, name), path.join(dataDir, name));
      }
    }
    // Opening migrates an older backup to this server's schema; then the new epoch.
    const store = openSqliteStore(dataDir);
    try {
      return { manifest, storeEpoch: await store.rotateStoreEpoch(), setAside };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
