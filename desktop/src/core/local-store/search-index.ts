import type { SqlDatabase, SqlStatement } from './sql';
import type { SearchKind } from '../../common/search-contract';
import { indexedWords, segmenterVersion } from '../search/words';
import { matchedRanges, parseQuery, snippetOf, type ParsedQuery } from '../search/query';
import { SEARCH_KINDS } from '../../common/search-contract';
import { aboveDeletedChat } from './deleted-chats';
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
export function registerSearchFunctions(db: SqlDatabase): void {
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

/** Which messages a search looks at besides its words; every field narrows it. */
export interface SearchFilter {
  conversationId?: string;
  senderId?: string;
  /** Any of these kinds. */
  kinds?: readonly SearchKind[];
  /** Sent at or after this time (ms). */
  after?: number;
  /** Sent before this time (ms). */
  before?: number;
}

/** How far the background (re-)indexing is; null when the index is complete. */
export interface ReindexProgress {
  /** 0–100. */
  percent: number;
}

const NOT_DELETED_FOR_ME = `NOT EXISTS (SELECT 1 FROM account_marks m
  WHERE m.conversation_id = e.conversation_id AND m.seq = e.seq AND m.deleted = 1)
  AND ${aboveDeletedChat('e')}`;
/** Every search: messages as they stand now, never deleted (for everyone or for this person). */
export const VISIBLE = `e.type = 'message' AND e.deleted_at IS NULL AND ${NOT_DELETED_FOR_ME}`;
const NARROWED = `(@conversationId IS NULL OR e.conversation_id = @conversationId)
  AND (@senderId IS NULL OR e.sender_user_id = @senderId)
  AND (@after IS NULL OR e.created_at >= @after) AND (@before IS NULL OR e.created_at < @before)`;
const MIME = `json_extract(a.value, '$.mime')`;
const VISUAL = `(${MIME} LIKE 'image/%' OR ${MIME} LIKE 'video/%')`;
/** Fixed SQL per kind (never input): what the payload of such a message holds. */
export const KIND_SQL: Record<SearchKind, string> = {
  media: `EXISTS (SELECT 1 FROM json_each(e.payload, '$.attachments') a WHERE ${VISUAL})`,
  document: `(json_extract(e.payload, '$.voice') IS NULL
    AND EXISTS (SELECT 1 FROM json_each(e.payload, '$.attachments') a WHERE NOT ${VISUAL}))`,
  voice: `json_extract(e.payload, '$.voice') IS NOT NULL`,
  link: `(json_extract(e.payload, '$.linkPreview') IS NOT NULL OR e.text LIKE '%http://%'
    OR e.text LIKE '%https://%' OR e.text LIKE '%www.%')`,
};
const COLUMNS = 'e.conversation_id, e.seq, e.sender_user_id, e.created_at, e.text, e.payload';

interface HitRow {
  conversation_id: string;
  seq: number;
  sender_user_id: string;
  created_at: number;
  text: string | null;
  payload: string;
}

interface NarrowParams {
  limit: number;
  conversationId: string | null;
  senderId: string | null;
  after: number | null;
  before: number | null;
}
type SearchParams = NarrowParams & { match: string };

export class SearchIndex {
  private readonly meta: {
    get: SqlStatement<[string], { value: string }>;
    set: SqlStatement<[string, string]>;
    remove: SqlStatement<[string]>;
  };
  /** Prepared searches by the shape of their filter (which kinds, with or without words). */
  private readonly searches = new Map<string, SqlStatement<[SearchParams], HitRow>>();
  /** Until the first build is done: the former unicode61 index answers (see above). */
  private legacy: boolean;
  private readonly pendingRows: SqlStatement<
    [number, number],
    { rowid: number; created_at: number; text: string }
  >;
  private readonly removeKey: SqlStatement<[number]>;
  private readonly insertKey: SqlStatement<[number, string, number]>;

  constructor(private readonly db: SqlDatabase) {
    this.meta = {
      get: db.prepare('SELECT value FROM meta WHERE key = ?'),
      set: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      remove: db.prepare('DELETE FROM meta WHERE key = ?'),
    };
    this.legacy = this.hasLegacyIndex();
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
      if (this.legacy || this.hasLegacyIndex()) {
        this.db.exec(`
          DROP TRIGGER IF EXISTS events_fts_insert; DROP TRIGGER IF EXISTS events_fts_delete;
          DROP TRIGGER IF EXISTS events_fts_update; DROP TABLE IF EXISTS events_fts;`);
      }
    })();
    this.legacy = false;
    this.searches.clear();
  }

  /** Empties the index with the cache (a restored server). */
  clear(): void {
    this.db.exec(`INSERT INTO message_words (message_words) VALUES ('delete-all')`);
  }

  /**
   * Messages matching `query` and `filter`, newest first, with a snippet around the words that
   * matched. Without words, a filter other than the chat alone lists what it names (the photos of
   * a chat, a person's links).
   */
  find(query: string, limit: number, filter: SearchFilter = {}): SearchRow[] {
    const parsed = parseQuery(query);
    const kinds = SEARCH_KINDS.filter((k) => filter.kinds?.includes(k) === true);
    const narrow: NarrowParams = {
      limit,
      conversationId: filter.conversationId ?? null,
      senderId: filter.senderId ?? null,
      after: filter.after ?? null,
      before: filter.before ?? null,
    };
    if (parsed === null) {
      const browsing =
        kinds.length > 0 ||
        narrow.senderId !== null ||
        narrow.after !== null ||
        narrow.before !== null;
      if (!browsing) return [];
      return this.statement('list', kinds)
        .all({ ...narrow, match: '' })
        .map((row) => toSearchRow(row, null));
    }
    const match = this.legacy ? legacyMatch(query) : parsed.match;
    if (match === null) return [];
    return this.statement(this.legacy ? 'legacy' : 'words', kinds)
      .all({ ...narrow, match })
      .map((row) => toSearchRow(row, parsed));
  }

  private statement(source: 'words' | 'legacy' | 'list', kinds: readonly SearchKind[]) {
    const key = `${source}:${kinds.join(',')}`;
    const cached = this.searches.get(key);
    if (cached !== undefined) return cached;
    const kindSql = kinds.length === 0 ? '' : `AND (${kinds.map((k) => KIND_SQL[k]).join(' OR ')})`;
    const where = `${VISIBLE} AND ${NARROWED} ${kindSql}`;
    const sql =
      source === 'words'
        ? `SELECT ${COLUMNS} FROM message_words w JOIN events e ON e.rowid = w.ref
           WHERE message_words MATCH @match AND e.text IS NOT NULL AND ${where}
           ORDER BY w.rowid DESC LIMIT @limit`
        : source === 'legacy'
          ? `SELECT ${COLUMNS} FROM events_fts JOIN events e ON e.rowid = events_fts.rowid
             WHERE events_fts MATCH @match AND e.text IS NOT NULL AND ${where}
             ORDER BY events_fts.rowid DESC LIMIT @limit`
          : // No words: what the filter names, newest first (a chat's own index when one is named).
            `SELECT ${COLUMNS} FROM events e WHERE @match = '' AND ${where}
             ORDER BY e.created_at DESC, e.seq DESC LIMIT @limit`;
    const statement = this.db.prepare<SearchParams, HitRow>(sql);
    this.searches.set(key, statement);
    return statement;
  }
}

/** The former index's query (before the word index is built): words split at non-letters. */
function legacyMatch(query: string): string | null {
  const words = query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 8);
  return words.length === 0 ? null : words.map((w) => `"${w}"*`).join(' ');
}

function toSearchRow(row: HitRow, query: ParsedQuery | null): SearchRow {
  const text = row.text ?? labelOf(row.payload);
  const ranges = query === null || row.text === null ? [] : matchedRanges(row.text, query.runs);
  return {
    conversation_id: row.conversation_id,
    seq: row.seq,
    sender_user_id: row.sender_user_id,
    created_at: row.created_at,
    snippet: snippetOf(text, ranges, { start: HIGHLIGHT_START, end: HIGHLIGHT_END }),
  };
}

/** What a message without text shows in results: its attachment, as the chat list says it. */
function labelOf(payload: string): string {
  const parsed = JSON.parse(payload) as {
    voice?: unknown;
    attachments?: { name?: string; mime?: string }[];
  };
  if (parsed.voice !== undefined) return '🎤 Voice message';
  const first = parsed.attachments?.[0];
  if (first === undefined) return '';
  if (first.mime?.startsWith('image/') === true) return '📷 Photo';
  if (first.mime?.startsWith('video/') === true) return '🎥 Video';
  return `📄 ${first.name ?? 'Document'}`;
}
