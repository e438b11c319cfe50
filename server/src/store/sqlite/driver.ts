import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import { loadSqliteDriver } from '@chitchat/shared';

/** better-sqlite3's constructor, in the build this Node runtime can run (shared/src/sqlite-driver.ts). */
export const Database = loadSqliteDriver(createRequire(import.meta.url), process.versions, (m) =>
  process.emitWarning(m),
) as typeof BetterSqlite3;
