import type { SqlDatabase } from './sql';
import { parseAccountKey, parseChatKey, type AccountEntry } from '@chitchat/shared';

/** A change made on this device and not yet acknowledged by the server. */
export interface PendingAccountChange {
  key: string;
  /** JSON text, or null for a removal. */
  value: string | null;
  opId: string;
}

/** A starred message as the local store holds it. */
export interface StarredRow {
  conversation_id: string;
  seq: number;
  starred_at: number;
}

/**
 * The account state's local copy (DESIGN §3): entries as the server last said, the version held,
 * changes made here that wait for the server (an outbox of their own: they are not per
 * conversation and carry no order), and per-message marks that pages read. A pending change wins
 * over the server's entry until the server acknowledges it.
 */
export class LocalAccountState {
  private readonly st: ReturnType<typeof accountStatements>;

  constructor(
    private readonly db: SqlDatabase,
    /** Marks the conversations whose views change. */
    private readonly touch: (conversationId: string) => void,
  ) {
    this.st = accountStatements(db);
  }

  /** The server version this device holds (0: nothing yet). */
  version(): number {
    return Number(this.st.version.get()?.value ?? 0);
  }

  /**
   * Applies entries from the server (a page of `account:state`, or an `account:changed` push) and
   * holds `version`; entries at or below the held version are already applied.
   */
  applyRemote(entries: readonly AccountEntry[], version: number): void {
    this.db.transaction(() => {
      const held = this.version();
      for (const entry of entries) {
        if (entry.version <= held) continue;
        if (entry.value === null) this.st.deleteEntry.run(entry.key);
        else this.st.upsertEntry.run(entry.key, JSON.stringify(entry.value), entry.version);
        this.refreshMark(entry.key, entry.updatedAt);
      }
      this.st.setVersion.run(String(Math.max(held, version)));
    })();
  }

  /** Records changes made on this device (applied locally at once; sent by the sync engine). */
  setLocal(changes: readonly { key: string; value: unknown }[], opId: string, at: number): void {
    this.db.transaction(() => {
      for (const change of changes) {
        this.st.upsertPending.run(
          change.key,
          change.value === null ? null : JSON.stringify(change.value),
          opId,
          at,
        );
        this.refreshMark(change.key, at);
      }
    })();
  }

  /** The changes waiting for the server, grouped by the opId they were made with. */
  pendingByOp(): Map<string, PendingAccountChange[]> {
    const groups = new Map<string, PendingAccountChange[]>();
    for (const row of this.st.allPending.all()) {
      const group = groups.get(row.op_id) ?? [];
      group.push({ key: row.key, value: row.value, opId: row.op_id });
      groups.set(row.op_id, group);
    }
    return groups;
  }

  /**
   * The server answered an opId (accepted, or refused for good): its changes stop being pending,
   * unless a newer local change to the same key replaced them. The server's entries (from the
   * push or the next fetch) decide what shows.
   */
  settle(changes: readonly PendingAccountChange[]): void {
    this.db.transaction(() => {
      for (const change of changes) {
        if (this.st.clearPending.run(change.key, change.opId).changes > 0)
          this.refreshMark(change.key, Date.now());
      }
    })();
  }

  /** Forgets the server's entries (a restored server); changes made here stay pending. */
  reset(): void {
    this.db.transaction(() => {
      const keys = this.db
        .prepare<[], { key: string }>('SELECT key FROM account_entries')
        .all()
        .map((r) => r.key);
      this.db.exec("DELETE FROM account_entries; DELETE FROM meta WHERE key = 'account_version';");
      for (const key of keys) this.refreshMark(key, Date.now());
    })();
  }

  /** Starred messages, most recently starred first. */
  starred(): StarredRow[] {
    return this.st.starred.all();
  }

  isStarred(conversationId: string, seq: number): boolean {
    return this.st.mark.get(conversationId, seq)?.starred === 1;
  }

  isDeletedForMe(conversationId: string, seq: number): boolean {
    return this.st.mark.get(conversationId, seq)?.deleted === 1;
  }

  /** The effective value of a key, parsed: the pending change if any, else the server's entry. */
  value(key: string): unknown {
    const text = this.effective(key);
    return text === null ? null : (JSON.parse(text) as unknown);
  }

  /** Keys of one chat kind (`pin`, `mute`, ...) that hold an effective value, with the values. */
  chatEntries(kind: string): Map<string, unknown> {
    const found = new Map<string, unknown>();
    const prefix = `${kind}:`;
    const keys = new Set([
      ...this.st.entryKeys.all(prefix).map((r) => r.key),
      ...this.st.pendingKeys.all(prefix).map((r) => r.key),
    ]);
    for (const key of keys) {
      const value = this.value(key);
      if (value !== null) found.set(key, value);
    }
    return found;
  }

  /** The effective value of a key: the pending change if any, else the server's entry. */
  private effective(key: string): string | null {
    const pending = this.st.pending.get(key);
    if (pending !== undefined) return pending.value;
    return this.st.entry.get(key)?.value ?? null;
  }

  /** Recomputes the marks of the message a key names from both keys' effective values. */
  private refreshMark(key: string, at: number): void {
    // A chat's entry (pinned, archived, unread, muted, draft) changes its row in the list.
    const chat = parseChatKey(key);
    if (chat !== null) {
      this.touch(chat.conversationId);
      return;
    }
    const target = parseAccountKey(key);
    if (target === null) return;
    const { conversationId, seq } = target;
    const starred = this.effective(`star:${conversationId}:${seq}`) !== null;
    const deleted = this.effective(`deleted:${conversationId}:${seq}`) !== null;
    this.st.setMark.run({
      conversationId,
      seq,
      starred: starred ? 1 : 0,
      deleted: deleted ? 1 : 0,
      starredAt: starred ? at : 0,
    });
    this.touch(conversationId);
  }
}

function accountStatements(db: SqlDatabase) {
  return {
    version: db.prepare<[], { value: string }>(
      "SELECT value FROM meta WHERE key = 'account_version'",
    ),
    setVersion: db.prepare(
      "INSERT INTO meta (key, value) VALUES ('account_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ),
    upsertEntry: db.prepare(
      'INSERT INTO account_entries (key, value, version) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version',
    ),
    deleteEntry: db.prepare('DELETE FROM account_entries WHERE key = ?'),
    entryKeys: db.prepare<[string], { key: string }>(
      "SELECT key FROM account_entries WHERE key LIKE ? || '%'",
    ),
    pendingKeys: db.prepare<[string], { key: string }>(
      "SELECT key FROM account_pending WHERE key LIKE ? || '%'",
    ),
    entry: db.prepare<[string], { value: string }>(
      'SELECT value FROM account_entries WHERE key = ?',
    ),
    pending: db.prepare<[string], { value: string | null }>(
      'SELECT value FROM account_pending WHERE key = ?',
    ),
    upsertPending: db.prepare(
      'INSERT INTO account_pending (key, value, op_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, op_id = excluded.op_id, created_at = excluded.created_at',
    ),
    allPending: db.prepare<[], { key: string; value: string | null; op_id: string }>(
      'SELECT key, value, op_id FROM account_pending ORDER BY created_at, op_id',
    ),
    clearPending: db.prepare('DELETE FROM account_pending WHERE key = ? AND op_id = ?'),
    setMark: db.prepare(
      `INSERT INTO account_marks (conversation_id, seq, starred, deleted, starred_at)
       VALUES (@conversationId, @seq, @starred, @deleted, @starredAt)
       ON CONFLICT (conversation_id, seq) DO UPDATE SET starred = excluded.starred,
         deleted = excluded.deleted, starred_at = excluded.starred_at`,
    ),
    starred: db.prepare<[], StarredRow>(
      'SELECT conversation_id, seq, starred_at FROM account_marks WHERE starred = 1 ORDER BY starred_at DESC, seq DESC',
    ),
    mark: db.prepare<[string, number], { starred: number; deleted: number }>(
      'SELECT starred, deleted FROM account_marks WHERE conversation_id = ? AND seq = ?',
    ),
  };
}
