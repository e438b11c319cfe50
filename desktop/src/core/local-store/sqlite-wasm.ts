import type {
  Database as WasmDatabase,
  PreparedStatement,
  SAHPoolUtil,
  Sqlite3Static,
  SqlValue,
} from '@sqlite.org/sqlite-wasm';
import type {
  SqlDatabase,
  SqlDriver,
  SqlFunctionOptions,
  SqlRunResult,
  SqlStatement,
  SqlTransaction,
} from './sql';

/*
 * The local store's SQLite compiled to WebAssembly (@sqlite.org/sqlite-wasm, pinned in
 * desktop/package.json), behind the same `SqlDatabase` as better-sqlite3: the browser Worker's
 * database, and in Node the second driver the store and search suites run over. It adapts the
 * package's synchronous "oo1" API to better-sqlite3's shape: rows as objects, `@named` parameters
 * bound from one object, transactions that nest as savepoints, 64-bit integers as numbers.
 *
 * Host-neutral: only types come from the package; the caller loads the module
 * (loadSqliteWasm below) so Node takes its build and a bundler the browser's.
 */

/** Loads SQLite's WebAssembly module (Node: the package's node build; a bundle: the browser one). */
export async function loadSqliteWasm(): Promise<Sqlite3Static> {
  const { default: init } = await import('@sqlite.org/sqlite-wasm');
  return init();
}

/** Where the databases of a wasm driver live. */
export type WasmStorage =
  /**
   * The browser's origin private file system through the `opfs-sahpool` VFS: synchronous access
   * handles held by this Worker, so it needs neither SharedArrayBuffer nor the COOP/COEP headers
   * the `opfs` VFS asks for, and it is the fastest OPFS VFS. One Worker at a time may hold the pool,
   * which is what the single owner tab (Web Locks) wants anyway.
   */
  | { kind: 'opfs-sahpool'; pool: SAHPoolUtil }
  /**
   * The module's own file system in memory (Node's build; a browser without OPFS): a database
   * survives being closed and reopened in the same process and nothing more.
   */
  | { kind: 'memory' };

/** A `SqlDriver` over sqlite-wasm with the given storage. */
export function wasmSqlDriver(sqlite3: Sqlite3Static, storage: WasmStorage): SqlDriver {
  return {
    name: `sqlite-wasm ${sqlite3.version.libVersion} (${storage.kind})`,
    persistent: storage.kind === 'opfs-sahpool',
    openDatabase(file: string): SqlDatabase {
      if (storage.kind === 'opfs-sahpool') {
        return new WasmSqlDatabase(sqlite3, new storage.pool.OpfsSAHPoolDb(poolName(file)));
      }
      const name = file === ':memory:' ? file : poolName(file);
      return new WasmSqlDatabase(sqlite3, new sqlite3.oo1.DB(name, 'c'));
    },
  };
}

/** Installs the `opfs-sahpool` VFS (async, once per Worker); throws where OPFS is missing. */
export async function opfsStorage(sqlite3: Sqlite3Static, directory: string): Promise<WasmStorage> {
  const pool = await sqlite3.installOpfsSAHPoolVfs({ directory, initialCapacity: 8 });
  return { kind: 'opfs-sahpool', pool };
}

/** A flat name for a path: the pool (and the in-memory file system's root) has no folders. */
function poolName(file: string): string {
  return `/${file.replace(/^[/\\]+/, '').replace(/[/\\:]+/g, '_')}`;
}

class WasmSqlDatabase implements SqlDatabase {
  private savepoints = 0;
  private readonly scratch: TextScratch;

  constructor(
    private readonly sqlite3: Sqlite3Static,
    private readonly db: WasmDatabase,
  ) {
    this.scratch = new TextScratch(sqlite3);
  }

  get open(): boolean {
    return this.db.isOpen();
  }

  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  prepare<P extends unknown[] | {} = unknown[], R = unknown>(
    sql: string,
  ): P extends unknown[] ? SqlStatement<P, R> : SqlStatement<[P], R> {
    // The conditional return type cannot be produced without a cast: one class serves both forms.
    return new WasmSqlStatement(this.sqlite3, this.db, this.db.prepare(sql), this.scratch) as never;
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  transaction<A extends unknown[], T>(body: (...args: A) => T): SqlTransaction<A, T> {
    const run = (mode: 'DEFERRED' | 'IMMEDIATE', args: A): T => {
      if (this.inTransaction()) return this.inSavepoint(body, args);
      this.db.exec(`BEGIN ${mode}`);
      try {
        const result = body(...args);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        // SQLite may have rolled back by itself (some errors end the transaction).
        if (this.inTransaction()) this.db.exec('ROLLBACK');
        throw error;
      }
    };
    const transaction = (...args: A): T => run('DEFERRED', args);
    transaction.immediate = (...args: A): T => run('IMMEDIATE', args);
    return transaction;
  }

  pragma(source: string, options?: { simple?: boolean }): unknown {
    // A one-off statement: finalized here rather than left prepared until the connection closes.
    const prepared = this.db.prepare(`PRAGMA ${source}`);
    try {
      const rows = new WasmSqlStatement(this.sqlite3, this.db, prepared, this.scratch).all();
      if (!options?.simple) return rows;
      const first = rows[0] as Record<string, unknown> | undefined;
      return first === undefined ? undefined : Object.values(first)[0];
    } finally {
      prepared.finalize();
    }
  }

  function(
    name: string,
    options: SqlFunctionOptions,
    implementation: (...args: unknown[]) => unknown,
  ): void {
    this.db.createFunction(
      name,
      (_context: number, ...values: SqlValue[]) =>
        toSqlValue(implementation(...values.map(fromSql))),
      // As better-sqlite3 does: the function takes as many arguments as it declares.
      { deterministic: options.deterministic ?? false, arity: implementation.length },
    );
  }

  close(): void {
    // Closing finalizes the statements still prepared on the connection.
    if (this.db.isOpen()) this.db.close();
    this.scratch.free();
  }

  private inTransaction(): boolean {
    return this.sqlite3.capi.sqlite3_get_autocommit(this.db) === 0;
  }

  private inSavepoint<A extends unknown[], T>(body: (...args: A) => T, args: A): T {
    const name = `chitchat_${++this.savepoints}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = body(...args);
      this.db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw error;
    } finally {
      this.savepoints--;
    }
  }
}

class WasmSqlStatement implements SqlStatement<unknown[], unknown> {
  /** Each parameter's name without its sigil (`@id` is `id`), or null for `?`; read once. */
  private readonly parameterKeys: (string | null)[] = [];
  /** Result column names, read on the first row (a statement's columns are fixed once prepared). */
  private columns: string[] | null = null;

  constructor(
    private readonly sqlite3: Sqlite3Static,
    private readonly db: WasmDatabase,
    private readonly statement: PreparedStatement,
    private readonly scratch: TextScratch,
  ) {
    for (let index = 1; index <= statement.parameterCount; index++) {
      const name = sqlite3.capi.sqlite3_bind_parameter_name(statement, index);
      this.parameterKeys.push(name === null ? null : name.slice(1));
    }
  }

  run(...params: unknown[]): SqlRunResult {
    this.bind(params);
    try {
      this.statement.step();
    } finally {
      this.statement.reset(true);
    }
    const { capi } = this.sqlite3;
    return {
      changes: capi.sqlite3_changes(this.db),
      lastInsertRowid: toNumber(capi.sqlite3_last_insert_rowid(this.db)),
    };
  }

  get(...params: unknown[]): unknown {
    this.bind(params);
    try {
      return this.statement.step() ? this.row() : undefined;
    } finally {
      this.statement.reset(true);
    }
  }

  all(...params: unknown[]): unknown[] {
    this.bind(params);
    const rows: unknown[] = [];
    try {
      while (this.statement.step()) rows.push(this.row());
    } finally {
      this.statement.reset(true);
    }
    return rows;
  }

  /**
   * Binds every parameter through the C API, one call a value: the oo1 `bind()` re-resolves the
   * index and re-checks the statement on each value, which cost as much as SQLite's own work for
   * the store's 13-parameter event insert (a Node CPU profile of the engine's catch-up).
   */
  private bind(params: unknown[]): void {
    const named = params.length === 1 && isNamedParameters(params[0]) ? params[0] : null;
    const keys = this.parameterKeys;
    let positional = 0;
    for (let offset = 0; offset < keys.length; offset++) {
      const key = keys[offset] ?? null;
      let value: unknown;
      if (key !== null && named !== null) {
        value = named[key];
        if (value === undefined && !(key in named)) {
          throw new RangeError(`Missing named parameter "${key}"`);
        }
      } else {
        if (positional >= params.length) {
          throw new RangeError('Too few parameter values were provided');
        }
        value = params[positional++];
      }
      this.bindOne(offset + 1, value);
    }
  }

  /**
   * One value, as the package's own binding did: an integral number as INTEGER (better-sqlite3
   * binds every number as REAL; SQL compares them equal and typed columns convert either way),
   * other numbers as REAL (an integer past 64 bits too, where the package let it wrap around),
   * text, a blob, or NULL for null and undefined.
   */
  private bindOne(index: number, value: unknown): void {
    const { capi } = this.sqlite3;
    const pointer = this.statement.pointer;
    if (pointer === undefined) throw new Error('The statement is finalized.');
    let rc: number;
    if (value === null || value === undefined) {
      // The package declares no result for this binding (it answers undefined); within range, as
      // every index here is, binding NULL cannot fail.
      capi.sqlite3_bind_null(pointer, index);
      return;
    }
    if (typeof value === 'number') {
      if ((value | 0) === value) rc = capi.sqlite3_bind_int(pointer, index, value);
      // Past 64 bits an integer would wrap around as INTEGER: as REAL it keeps its value.
      else if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) {
        rc = capi.sqlite3_bind_int64(pointer, index, BigInt(value));
      } else rc = capi.sqlite3_bind_double(pointer, index, value);
    } else if (typeof value === 'bigint') rc = capi.sqlite3_bind_int64(pointer, index, value);
    else if (typeof value === 'string') {
      const [text, bytes] = this.scratch.encode(value);
      rc = capi.sqlite3_bind_text(pointer, index, text, bytes, capi.SQLITE_TRANSIENT);
    } else if (value instanceof Uint8Array) {
      // Blobs (rare here) go through the package, which copies them into SQLite's memory.
      this.statement.bind(index, value);
      return;
    } else throw new TypeError(`SQLite cannot store a ${typeof value}`);
    if (rc !== capi.SQLITE_OK) {
      throw new Error(`Binding parameter ${index} failed: ${capi.sqlite3_errmsg(this.db)}`);
    }
  }

  private row(): Record<string, unknown> {
    const columns = (this.columns ??= this.statement.getColumnNames());
    const row: Record<string, unknown> = {};
    for (let index = 0; index < columns.length; index++) {
      row[columns[index] ?? String(index)] = fromSql(this.statement.get(index));
    }
    return row;
  }
}

/**
 * One block of WebAssembly memory per connection that a bound text is encoded into, straight from
 * the JavaScript string (TextEncoder.encodeInto), for SQLite to copy (SQLITE_TRANSIENT) as it binds.
 * The package's own string binding allocates an encoded copy and a C string for every value and
 * frees it afterwards; the store binds a dozen strings for each message it writes.
 */
class TextScratch {
  private readonly encoder = new TextEncoder();
  private pointer = 0;
  private capacity = 0;

  constructor(private readonly sqlite3: Sqlite3Static) {}

  /** `text` in UTF-8 at a pointer, and its length in bytes; valid until the next call. */
  encode(text: string): [pointer: number, bytes: number] {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8 (a surrogate pair, 4 for 2 units).
    const needed = text.length * 3;
    if (needed > this.capacity || this.pointer === 0) {
      this.free();
      const capacity = Math.max(needed, this.capacity * 2, 4096);
      this.pointer = this.sqlite3.wasm.alloc(capacity);
      this.capacity = capacity;
    }
    // Read the heap after allocating: growing the memory replaces its buffer.
    const heap = this.sqlite3.wasm.heap8u();
    const { written } = this.encoder.encodeInto(
      text,
      heap.subarray(this.pointer, this.pointer + this.capacity),
    );
    return [this.pointer, written];
  }

  free(): void {
    if (this.pointer !== 0) this.sqlite3.wasm.dealloc(this.pointer);
    this.pointer = 0;
  }
}

function isNamedParameters(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof ArrayBuffer)
  );
}

/** A JavaScript value as SQLite takes it (better-sqlite3's rules: booleans are refused). */
function toSqlValue(value: unknown): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    return value;
  }
  if (value instanceof Uint8Array) return value;
  throw new TypeError(`SQLite cannot store a ${typeof value}`);
}

/** A value read from SQLite as better-sqlite3 returns it: integers as numbers. */
function fromSql(value: SqlValue | undefined): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

function toNumber(value: number | bigint): number {
  return typeof value === 'bigint' ? Number(value) : value;
}
