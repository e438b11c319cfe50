import type BetterSqlite3 from 'better-sqlite3';
import { indexedWords, segmenterVersion } from '../search/words';
import { matchedRanges, parseQuery, snippetOf, type ParsedQuery } from '../search/query';
import { HIGHLIGHT_END, HIGHLIGHT_START, type SearchRow } from './rows';

/*
 * The cache's word index (issue #16; the design is in ../search/words.ts). `message_words` is a
 * contentless FTS5 table (the text stays in `events` only) kept by triggers that call
 * `search_words()`, the JavaScript segmenter registered on the connection. Its rowid orders hits
 * newest first by the message's time, whatever order pages arrived in: created_at * 2^21 plus the
 * event's rowid modulo 2^21 (unique unless two messages of the same millisecond lie exactly a
 * multiple of 2^21 rows apart; it fits in 63 bits until the year 2109); `ref` names the event row.
 *
 * Rows written before the index existed, or under another segmenter (a new ICU), are re-indexed in
 * the background, newest rowid first, in small batches (`step`): meta `search_reindex_below` is
 * the cursor, `search_reindex_top` where it started. Until the first build is done, search uses
 * the former unicode61 index (`events_fts`), which is then dropped.
 */

/** Multiplies created_at in the index's rowid (see above). */
const KEY_SPAN = 2_097_152;
const SEGMENTER_KEY = 'search_segmenter';
const BELOW_KEY = 'search_reindex_below';
const TOP_KEY = 'search_reindex_top';

/** Registers `search_words(text)` on a connection: the index's triggers call it. */
export function registerSearchFunctions(db: BetterSqlite3.Database): void {
  db.function('search_words', { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? indexedWords(text) : null,
  );
}

/** The cache's migration that creates the word index (see migrations.ts). */
export const WORD_INDEX_MIGRATION = `
CREATE VIRTUAL TABLE message_words USING fts5 (
  words,
  ref UNINDEXED,
  content = '',
  contentless_delete = 1,
  contentless_unindexed = 1,
  -- The words are segmented and folded in JavaScript: FTS5 only splits them at the spaces.
  tokenize = 'ascii',
  prefix = '2'
);
CREATE TRIGGER message_words_insert AFTER INSERT ON events WHEN new.text IS NOT NULL BEGIN
  INSERT INTO message_words (rowid, words, ref)
    VALUES (new.created_at * ${KEY_SPAN} + new.rowid % ${KEY_SPAN}, search_words(new.text), new.rowid);
END;
CREATE TRIGGER message_words_update AFTER UPDATE OF text ON events WHEN old.text IS NOT new.text BEGIN
  DELETE FROM message_words WHERE rowid = old.created_at * ${KEY_SPAN} + old.rowid % ${KEY_SPAN};
  INSERT INTO message_words (rowid, words, ref)
    SELECT new.created_at * ${KEY_SPAN} + new.rowid % ${KEY_SPAN}, search_words(new.text), new.rowid
    WHERE new.text IS NOT NULL;
END;
CREATE TRIGGER message_words_delete AFTER DELETE ON events WHEN old.text IS NOT NULL BEGIN
  DELETE FROM message_words WHERE rowid = old.created_at * ${KEY_SPAN} + old.rowid % ${KEY_SPAN};
END;
-- Messages already cached are indexed in the background (SearchIndex.step), newest first.
INSERT INTO meta (key, value) SELECT '${BELOW_KEY}', COALESCE(MAX(rowid), 0) + 1 FROM events;
INSERT INTO meta (key, value) SELECT '${TOP_KEY}', COALESCE(MAX(rowid), 0) + 1 FROM events;
`;

/** Which messages a search looks at besides its words. */
export interface SearchFilter {
  conversationId?: string;
}

/** How far the background (re-)indexing is; null when the index is complete. */
export interface ReindexProgress {
  /** 0–100. */
  percent: number;
}

const NOT_DELETED_FOR_ME = `NOT EXISTS (SELECT 1 FROM account_marks m
  WHERE m.conversation_id = e.conversation_id AND m.seq = e.seq AND m.deleted = 1)`;
const FILTERS = `e.deleted_at IS NULL AND e.text IS NOT NULL AND ${NOT_DELETED_FOR_ME}
  AND (@conversationId IS NULL OR e.conversation_id = @conversationId)`;

interface HitRow {
  conversation_id: string;
  seq: number;
  sender_user_id: string;
  created_at: number;
  text: string;
}

type SearchParams = { match: string; limit: number; conversationId: string | null };

export class SearchIndex {
  private readonly meta: {
    get: BetterSqlite3.Statement<[string], { value: string }>;
    set: BetterSqlite3.Statement<[string, string]>;
    remove: BetterSqlite3.Statement<[string]>;
  };
  private readonly search: BetterSqlite3.Statement<SearchParams, HitRow>;
  private legacySearch: BetterSqlite3.Statement<SearchParams, HitRow> | null = null;
  private readonly pendingRows: BetterSqlite3.Statement<
    [number, number],
    { rowid: number; created_at: number; text: string }
  >;
  private readonly removeKey: BetterSqlite3.Statement<[number]>;
  private readonly insertKey: BetterSqlite3.Statement<[number, string, number]>;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.meta = {
      get: db.prepare('SELECT value FROM meta WHERE key = ?'),
      set: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      remove: db.prepare('DELETE FROM meta WHERE key = ?'),
    };
    this.search = db.prepare(
      `SELECT e.conversation_id, e.seq, e.sender_user_id, e.created_at, e.text
       FROM message_words w JOIN events e ON e.rowid = w.ref
       WHERE message_words MATCH @match AND ${FILTERS}
       ORDER BY w.rowid DESC LIMIT @limit`,
    );
    if (this.hasLegacyIndex()) {
      this.legacySearch = db.prepare(
        `SELECT e.conversation_id, e.seq, e.sender_user_id, e.created_at, e.text
         FROM events_fts JOIN events e ON e.rowid = events_fts.rowid
         WHERE events_fts MATCH @match AND ${FILTERS}
         ORDER BY events_fts.rowid DESC LIMIT @limit`,
      );
    }
    this.pendingRows = db.prepare(
      'SELECT rowid, created_at, text FROM events WHERE rowid < ? AND text IS NOT NULL ORDER BY rowid DESC LIMIT ?',
    );
    this.removeKey = db.prepare('DELETE FROM message_words WHERE rowid = ?');
    this.insertKey = db.prepare('INSERT INTO message_words (rowid, words, ref) VALUES (?, ?, ?)');
    this.checkSegmenter();
    if (!this.step(0)) this.finish();
  }

  /** A new segmenter (ICU) since the words were written: every message is written again. */
  private checkSegmenter(): void {
    const current = segmenterVersion();
    const recorded = this.meta.get.get(SEGMENTER_KEY)?.value;
    if (recorded === current) return;
    this.db.transaction(() => {
      if (recorded !== undefined && this.meta.get.get(BELOW_KEY) === undefined) {
        const top = String(this.maxRowid() + 1);
        this.meta.set.run(BELOW_KEY, top);
        this.meta.set.run(TOP_KEY, top);
      }
      this.meta.set.run(SEGMENTER_KEY, current);
    })();
  }

  private maxRowid(): number {
    return (
      this.db.prepare<[], { n: number | null }>('SELECT MAX(rowid) AS n FROM events').get()?.n ?? 0
    );
  }

  private hasLegacyIndex(): boolean {
    return (
      this.db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events_fts'")
        .get() !== undefined
    );
  }

  /** Null when every message is indexed with the current segmenter. */
  progress(): ReindexProgress | null {
    const below = Number(this.meta.get.get(BELOW_KEY)?.value ?? NaN);
    const top = Number(this.meta.get.get(TOP_KEY)?.value ?? NaN);
    if (!Number.isFinite(below)) return null;
    const span = Math.max(1, top - 1);
    return { percent: Math.min(100, Math.floor(((top - below) / span) * 100)) };
  }

  /**
   * Indexes up to `batch` more messages in one transaction; false once none are left (the index
   * is then complete and the former one dropped). Safe to interleave with sync: a message written
   * meanwhile is indexed by the triggers, and writing a row's words again replaces them.
   */
  step(batch: number): boolean {
    const raw = this.meta.get.get(BELOW_KEY)?.value;
    if (raw === undefined) return false;
    const below = Number(raw);
    if (batch === 0) return below > 1 && this.pendingRows.get(below, 1) !== undefined;
    const more = this.db.transaction(() => {
      const rows = this.pendingRows.all(below, batch);
      for (const row of rows) {
        const key = row.created_at * KEY_SPAN + (row.rowid % KEY_SPAN);
        this.removeKey.run(key);
        this.insertKey.run(key, indexedWords(row.text), row.rowid);
      }
      const last = rows.at(-1);
      if (last === undefined || rows.length < batch) return false;
      this.meta.set.run(BELOW_KEY, String(last.rowid));
      return true;
    })();
    if (!more) this.finish();
    return more;
  }

  private finish(): void {
    this.db.transaction(() => {
      this.meta.remove.run(BELOW_KEY);
      this.meta.remove.run(TOP_KEY);
      if (this.legacySearch !== null || this.hasLegacyIndex()) {
        this.db.exec(`
          DROP TRIGGER IF EXISTS events_fts_insert; DROP TRIGGER IF EXISTS events_fts_delete;
          DROP TRIGGER IF EXISTS events_fts_update; DROP TABLE IF EXISTS events_fts;`);
      }
    })();
    this.legacySearch = null;
  }

  /** Empties the index with the cache (a restored server). */
  clear(): void {
    this.db.exec(`INSERT INTO message_words (message_words) VALUES ('delete-all')`);
  }

  /** Messages matching `query`, newest first, with a snippet around the words that matched. */
  find(query: string, limit: number, filter: SearchFilter = {}): SearchRow[] {
    const parsed = parseQuery(query);
    if (parsed === null) return [];
    const params = { limit, conversationId: filter.conversationId ?? null };
    const rows =
      this.legacySearch === null
        ? this.search.all({ ...params, match: parsed.match })
        : this.legacyFind(query, params);
    return rows.map((row) => toSearchRow(row, parsed));
  }

  /** Search before the word index is built: the former rules (words split at non-letters). */
  private legacyFind(query: string, params: Omit<SearchParams, 'match'>): HitRow[] {
    const words = query
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 0)
      .slice(0, 8);
    if (words.length === 0 || this.legacySearch === null) return [];
    const match = words.map((w) => `"${w}"*`).join(' ');
    return this.legacySearch.all({ ...params, match });
  }
}

function toSearchRow(row: HitRow, query: ParsedQuery): SearchRow {
  const ranges = matchedRanges(row.text, query.runs);
  return {
    conversation_id: row.conversation_id,
    seq: row.seq,
    sender_user_id: row.sender_user_id,
    created_at: row.created_at,
    snippet: snippetOf(row.text, ranges, { start: HIGHLIGHT_START, end: HIGHLIGHT_END }),
  };
}
