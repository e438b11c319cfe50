/**
 * Which build of better-sqlite3 a Node runtime can run. Both are installed: `better-sqlite3` 12
 * (built on `node::ObjectWrap`) and, as the optional alias `better-sqlite3-napi`, 13 (Node-API).
 * 12 aborts the whole process on Node 24.19 and later whenever a statement is garbage collected
 * outside a JavaScript context (ObjectWrap's destructor now removes an environment cleanup hook and
 * asserts there is an environment: upstream WiseLibs/better-sqlite3#1515, fixed only in 13); 13
 * needs Node 22 and crashes on Node 20. DESIGN §12 asks for Node 24 in CI and the image while the
 * README's commands keep working on Node 20.11+, so each process loads the build its runtime runs.
 * Electron is the exception: `npm start` and `npm run dist` rebuild the legacy module for it, and
 * Electron 45 runs Node 22, where 12 does not abort (move Electron to 13 with its Node 24).
 *
 * Pure on purpose (the caller passes its own `require` and versions): shared stays free of Node.
 */
export const SQLITE_DRIVER_LEGACY = 'better-sqlite3';
export const SQLITE_DRIVER_NAPI = 'better-sqlite3-napi';

/** The parts of `process.versions` the choice depends on. */
export interface RuntimeVersions {
  node: string;
  electron?: string;
}

/** The module a runtime with these `process.versions` should load. */
export function sqliteDriverFor(versions: RuntimeVersions): string {
  if (versions.electron !== undefined) return SQLITE_DRIVER_LEGACY;
  const major = Number.parseInt(versions.node.split('.')[0] ?? '', 10);
  return major >= 22 ? SQLITE_DRIVER_NAPI : SQLITE_DRIVER_LEGACY;
}

/**
 * Loads the driver for `versions` with `load` (the caller's `require`). When the Node-API build
 * is missing (an optional dependency whose install failed) the legacy one still works, with a
 * warning, because on Node 22 to 24.18 it does not abort and a newcomer's `npm start` must run.
 */
export function loadSqliteDriver(
  load: (id: string) => unknown,
  versions: RuntimeVersions,
  warn: (message: string) => void,
): unknown {
  const wanted = sqliteDriverFor(versions);
  if (wanted === SQLITE_DRIVER_LEGACY) return load(wanted);
  try {
    return load(wanted);
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
    warn(
      `${SQLITE_DRIVER_NAPI} (better-sqlite3 13) is not installed; using better-sqlite3 12, which can abort on Node ${versions.node}. Run npm install.`,
    );
    return load(SQLITE_DRIVER_LEGACY);
  }
}

function isModuleNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'MODULE_NOT_FOUND';
}
