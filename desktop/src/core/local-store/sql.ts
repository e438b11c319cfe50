/*
 * The SQLite connection the local store uses, as a small interface (DESIGN §10, "one engine,
 * several hosts"). Node runs it over better-sqlite3 (driver.node.ts), a browser Worker over SQLite
 * compiled to WebAssembly (sqlite-wasm.ts); the store, its migrations and its word index are the
 * same code on both. The shape is better-sqlite3's (synchronous, positional or `@named` parameters,
 * rows as objects) so the Node host is the driver itself with no wrapper and no speed lost.
 */

/** What a write reports. */
export interface SqlRunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/**
 * A prepared statement. Parameters are positional values, or one object whose keys are the
 * `@name`s of the SQL without the `@`. Integers come back as numbers, text as strings.
 */
export interface SqlStatement<P extends unknown[] = unknown[], R = unknown> {
  run(...params: P): SqlRunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

/**
 * A function that runs in a transaction when called: BEGIN (or a SAVEPOINT when one is already
 * open), the body, COMMIT; a throw rolls back and rethrows. `immediate` takes the write lock first.
 */
export interface SqlTransaction<A extends unknown[], T> {
  (...args: A): T;
  immediate(...args: A): T;
}

export interface SqlFunctionOptions {
  deterministic?: boolean;
}

/** One open database. */
export interface SqlDatabase {
  /** False once closed. */
  readonly open: boolean;
  /**
   * `P` is the parameter list, or the one object of `@named` parameters. `{}` as in
   * better-sqlite3's own declaration, so that an unannotated statement takes any parameters.
   */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  prepare<P extends unknown[] | {} = unknown[], R = unknown>(
    sql: string,
  ): P extends unknown[] ? SqlStatement<P, R> : SqlStatement<[P], R>;
  /** Runs one or more statements that take no parameters and return nothing. */
  exec(sql: string): unknown;
  transaction<A extends unknown[], T>(body: (...args: A) => T): SqlTransaction<A, T>;
  /**
   * Runs `PRAGMA source`. With `simple`, the first column of the first row; without, the rows.
   */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** Registers a scalar SQL function written in JavaScript (the search tokenizer helpers). */
  function(
    name: string,
    options: SqlFunctionOptions,
    implementation: (...args: unknown[]) => unknown,
  ): unknown;
  close(): unknown;
}

/**
 * Opens databases by name on one host: a file path in Node, a name in the browser's OPFS pool,
 * or ':memory:'. `describe` names the host's storage for logs and the "offline cache" notice.
 */
export interface SqlDriver {
  readonly name: string;
  /** False where nothing outlives the process (a browser without OPFS): no offline cache. */
  readonly persistent: boolean;
  openDatabase(file: string): SqlDatabase;
}
