import { nodeSqlDriver } from '../src/core/local-store/driver.node.ts';
import type { SqlDriver } from '../src/core/local-store/sql';
import { loadSqliteWasm, wasmSqlDriver } from '../src/core/local-store/sqlite-wasm';

/**
 * Both hosts' SQLite, for suites that must behave the same on each (DESIGN §10): better-sqlite3 on
 * a temp file, and sqlite-wasm on its in-memory file system (Node has no OPFS; a path is a name
 * there, and a database outlives close and reopen within the test process, as a file would).
 */
export async function sqlDriversForTests(): Promise<SqlDriver[]> {
  return [nodeSqlDriver, wasmSqlDriver(await loadSqliteWasm(), { kind: 'memory' })];
}
