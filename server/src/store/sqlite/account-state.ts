import type { SqliteDatabase } from './database';
import {
  StoreRefusal,
  type AccountChangeInput,
  type AccountEntryRecord,
  type AccountStateStore,
} from '../types';

interface EntryRow {
  key: string;
  value: string | null;
  version: number;
  updated_at: number;
}

const toEntry = (row: EntryRow): AccountEntryRecord => ({
  key: row.key,
  value: row.value,
  version: row.version,
  updatedAt: row.updated_at,
});

/** The account state in SQLite; mirrors ../mongo/account-state.ts. */
export function sqliteAccountStateStore(db: SqliteDatabase): AccountStateStore {
  const st = {
    version: db.prepare<[string], { version: number }>(
      'SELECT version FROM account_versions WHERE user_id = ?',
    ),
    setVersion: db.prepare(
      `INSERT INTO account_versions (user_id, version) VALUES (?, ?)
       ON CONFLICT (user_id) DO UPDATE SET version = excluded.version`,
    ),
    entry: db.prepare<[string, string], { value: string | null }>(
      'SELECT value FROM account_entries WHERE user_id = ? AND key = ?',
    ),
    upsert: db.prepare(
      `INSERT INTO account_entries (user_id, key, value, version, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (user_id, key) DO UPDATE SET
         value = excluded.value, version = excluded.version, updated_at = excluded.updated_at`,
    ),
    liveCount: db.prepare<[string], { n: number }>(
      'SELECT COUNT(*) AS n FROM account_entries WHERE user_id = ? AND value IS NOT NULL',
    ),
    op: db.prepare<[string, string], { version: number }>(
      'SELECT version FROM account_ops WHERE user_id = ? AND op_id = ?',
    ),
    insertOp: db.prepare('INSERT INTO account_ops (user_id, op_id, version) VALUES (?, ?, ?)'),
    since: db.prepare<[string, number, number, number], EntryRow>(
      `SELECT key, value, version, updated_at FROM account_entries
       WHERE user_id = ? AND version > ? AND version <= ? ORDER BY version LIMIT ?`,
    ),
    liveSince: db.prepare<[string, number, number, number], EntryRow>(
      `SELECT key, value, version, updated_at FROM account_entries
       WHERE user_id = ? AND version > ? AND version <= ? AND value IS NOT NULL
       ORDER BY version LIMIT ?`,
    ),
  };
  const versionOf = (userId: string) => st.version.get(userId)?.version ?? 0;

  const write = db.transaction(
    (
      userId: string,
      changes: readonly AccountChangeInput[],
      options: { at: number; maxEntries: number; opId?: string },
    ) => {
      if (options.opId !== undefined) {
        const first = st.op.get(userId, options.opId);
        if (first !== undefined) return { version: first.version, entries: [] };
      }
      let version = versionOf(userId);
      const entries: AccountEntryRecord[] = [];
      let added = false;
      for (const change of changes) {
        const current = st.entry.get(userId, change.key);
        const before = current?.value ?? null;
        if (before === change.value) continue;
        if (before === null) added = true;
        version += 1;
        st.upsert.run(userId, change.key, change.value, version, options.at);
        entries.push({ key: change.key, value: change.value, version, updatedAt: options.at });
      }
      // Counted only when something was added: a full account can still remove entries.
      if (added && (st.liveCount.get(userId)?.n ?? 0) > options.maxEntries)
        throw new StoreRefusal('account_full');
      if (entries.length > 0) st.setVersion.run(userId, version);
      if (options.opId !== undefined) st.insertOp.run(userId, options.opId, version);
      return { version, entries };
    },
  );

  const since = db.transaction((userId: string, after: number, limit: number) => {
    const version = versionOf(userId);
    const rows = (after === 0 ? st.liveSince : st.since).all(userId, after, version, limit);
    return { version, entries: rows.map(toEntry) };
  });

  return {
    async writeAccountState(userId, changes, options) {
      return write.immediate(userId, changes, options);
    },
    async accountStateSince(userId, after, limit) {
      return since(userId, after, limit);
    },
    async accountOpVersion(userId, opId) {
      return st.op.get(userId, opId)?.version ?? null;
    },
    async accountValues(userId, keys) {
      const values = new Map<string, string>();
      for (const key of keys) {
        const value = st.entry.get(userId, key)?.value ?? null;
        if (value !== null) values.set(key, value);
      }
      return values;
    },
  };
}
