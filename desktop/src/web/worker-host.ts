import type { SecretStore } from '../core/api-client';
import { COOKIE_SESSION } from '../core/api-client';
import type { EngineHost, HostFiles } from '../core/host';
import { sha256Hex } from '../core/host-parts/sha256';
import { sqlFiles } from '../core/host-parts/sql-files';
import {
  loadSqliteWasm,
  opfsStorage,
  wasmSqlDriver,
  type WasmStorage,
} from '../core/local-store/sqlite-wasm';
import { exportArchive } from '../core/export/data-export';
import { opfsExportTarget } from './export-opfs';
import { xhrUpload } from './xhr-upload';

/*
 * The browser Worker's EngineHost (DESIGN §10, §11). SQLite is sqlite-wasm on OPFS through the
 * `opfs-sahpool` VFS: it keeps synchronous access handles in this Worker, so it needs neither
 * SharedArrayBuffer nor the COOP/COEP headers the plain `opfs` VFS does (the web app's CSP and
 * headers stay as DESIGN §11 has them), and it is the fastest OPFS VFS; it lets one Worker at a
 * time hold the pool, which the one-owner-tab rule (Web Locks, engine.worker.ts) guarantees.
 * Files (outbox attachments, media) are rows of a database in the same pool (sql-files.ts).
 * Without OPFS everything lives in memory: the app runs online, without an offline cache.
 */

/** The pool's folder in the origin private file system. */
export const OPFS_POOL_DIRECTORY = '.chitchat';
/** Where the engine's profile lives inside the pool (paths are names there). */
export const WEB_PROFILE_DIR = '/profile';

export interface BrowserHost {
  host: EngineHost;
  /** False when OPFS is missing: nothing survives a reload (the page says so once). */
  offlineCache: boolean;
  /** Why there is no offline cache, when there is none. */
  reason: string | null;
}

/** The host; `opfs: false` keeps everything in memory (no single owner can be guaranteed). */
export async function browserHost(options: { opfs: boolean }): Promise<BrowserHost> {
  const sqlite3 = await loadSqliteWasm();
  let storage: WasmStorage = { kind: 'memory' };
  let reason: string | null = options.opfs ? null : 'The offline cache is off in this browser.';
  if (options.opfs) {
    try {
      storage = await opfsStorage(sqlite3, OPFS_POOL_DIRECTORY);
    } catch (error) {
      reason = `This browser offers no origin private file system to this page (${String(error)}).`;
    }
  }
  const sql = wasmSqlDriver(sqlite3, storage);
  const files = sqlFiles(sql.openDatabase('/files.sqlite'));
  return {
    host: {
      sql,
      files,
      sha256Hex,
      upload: xhrUpload,
      // The archive goes to an OPFS file (export-opfs.ts); without OPFS there is nowhere to put
      // it but memory, so the export says it is not available.
      ...(storage.kind !== 'memory'
        ? {
            exportData: (parts, conversations) =>
              exportArchive(parts, conversations, opfsExportTarget),
          }
        : {}),
    },
    offlineCache: storage.kind !== 'memory',
    reason,
  };
}

/**
 * The web app's SecretStore: the refresh token is the server's HttpOnly cookie (DESIGN §11), so
 * only the marker that a session exists is kept, as a file of the profile.
 */
export function cookieSecretStore(files: HostFiles): SecretStore {
  const marker = files.join(WEB_PROFILE_DIR, 'cookie-session');
  return {
    transport: 'cookie',
    async get() {
      return files.exists(marker) ? COOKIE_SESSION : null;
    },
    async set(token) {
      if (token === null) files.remove(marker);
      else files.write(marker, COOKIE_SESSION);
    },
  };
}
