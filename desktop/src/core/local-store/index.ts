import type { SqlDatabase } from './sql';
import {
  DRAFT_MAX_LENGTH,
  MUTE_ALWAYS,
  chatKey,
  isHidden,
  timeOrderedId,
  type ConversationSummary,
  type LogEntry,
  type PublicUser,
} from '@chitchat/shared';
import { LocalAccountState } from './account-state';
import { LocalReactions } from './reactions';
import { LocalPlayed } from './played';
import { finishBatch, insertEvent, startBatch, type EventWriter } from './event-writer';
import {
  type ConversationRow,
  type EventRow,
  type MediaCacheRow,
  type MemberRow,
  type OutboxKind,
  type OutboxPayload,
  type OutboxRow,
  type PollVoteRow,
  type SearchRow,
  type SendPayload,
  type UserRow,
} from './rows';
import {
  detachOutboxTargets,
  resolveOutboxTarget,
  resolveOwnMessage,
  type OutboxTarget,
  type OwnMessage,
} from './outbox-targets';
import { migrateLocalStore, prepareStatements, type Statements } from './statements';
import { registerSearchFunctions, SearchIndex, type SearchFilter } from './search-index';
import { ChatMediaIndex } from './chat-media';

export * from './rows';
export type { ReactionRow } from './reactions';
export type { OpenNote, PlayedRow } from './played';
export type { OutboxTarget, OwnMessage } from './outbox-targets';
export type { ReindexProgress, SearchFilter } from './search-index';

/**
 * The offline copy of one account's conversations: summaries, members and watermarks, the event
 * log with current message state, the outbox, drafts and a full-text index. One file per account
 * per profile; every batch of events is applied in one transaction.
 */
export class LocalStore {
  readonly db: SqlDatabase;
  private readonly statements: Statements;
  /** Writes batches of log events (event-writer.ts) with this store's statements. */
  private readonly writer: EventWriter;
  /** Starred and deleted-for-me messages (the account state, DESIGN §3). */
  readonly account: LocalAccountState;
  /** Reactions folded from the log (issue #14). */
  readonly reactions: LocalReactions;
  /** Played marks of voice notes (issue #14). */
  readonly played: LocalPlayed;
  /** The word index of message text, and its background re-indexing (issue #16). */
  readonly searchIndex: SearchIndex;
  /** A chat's media, links and docs (issue #16's info-panel gallery). */
  readonly chatMedia: ChatMediaIndex;
  /**
   * Conversations whose list row may show something new since the last `takeListChanges()`: every
   * write method marks the conversations it touches (a new write method must too), so the chat
   * list rebuilds only those views instead of all of them after every applied page.
   */
  private readonly listChanges = new Set<string>();
  private listChangesAll = true;

  constructor(
    /** The open database (the host's `SqlDriver.openDatabase`, sql.ts). */
    db: SqlDatabase,
    /** The account this cache belongs to. */
    readonly userId: string,
  ) {
    this.db = db;
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    // The word index's triggers segment text with this function: registered before anything writes.
    registerSearchFunctions(this.db);
    migrateLocalStore(this.db);
    this.statements = prepareStatements(this.db);
    this.searchIndex = new SearchIndex(this.db);
    this.chatMedia = new ChatMediaIndex(this.db);
    this.reactions = new LocalReactions(this.db);
    this.played = new LocalPlayed(this.db, userId);
    this.writer = { statements: this.statements, userId, reactions: this.reactions };
    this.account = new LocalAccountState(this.db, (id) => this.touch(id));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Drains the conversations marked changed; `all` when every view must be rebuilt. */
  takeListChanges(): { all: boolean; ids: string[] } {
    const changes = { all: this.listChangesAll, ids: [...this.listChanges] };
    this.listChangesAll = false;
    this.listChanges.clear();
    return changes;
  }

  private touch(conversationId: string): void {
    this.listChanges.add(conversationId);
  }

  // ---------- meta ----------

  getMeta(key: string): string | null {
    return this.statements.getMeta.get(key)?.value ?? null;
  }

  setMeta(key: string, value: string | null): void {
    if (value === null) this.statements.deleteMeta.run(key);
    else this.statements.setMeta.run(key, value);
  }

  /** Forgets everything learned from the server (a restored server); keeps the outbox and drafts. */
  resetServerState(): void {
    this.db.transaction(() => {
      const drafts = this.db
        .prepare<[], { id: string; draft: string }>(
          "SELECT id, draft FROM conversations WHERE draft != ''",
        )
        .all();
      // Seqs in the outbox may name other messages on the restored server: keep who they meant.
      detachOutboxTargets(this.db);
      this.db.exec(`
        DELETE FROM events; DELETE FROM pending_changes; DELETE FROM poll_votes; DELETE FROM members; DELETE FROM conversations;
        DELETE FROM meta WHERE key IN ('cursor', 'store_epoch');
        UPDATE outbox SET state = 'pending', seq = NULL WHERE state = 'sent';
      `);
      this.setMeta('pending_drafts', JSON.stringify(drafts));
      // The account state belongs to the server's store too; changes made here stay pending.
      this.account.reset();
      this.reactions.reset();
      this.played.reset();
    })();
    this.listChangesAll = true;
  }

  // ---------- users ----------

  /** Takes in people as the server showed them; a photo or about the answer left out is kept. */
  upsertUsers(users: readonly PublicUser[]): void {
    for (const user of users) {
      const known = this.statements.user.get(user.id);
      const photo = user.photo === undefined ? (known?.photo ?? null) : user.photo;
      const about = user.about === undefined ? (known?.about ?? null) : user.about;
      if (
        known?.username === user.username &&
        known.display_name === user.displayName &&
        known.photo === photo &&
        known.about === about
      )
        continue;
      this.statements.upsertUser.run(user.id, user.username, user.displayName, photo, about);
      if (known !== undefined) {
        // A new name shows wherever the person appears (previews, system lines): rare enough to
        // rebuild every view.
        this.listChangesAll = true;
      } else {
        for (const row of this.statements.conversationsOfUser.all(user.id, user.id))
          this.touch(row.id);
      }
    }
  }

  users(ids: readonly string[]): Map<string, UserRow> {
    if (ids.length === 0) return new Map();
    const unique = [...new Set(ids)];
    const rows = this.db
      .prepare<string[], UserRow>(
        `SELECT * FROM users WHERE id IN (${unique.map(() => '?').join(',')})`,
      )
      .all(...unique);
    return new Map(rows.map((r) => [r.id, r]));
  }

  // ---------- conversations ----------

  conversation(id: string): ConversationRow | null {
    return this.statements.conversation.get(id) ?? null;
  }

  conversations(): ConversationRow[] {
    return this.statements.conversations.all();
  }

  members(conversationId: string): MemberRow[] {
    return this.statements.members.all(conversationId);
  }

  /** Takes in a server summary: metadata, members, the server's unread count and watermarks. */
  applySummary(summary: ConversationSummary): void {
    this.touch(summary.id);
    this.db.transaction(() => {
      const existing = this.conversation(summary.id);
      const users: PublicUser[] = [];
      if (summary.peer) users.push(summary.peer);
      for (const m of summary.members ?? [])
        users.push({
          id: m.userId,
          username: m.username,
          displayName: m.displayName,
          ...(m.photo !== undefined ? { photo: m.photo } : {}),
        });
      this.upsertUsers(users);
      const drafts = this.takePendingDraft(summary.id);
      this.statements.upsertConversation.run({
        id: summary.id,
        kind: summary.kind,
        title: summary.title,
        status: summary.status,
        role: summary.role,
        muted: summary.muted ? 1 : 0,
        peerId: summary.peer?.id ?? null,
        memberCount: summary.memberCount,
        membersVersion: summary.membersVersion,
        createdAt: summary.createdAt,
        lastActivityAt: summary.lastActivityAt,
        serverLastSeq: summary.lastSeq,
        deliveredSeq: summary.deliveredSeq,
        readSeq: summary.readSeq,
        unreadCount: summary.unreadCount,
        countedSeq: summary.lastSeq,
        draft: drafts ?? existing?.draft ?? '',
      });
      // Older servers send no request state: a chat from them is an ordinary one.
      this.statements.setRequest.run(summary.request ?? null, summary.id);
      if (summary.kind === 'group') {
        this.statements.setGroupInfo.run({
          id: summary.id,
          avatar: summary.avatar,
          hasDescription: summary.description !== undefined ? 1 : 0,
          description: summary.description ?? null,
          permissions: summary.permissions ? JSON.stringify(summary.permissions) : null,
        });
      }
      if (summary.members !== undefined) {
        this.statements.deleteMembers.run(summary.id);
        for (const m of summary.members) {
          this.statements.upsertMember.run({
            conversationId: summary.id,
            userId: m.userId,
            role: m.role,
            deliveredSeq: m.deliveredSeq,
            receiptSeq: m.receiptSeq,
            joinedSeq: m.joinedSeq ?? 0,
          });
        }
      }
    })();
  }

  private takePendingDraft(conversationId: string): string | null {
    const raw = this.getMeta('pending_drafts');
    if (raw === null) return null;
    const drafts = JSON.parse(raw) as { id: string; draft: string }[];
    const found = drafts.find((d) => d.id === conversationId);
    if (found === undefined) return null;
    this.setMeta('pending_drafts', JSON.stringify(drafts.filter((d) => d.id !== conversationId)));
    return found.draft;
  }

  /**
   * The composer's text of a chat: a change of the account state (`draft:<id>`, DESIGN §3), so it
   * follows the person to their other devices; '' removes it. Sent by the account sync.
   */
  setDraft(conversationId: string, text: string): void {
    this.touch(conversationId);
    const draft = text.slice(0, DRAFT_MAX_LENGTH);
    this.db.transaction(() => {
      this.statements.setDraft.run(draft, conversationId);
      this.account.setLocal(
        [{ key: chatKey('draft', conversationId), value: draft === '' ? null : draft }],
        timeOrderedId(),
        Date.now(),
      );
    })();
  }

  /** Mutes a chat always (or unmutes it) in the account state; see chat-list-actions.ts. */
  setMuted(conversationId: string, muted: boolean): void {
    this.touch(conversationId);
    this.account.setLocal(
      [{ key: chatKey('mute', conversationId), value: muted ? MUTE_ALWAYS : null }],
      timeOrderedId(),
      Date.now(),
    );
  }

  /** Own watermarks moved (this device, another device, or the server said so). */
  applyOwnReceipt(conversationId: string, deliveredSeq: number, readSeq: number): void {
    this.touch(conversationId);
    this.db.transaction(() => {
      this.statements.ownMarks.run({ id: conversationId, deliveredSeq, readSeq });
      this.recountUnread(conversationId);
    })();
  }

  /** Someone's public watermarks moved (`receipt`): only ever forward. */
  applyMemberReceipt(
    conversationId: string,
    userId: string,
    deliveredSeq: number,
    receiptSeq: number,
  ): void {
    this.touch(conversationId);
    this.statements.memberMarks.run({ conversationId, userId, deliveredSeq, receiptSeq });
  }

  applyGroupReceipt(conversationId: string, deliveredSeq: number, readSeq: number): void {
    this.touch(conversationId);
    this.statements.groupMarks.run({ id: conversationId, deliveredSeq, readSeq });
  }

  private recountUnread(conversationId: string): void {
    const row = this.conversation(conversationId);
    if (row === null) return;
    if (row.read_seq >= row.counted_seq && row.read_seq >= row.last_seq) {
      this.statements.setUnread.run(0, conversationId);
      return;
    }
    // Exact when everything after readSeq is cached; otherwise keep the server's figure.
    if (row.history_complete === 1 || row.oldest_seq <= row.read_seq + 1) {
      const count =
        this.statements.countUnread.get(conversationId, row.read_seq, this.userId)?.n ?? 0;
      this.statements.setUnread.run(count, conversationId);
    }
  }

  // ---------- events ----------

  /**
   * Applies events that continue the log (catch-up pages and live events), ascending, in one
   * transaction. Events at or below `last_seq` are skipped: applying twice changes nothing.
   * `progress` is how far the log is known to be complete (a page's lastSeq when it returned
   * nothing beyond the visible events).
   */
  appendEvents(conversationId: string, events: readonly LogEntry[], progress?: number): number {
    this.touch(conversationId);
    return this.db.transaction(() => {
      const row = this.conversation(conversationId);
      if (row === null) return 0;
      const batch = startBatch(this.writer, row);
      let lastSeq = row.last_seq;
      let applied = 0;
      for (const event of events) {
        if (event.seq <= lastSeq) continue;
        // A `hidden` stub (an event this account may not see) only moves the log forward.
        if (!isHidden(event)) insertEvent(this.writer, event, batch, false);
        lastSeq = event.seq;
        applied++;
      }
      finishBatch(this.writer, batch);
      const newLast = Math.max(lastSeq, progress ?? 0);
      const firstLoaded = row.oldest_seq === 0 ? (events[0]?.seq ?? 0) : row.oldest_seq;
      this.statements.setLogRange.run({
        id: conversationId,
        lastSeq: newLast,
        oldestSeq: firstLoaded,
      });
      if (
        row.oldest_seq === 0 &&
        row.last_seq === 0 &&
        events[0] !== undefined &&
        events[0].seq <= 1
      ) {
        this.statements.setHistoryComplete.run(conversationId);
      }
      this.recountUnread(conversationId);
      return applied;
    })();
  }

  /**
   * Stores a page of older history (`events:before`, descending) below what is loaded. With
   * `latest`, the page is the newest page of a conversation seen for the first time: the log
   * counts as applied up to `progress`.
   */
  applyHistory(
    conversationId: string,
    events: readonly LogEntry[],
    options: { complete: boolean; latest?: { progress: number } },
  ): void {
    this.touch(conversationId);
    this.db.transaction(() => {
      const row = this.conversation(conversationId);
      if (row === null) return;
      const ascending = [...events].sort((a, b) => a.seq - b.seq);
      const batch = startBatch(this.writer, row);
      // Stubs count as loaded (the range below is known) but store nothing.
      for (const event of ascending)
        if (!isHidden(event)) insertEvent(this.writer, event, batch, options.latest === undefined);
      finishBatch(this.writer, batch);
      const lowest = ascending[0]?.seq;
      const oldest =
        lowest === undefined
          ? row.oldest_seq
          : row.oldest_seq === 0
            ? lowest
            : Math.min(row.oldest_seq, lowest);
      const lastSeq = options.latest
        ? Math.max(row.last_seq, options.latest.progress)
        : row.last_seq;
      this.statements.setLogRange.run({ id: conversationId, lastSeq, oldestSeq: oldest });
      if (options.complete) this.statements.setHistoryComplete.run(conversationId);
      this.recountUnread(conversationId);
    })();
  }

  /** The newest timeline events (edits and deletes are folded into their messages), ascending. */
  latestEvents(conversationId: string, limit: number): EventRow[] {
    return this.statements.latest.all(conversationId, limit).reverse();
  }

  eventsBefore(conversationId: string, beforeSeq: number, limit: number): EventRow[] {
    return this.statements.before.all(conversationId, beforeSeq, limit).reverse();
  }

  eventAt(conversationId: string, seq: number): EventRow | null {
    return this.statements.eventAt.get(conversationId, seq) ?? null;
  }

  /** True when a message from someone else after `readSeq` mentions this user. */
  unreadMention(conversationId: string, readSeq: number): boolean {
    return (
      this.statements.unreadMention.get(conversationId, readSeq, this.userId, this.userId) !==
      undefined
    );
  }

  /** The latest vote of each person on the poll at `seq`, oldest vote first. */
  pollVotes(conversationId: string, seq: number): PollVoteRow[] {
    return this.statements.pollVotes.all(conversationId, seq);
  }

  /** The newest event a chat's preview may show (no referencing event, not even a pin line). */
  lastTimelineEvent(conversationId: string): EventRow | null {
    return this.statements.lastPreviewable.get(conversationId) ?? null;
  }

  // ---------- outbox ----------

  addToOutbox(entry: {
    key: string;
    conversationId: string;
    kind: OutboxKind;
    payload: OutboxPayload;
    at: number;
  }): OutboxRow {
    this.touch(entry.conversationId);
    this.statements.addOutbox.run({
      key: entry.key,
      conversationId: entry.conversationId,
      kind: entry.kind,
      payload: JSON.stringify(entry.payload),
      createdAt: entry.at,
    });
    const row = this.statements.outboxByKey.get(entry.key);
    if (row === undefined) throw new Error('outbox row vanished');
    return row;
  }

  outboxEntry(key: string): OutboxRow | null {
    return this.statements.outboxByKey.get(key) ?? null;
  }

  /** Unacknowledged entries of a conversation, in the order they were written. */
  outbox(conversationId: string): OutboxRow[] {
    return this.statements.outboxFor.all(conversationId);
  }

  conversationsWithPendingOutbox(): string[] {
    return this.statements.pendingConversations.all().map((r) => r.conversation_id);
  }

  markOutboxSent(key: string, seq: number): void {
    this.touchOutbox(key);
    this.statements.outboxSent.run(seq, key);
  }

  markOutboxFailed(key: string, code: string): void {
    this.touchOutbox(key);
    this.statements.outboxFailed.run(code, key);
  }

  countOutboxAttempt(key: string): void {
    this.statements.outboxAttempt.run(key);
  }

  retryOutbox(key: string): void {
    this.touchOutbox(key);
    this.statements.outboxRetry.run(key);
  }

  removeOutbox(key: string): void {
    this.touchOutbox(key);
    this.statements.deleteOutboxByKey.run(key);
  }

  /** An outbox entry's conversation (its preview shows the newest pending send). */
  private touchOutbox(key: string): void {
    const entry = this.statements.outboxByKey.get(key);
    if (entry !== undefined) this.touch(entry.conversation_id);
  }

  /** Where an outbox entry's target is now (after a restore), or null if not known here (yet). */
  resolveOutboxTarget(conversationId: string, target: OutboxTarget): number | null {
    return resolveOutboxTarget(this.db, conversationId, target);
  }

  /** One of this account's messages by its key: its seq, or its outbox entry while it waits. */
  ownMessage(conversationId: string, key: string): OwnMessage {
    return resolveOwnMessage(this.db, this.userId, conversationId, key);
  }

  /**
   * Rewrites the text of a send that has never been tried (attempts 0): nothing of it can have
   * reached the server, so an edit made now simply becomes the message. False when a send was
   * tried already (the server may hold the first text: a retry with the same clientMsgId returns
   * the first answer, so the new text would be lost) and the edit must follow as its own entry.
   */
  rewritePendingSend(key: string, text: string): boolean {
    const entry = this.statements.outboxByKey.get(key);
    if (entry?.kind !== 'send' || entry.state !== 'pending' || entry.attempts !== 0) return false;
    const payload = JSON.parse(entry.payload) as SendPayload;
    this.touch(entry.conversation_id);
    this.statements.outboxPayload.run(JSON.stringify({ ...payload, text }), key);
    return true;
  }

  updateOutboxPayload(key: string, payload: OutboxPayload): void {
    this.statements.outboxPayload.run(JSON.stringify(payload), key);
  }

  // ---------- pins ----------

  /** The conversation's `pin` events this device holds, in log order. */
  pinEvents(conversationId: string): { seq: number; sender_user_id: string; payload: string }[] {
    return this.statements.pinEvents.all(conversationId);
  }

  /** Which of these seqs are deleted messages (loaded, or with a delete kept for later). */
  deletedAmong(conversationId: string, seqs: readonly number[]): Set<number> {
    if (seqs.length === 0) return new Set();
    const marks = seqs.map(() => '?').join(',');
    const rows = this.db
      .prepare<(string | number)[], { seq: number }>(
        `SELECT seq FROM events WHERE conversation_id = ? AND seq IN (${marks}) AND deleted_at IS NOT NULL
         UNION SELECT target_seq FROM pending_changes WHERE conversation_id = ?
           AND type = 'message_deleted' AND target_seq IN (${marks})`,
      )
      .all(conversationId, ...seqs, conversationId, ...seqs);
    return new Set(rows.map((r) => r.seq));
  }

  // ---------- media cache ----------

  cachedMedia(mediaId: string, variant: 'original' | 'thumbnail'): MediaCacheRow | null {
    return this.statements.cachedMedia.get(mediaId, variant) ?? null;
  }

  touchCachedMedia(mediaId: string, variant: 'original' | 'thumbnail', at: number): void {
    this.statements.touchMedia.run(at, mediaId, variant);
  }

  rememberMedia(row: MediaCacheRow): void {
    this.statements.rememberMedia.run(row);
  }

  /** Entries to drop so the cache fits in `capBytes`, least recently used first. */
  mediaOverCap(capBytes: number): MediaCacheRow[] {
    const rows = this.statements.mediaByUse.all();
    let total = rows.reduce((sum, r) => sum + r.size, 0);
    const evict: MediaCacheRow[] = [];
    for (const row of rows) {
      if (total <= capBytes) break;
      evict.push(row);
      total -= row.size;
    }
    return evict;
  }

  forgetMedia(mediaId: string, variant: 'original' | 'thumbnail'): void {
    this.statements.forgetMedia.run(mediaId, variant);
  }

  /** Whether another cache entry still uses these bytes (so the file must stay). */
  mediaBytesInUse(sha256: string): boolean {
    return this.statements.shaInUse.get(sha256) !== undefined;
  }

  // ---------- search ----------

  /**
   * Messages whose text holds every word typed (the last as a prefix), in any script, newest
   * first; never deleted or deleted-for-me ones. The rules: ../search/words.ts and query.ts.
   */
  search(query: string, limit: number, filter?: SearchFilter): SearchRow[] {
    return this.searchIndex.find(query, limit, filter);
  }
}
