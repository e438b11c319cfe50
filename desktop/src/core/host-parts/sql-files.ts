import type { HostFiles } from '../host';
import type { SqlDatabase, SqlStatement } from '../local-store/sql';

/*
 * The host's files kept as rows of a SQLite database: the browser host's outbox attachments and
 * media cache, in a database of its own on OPFS (opfs-sahpool). The engine reads and writes files
 * synchronously inside the store's flow; OPFS hands out file handles only through promises, while
 * the sahpool VFS already holds synchronous handles, so files live there and stay in OPFS. Paths
 * use '/'; a folder is every path under it.
 */
export function sqlFiles(db: SqlDatabase): HostFiles {
  db.exec(
    'CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, bytes BLOB NOT NULL) WITHOUT ROWID',
  );
  const read: SqlStatement<[string], { bytes: Uint8Array }> = db.prepare(
    'SELECT bytes FROM files WHERE path = ?',
  );
  const exists: SqlStatement<[string], { one: number }> = db.prepare(
    'SELECT 1 AS one FROM files WHERE path = ?',
  );
  const write: SqlStatement<[string, Uint8Array]> = db.prepare(
    'INSERT INTO files (path, bytes) VALUES (?, ?) ON CONFLICT (path) DO UPDATE SET bytes = excluded.bytes',
  );
  const remove: SqlStatement<[string]> = db.prepare('DELETE FROM files WHERE path = ?');
  // Everything under a folder: paths from 'dir/' up to (not including) 'dir0' ('0' follows '/').
  const removeTree: SqlStatement<[string, string, string]> = db.prepare(
    'DELETE FROM files WHERE path = ? OR (path >= ? AND path < ?)',
  );
  const encoder = new TextEncoder();
  const normal = (file: string) => file.replace(/\/+/g, '/').replace(/\/$/, '');
  return {
    join: (...parts) => normal(parts.filter((part) => part !== '').join('/')),
    dirname(file) {
      const path = normal(file);
      const slash = path.lastIndexOf('/');
      return slash <= 0 ? (slash === 0 ? '/' : '.') : path.slice(0, slash);
    },
    exists: (file) => exists.get(normal(file)) !== undefined,
    makeDir() {
      // No folders: a path names its file.
    },
    read(file) {
      const row = read.get(normal(file));
      return row === undefined ? null : new Uint8Array(row.bytes);
    },
    write(file, data) {
      write.run(normal(file), typeof data === 'string' ? encoder.encode(data) : data);
    },
    remove: (file) => void remove.run(normal(file)),
    removeTree(dir) {
      const path = normal(dir);
      removeTree.run(path, `${path}/`, `${path}0`);
    },
  };
}
