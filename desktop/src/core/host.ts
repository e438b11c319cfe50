import type { SqlDriver } from './local-store/sql';

/*
 * What the engine needs from the place it runs in (DESIGN §10, "one engine, several hosts"). The
 * sync logic, the store and the views exist once in desktop/src/core; each host gives these parts:
 * Node (tests, benchmarks, Electron's utility process) in host.node.ts, a browser Worker in
 * desktop/src/web. A part grows here when the engine needs one more thing only a host can do.
 */
export interface EngineHost {
  /** Opens the account caches (better-sqlite3 in Node, sqlite-wasm over OPFS in a Worker). */
  sql: SqlDriver;
}
