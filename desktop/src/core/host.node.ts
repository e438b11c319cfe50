import type { EngineHost } from './host';
import { nodeSqlDriver } from './local-store/driver.node.ts';

/** The Node host: today's desktop engine (better-sqlite3 files, the file system). */
export const nodeHost: EngineHost = {
  sql: nodeSqlDriver,
};
