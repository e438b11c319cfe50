import type { SqlDatabase, SqlStatement } from './sql';
import { CHAT_MEDIA_TABS, type ChatMediaTab } from '../../common/search-contract';
import type { EventRow } from './rows';
import { KIND_SQL, VISIBLE } from './search-index';

/** Media, links and documents together: what the info panel's "Media, links and docs" counts. */
const ANY_TAB = `(${CHAT_MEDIA_TABS.map((tab) => KIND_SQL[tab]).join(' OR ')})`;

/**
 * A chat's photos and videos, links and documents in the cache (issue #16's "Media, links and
 * docs"): the search filters' classification (search-index.ts KIND_SQL), walked down the chat's
 * own (conversation_id, seq) index from a seq, so a page costs the messages it passes, not the
 * chat's size.
 */
export class ChatMediaIndex {
  private readonly pages: Record<
    ChatMediaTab,
    SqlStatement<[{ conversationId: string; beforeSeq: number; limit: number }], EventRow>
  >;
  private readonly since: Record<
    ChatMediaTab,
    SqlStatement<[{ conversationId: string; fromSeq: number; limit: number }], EventRow>
  >;
  private readonly total: SqlStatement<[string], { n: number }>;
  private readonly oldest: SqlStatement<[string], { created_at: number }>;

  constructor(db: SqlDatabase) {
    const page = (tab: ChatMediaTab) =>
      db.prepare<{ conversationId: string; beforeSeq: number; limit: number }, EventRow>(
        `SELECT e.rowid, e.* FROM events e
         WHERE e.conversation_id = @conversationId AND e.seq < @beforeSeq AND ${VISIBLE}
           AND ${KIND_SQL[tab]}
         ORDER BY e.seq DESC LIMIT @limit`,
      );
    this.pages = { media: page('media'), link: page('link'), document: page('document') };
    const since = (tab: ChatMediaTab) =>
      db.prepare<{ conversationId: string; fromSeq: number; limit: number }, EventRow>(
        `SELECT e.rowid, e.* FROM events e
         WHERE e.conversation_id = @conversationId AND e.seq >= @fromSeq AND ${VISIBLE}
           AND ${KIND_SQL[tab]}
         ORDER BY e.seq DESC LIMIT @limit`,
      );
    this.since = { media: since('media'), link: since('link'), document: since('document') };
    this.total = db.prepare(
      `SELECT COUNT(*) AS n FROM events e WHERE e.conversation_id = ? AND ${VISIBLE} AND ${ANY_TAB}`,
    );
    // Any event type: how far back the cache reaches, not what it shows.
    this.oldest = db.prepare(
      'SELECT created_at FROM events WHERE conversation_id = ? ORDER BY seq ASC LIMIT 1',
    );
  }

  /** Up to `limit` messages of the tab below `beforeSeq`, newest first. */
  page(conversationId: string, tab: ChatMediaTab, beforeSeq: number, limit: number): EventRow[] {
    return this.pages[tab].all({ conversationId, beforeSeq, limit });
  }

  /** Up to `limit` messages of the tab at or above `fromSeq`, newest first. */
  from(conversationId: string, tab: ChatMediaTab, fromSeq: number, limit: number): EventRow[] {
    return this.since[tab].all({ conversationId, fromSeq, limit });
  }

  /** The cached messages of the chat that any tab shows. */
  count(conversationId: string): number {
    return this.total.get(conversationId)?.n ?? 0;
  }

  /** When the oldest event the cache holds of the chat was sent; null when it holds none. */
  cachedFrom(conversationId: string): number | null {
    return this.oldest.get(conversationId)?.created_at ?? null;
  }
}
