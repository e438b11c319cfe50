import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import { loadSqliteDriver } from '@chitchat/shared';

/** better-sqlite3's constructor, in the build this Node runtime can run (shared/src/sqlite-driver.ts). */
export const Database = loadSqliteDriver(createRequire(import.meta.url), process.versions, (m) =>
  process.emitWarning(m),
) as typeof BetterSqlite3;

/**
 * The file of that same build, for threads that load the driver themselves (./commit-queue.ts):
 * the same choice, made with `require.resolve` in place of `require`.
 */
export const driverPath = String(
  loadSqliteDriver(
    (id) => createRequire(import.meta.url).resolve(id),
    process.versions,
    () => undefined,
  ),
);
