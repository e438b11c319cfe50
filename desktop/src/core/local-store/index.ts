import type { SqlDatabase } from './sql';
import type { ConversationSummary, LogEntry, PublicUser } from '@chitchat/shared';
import { LocalAccountState } from './account-state';
import { LocalReactions } from './reactions';
import { LocalPlayed } from './played';
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
  type UserRow,
} from './rows';
import {
  resolveOutboxTarget,
  resolveOwnMessage,
  type OutboxTarget,
  type OwnMessage,
} from './outbox-targets';
import { migrateLocalStore, prepareStatements, type Statements } from './statements';
import { registerSearchFunctions, SearchIndex, type SearchFilter } from './search-index';
import { ChatMediaIndex } from './chat-media';
import { ListChanges, type StoreContext } from './store-context';
import { readMeta, writeMeta } from './meta';
import { upsertUsers, usersById } from './users';
import { applyOwnReceipt, applySummary, setDraft, setMuted } from './conversation-writes';
import { resetServerState } from './server-reset';
import { appendEvents, applyHistory } from './log-writes';
import {
  addToOutbox,
  markOutboxFailed,
  markOutboxSent,
  removeOutbox,
  retryOutbox,
  rewritePendingSend,
} from './outbox';
import { deletedAmong, mediaOverCap } from './store-reads';

export * from './rows';
export type { ReactionRow } from './reactions';
export type { OpenNote, PlayedRow } from './played';
export type { OutboxTarget, OwnMessage } from './outbox-targets';
export type { ReindexProgress, SearchFilter } from './search-index';

/**
 * The offline copy of one account's conversations: summaries, members and watermarks, the event
 * log with current message state, the outbox, drafts and a full-text index. One file per account
 * per profile; every batch of events is applied in one transaction.
 *
 * This class is the store's one surface; the work of each area lives in a file of its own
 * (users.ts, conversation-writes.ts, log-writes.ts, outbox.ts, store-reads.ts, ...), all sharing
 * one `StoreContext`.
 */
export class LocalStore {
  readonly db: SqlDatabase;
  private readonly statements: Statements;
  /** What the area files work with: the database, statements and the list changes. */
  private readonly ctx: StoreContext;
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
  /** The conversations whose list row may show something new (see `ListChanges`). */
  private readonly listChanges = new ListChanges();

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
    this.ctx = {
      db: this.db,
      statements: this.statements,
      userId,
      reactions: this.reactions,
      changes: this.listChanges,
    };
    this.account = new LocalAccountState(this.db, (id) => this.listChanges.touch(id));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Drains the conversations marked changed; `all` when every view must be rebuilt. */
  takeListChanges(): { all: boolean; ids: string[] } {
    return this.listChanges.take();
  }

  // ---------- meta ----------

  getMeta(key: string): string | null {
    return readMeta(this.statements, key);
  }

  setMeta(key: string, value: string | null): void {
    writeMeta(this.statements, key, value);
  }

  /** Forgets everything learned from the server (a restored server); keeps the outbox and drafts. */
  resetServerState(): void {
    resetServerState(this.ctx, this.account, this.played);
  }

  // ---------- users ----------

  /** Takes in people as the server showed them; a photo or about the answer left out is kept. */
  upsertUsers(users: readonly PublicUser[]): void {
    upsertUsers(this.ctx, users);
  }

  users(ids: readonly string[]): Map<string, UserRow> {
    return usersById(this.db, ids);
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
    applySummary(this.ctx, summary);
  }

  /**
   * The composer's text of a chat: a change of the account state (`draft:<id>`, DESIGN §3), so it
   * follows the person to their other devices; '' removes it. Sent by the account sync.
   */
  setDraft(conversationId: string, text: string): void {
    setDraft(this.ctx, this.account, conversationId, text);
  }

  /** Mutes a chat always (or unmutes it) in the account state; see chat-list-actions.ts. */
  setMuted(conversationId: string, muted: boolean): void {
    setMuted(this.ctx, this.account, conversationId, muted);
  }

  /** Own watermarks moved (this device, another device, or the server said so). */
  applyOwnReceipt(conversationId: string, deliveredSeq: number, readSeq: number): void {
    applyOwnReceipt(this.ctx, conversationId, deliveredSeq, readSeq);
  }

  /** Someone's public watermarks moved (`receipt`): only ever forward. */
  applyMemberReceipt(
    conversationId: string,
    userId: string,
    deliveredSeq: number,
    receiptSeq: number,
  ): void {
    this.listChanges.touch(conversationId);
    this.statements.memberMarks.run({ conversationId, userId, deliveredSeq, receiptSeq });
  }

  applyGroupReceipt(conversationId: string, deliveredSeq: number, readSeq: number): void {
    this.listChanges.touch(conversationId);
    this.statements.groupMarks.run({ id: conversationId, deliveredSeq, readSeq });
  }

  // ---------- events ----------

  /**
   * Applies events that continue the log (catch-up pages and live events), ascending, in one
   * transaction; applying twice changes nothing. See log-writes.ts.
   */
  appendEvents(conversationId: string, events: readonly LogEntry[], progress?: number): number {
    return appendEvents(this.ctx, conversationId, events, progress);
  }

  /** Stores a page of older history (`events:before`, descending) below what is loaded. */
  applyHistory(
    conversationId: string,
    events: readonly LogEntry[],
    options: { complete: boolean; latest?: { progress: number } },
  ): void {
    applyHistory(this.ctx, conversationId, events, options);
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
    return addToOutbox(this.ctx, entry);
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
    markOutboxSent(this.ctx, key, seq);
  }

  markOutboxFailed(key: string, code: string): void {
    markOutboxFailed(this.ctx, key, code);
  }

  countOutboxAttempt(key: string): void {
    this.statements.outboxAttempt.run(key);
  }

  retryOutbox(key: string): void {
    retryOutbox(this.ctx, key);
  }

  removeOutbox(key: string): void {
    removeOutbox(this.ctx, key);
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
   * Rewrites the text of a send that has never been tried, so an edit made now simply becomes
   * the message; false when the edit must follow as its own entry (see outbox.ts).
   */
  rewritePendingSend(key: string, text: string): boolean {
    return rewritePendingSend(this.ctx, key, text);
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
    return deletedAmong(this.db, conversationId, seqs);
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
    return mediaOverCap(this.statements, capBytes);
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
