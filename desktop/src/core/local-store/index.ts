import type BetterSqlite3 from 'better-sqlite3';
import { Database } from './driver';
import {
  isHidden,
  type ConversationEvent,
  type ConversationSummary,
  type LogEntry,
  type MemberRole,
  type PublicUser,
  type RequestState,
} from '@chitchat/shared';
import { localMigrations } from './migrations';

export interface ConversationRow {
  id: string;
  kind: 'direct' | 'group';
  title: string | null;
  status: 'active' | 'left';
  role: MemberRole;
  muted: number;
  peer_id: string | null;
  member_count: number;
  members_version: number;
  created_at: number;
  last_activity_at: number;
  last_seq: number;
  oldest_seq: number;
  history_complete: number;
  server_last_seq: number;
  delivered_seq: number;
  read_seq: number;
  unread_count: number;
  counted_seq: number;
  group_delivered_seq: number;
  group_read_seq: number;
  draft: string;
  /** Direct chats: the message-request state (`RequestState`), or null once accepted. */
  request: RequestState | null;
}

export interface EventRow {
  rowid: number;
  conversation_id: string;
  seq: number;
  id: string;
  type: string;
  sender_user_id: string;
  sender_device_id: string | null;
  client_msg_id: string | null;
  created_at: number;
  payload: string;
  text: string | null;
  edited_at: number | null;
  edit_version: number;
  deleted_at: number | null;
}

export interface MemberRow {
  conversation_id: string;
  user_id: string;
  role: MemberRole;
  delivered_seq: number;
  receipt_seq: number;
  /** The seq where their current membership period began (0 when the server did not say). */
  joined_seq: number;
}

export type OutboxKind = 'send' | 'edit' | 'delete';
export type OutboxState = 'pending' | 'sent' | 'failed';

export interface OutboxRow {
  position: number;
  key: string;
  conversation_id: string;
  kind: OutboxKind;
  payload: string;
  state: OutboxState;
  seq: number | null;
  error: string | null;
  attempts: number;
  created_at: number;
}

/** Outbox payloads, by kind. `replyToKey` names a reply target still in the outbox. */
export interface SendPayload {
  /** The text, or a caption; may be empty when there are attachments. */
  text: string;
  replyToSeq?: number;
  replyToKey?: string;
  /**
   * Files kept beside the outbox until sent; `mediaId` once uploaded. A forward's attachments have
   * their `mediaId` from the start (and no file): the media is reused, never uploaded again.
   */
  attachments?: OutboxAttachment[];
  forwarded?: true;
  /** The sender's link preview; its image waits beside the outbox like an attachment. */
  linkPreview?: OutboxLinkPreview;
}

export interface OutboxLinkPreview {
  url: string;
  title: string;
  description: string | null;
  image?: OutboxAttachment;
}

export interface OutboxAttachment {
  file: string;
  name: string;
  mime: string;
  size: number;
  mediaId?: string;
  width?: number;
  height?: number;
  thumbnail?: boolean;
}

export interface MediaCacheRow {
  media_id: string;
  variant: 'original' | 'thumbnail';
  sha256: string;
  mime: string;
  size: number;
  last_used: number;
}
export interface EditPayload {
  seq: number;
  text: string;
}
export interface DeletePayload {
  seq: number;
}

/** What one page of events changes besides the events themselves, written once per page. */
interface Batch {
  row: ConversationRow;
  senderMax: Map<string, number>;
  ownMax: number;
  unread: number;
  countedSeq: number;
  activity: number;
  /** Whether the conversation has outbox entries / kept edits at all (skips per-event lookups). */
  outbox: boolean;
  pending: boolean;
}

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
}

export interface SearchRow {
  conversation_id: string;
  seq: number;
  sender_user_id: string;
  created_at: number;
  snippet: string;
}

/** Marks around highlighted words in search snippets; never part of message text. */
export const HIGHLIGHT_START = '\u0002';
export const HIGHLIGHT_END = '\u0003';

const HIDDEN_IN_TIMELINE = "('message_edited', 'message_deleted')";

const messageText = (event: ConversationEvent): string | null =>
  event.type === 'message' && event.deletedAt === null ? event.payload.text : null;

/**
 * The offline copy of one account's conversations: summaries, members and watermarks, the event
 * log with current message state, the outbox, drafts and a full-text index. One file per account
 * per profile; every batch of events is applied in one transaction.
 */
export class LocalStore {
  readonly db: BetterSqlite3.Database;
  private readonly statements: ReturnType<typeof prepare>;
  /**
   * Conversations whose list row may show something new since the last `takeListChanges()`: every
   * write method marks the conversations it touches (a new write method must too), so the chat
   * list rebuilds only those views instead of all of them after every applied page.
   */
  private readonly listChanges = new Set<string>();
  private listChangesAll = true;

  constructor(
    file: string,
    /** The account this cache belongs to. */
    readonly userId: string,
  ) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    migrate(this.db);
    this.statements = prepare(this.db);
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
      this.db.exec(`
        DELETE FROM events; DELETE FROM pending_changes; DELETE FROM members; DELETE FROM conversations;
        INSERT INTO events_fts (events_fts) VALUES ('delete-all');
        DELETE FROM meta WHERE key IN ('cursor', 'store_epoch');
        UPDATE outbox SET state = 'pending', seq = NULL WHERE state = 'sent';
      `);
      this.setMeta('pending_drafts', JSON.stringify(drafts));
    })();
    this.listChangesAll = true;
  }

  // ---------- users ----------

  upsertUsers(users: readonly PublicUser[]): void {
    for (const user of users) {
      const known = this.statements.user.get(user.id);
      if (known?.username === user.username && known.display_name === user.displayName) continue;
      this.statements.upsertUser.run(user.id, user.username, user.displayName);
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
        users.push({ id: m.userId, username: m.username, displayName: m.displayName });
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

  setDraft(conversationId: string, text: string): void {
    this.touch(conversationId);
    this.statements.setDraft.run(text, conversationId);
  }

  setMuted(conversationId: string, muted: boolean): void {
    this.touch(conversationId);
    this.statements.setMuted.run(muted ? 1 : 0, conversationId);
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
      const batch = this.startBatch(row);
      let lastSeq = row.last_seq;
      let applied = 0;
      for (const event of events) {
        if (event.seq <= lastSeq) continue;
        // A `hidden` stub (an event this account may not see) only moves the log forward.
        if (!isHidden(event)) this.insertEvent(event, batch, false);
        lastSeq = event.seq;
        applied++;
      }
      this.finishBatch(batch);
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
      const batch = this.startBatch(row);
      // Stubs count as loaded (the range below is known) but store nothing.
      for (const event of ascending)
        if (!isHidden(event)) this.insertEvent(event, batch, options.latest === undefined);
      this.finishBatch(batch);
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

  /** Per-batch state, so a page of events costs one write per event plus a few per page. */
  private startBatch(row: ConversationRow): Batch {
    return {
      row,
      senderMax: new Map(),
      ownMax: 0,
      unread: 0,
      countedSeq: row.counted_seq,
      activity: 0,
      outbox: this.statements.hasOutbox.get(row.id) !== undefined,
      pending: this.statements.hasPending.get(row.id) !== undefined,
    };
  }

  private finishBatch(batch: Batch): void {
    const id = batch.row.id;
    // A message from someone means they have seen the conversation up to it.
    for (const [userId, seq] of batch.senderMax) {
      this.statements.memberMarks.run({
        conversationId: id,
        userId,
        deliveredSeq: seq,
        receiptSeq: seq,
      });
    }
    if (batch.ownMax > 0)
      this.statements.ownMarks.run({ id, deliveredSeq: batch.ownMax, readSeq: batch.ownMax });
    if (batch.unread > 0)
      this.statements.countMessages.run({ id, count: batch.unread, seq: batch.countedSeq });
    if (batch.activity > 0) this.statements.touchActivity.run(batch.activity, id);
  }

  /** Stores one event; with `history`, an older page: it moves no watermark or counter. */
  private insertEvent(event: ConversationEvent, batch: Batch, history: boolean): void {
    const message = event.type === 'message' ? event : null;
    this.statements.upsertEvent.run({
      conversationId: event.conversationId,
      seq: event.seq,
      id: event.id,
      type: event.type,
      senderUserId: event.senderUserId,
      senderDeviceId: event.senderDeviceId,
      clientMsgId: message?.clientMsgId ?? null,
      createdAt: event.createdAt,
      payload: JSON.stringify(event.payload),
      text: messageText(event),
      editedAt: message?.editedAt ?? null,
      editVersion: message?.editVersion ?? 0,
      deletedAt: message?.deletedAt ?? null,
    });
    if (message !== null) {
      if (batch.outbox && message.senderUserId === this.userId) {
        this.statements.deleteOutboxByKey.run(message.clientMsgId);
      }
      if (batch.pending) this.applyPendingChanges(event.conversationId, event.seq);
      batch.senderMax.set(
        event.senderUserId,
        Math.max(batch.senderMax.get(event.senderUserId) ?? 0, event.seq),
      );
    }
    if (history) return;
    switch (event.type) {
      case 'message':
        if (event.senderUserId === this.userId) {
          batch.ownMax = Math.max(batch.ownMax, event.seq);
        } else if (event.seq > batch.row.read_seq && event.seq > batch.countedSeq) {
          batch.unread += 1;
          batch.countedSeq = event.seq;
        }
        break;
      case 'message_edited':
        if (
          this.applyEdit(
            event.conversationId,
            event.payload.targetSeq,
            event.payload.text,
            event.payload.editVersion,
            event.createdAt,
            event.seq,
          )
        )
          batch.pending = true;
        break;
      case 'message_deleted':
        if (
          this.applyDelete(
            event.conversationId,
            event.payload.targetSeq,
            event.createdAt,
            event.seq,
          )
        )
          batch.pending = true;
        break;
      case 'member_added':
        for (const userId of event.payload.userIds) {
          this.statements.upsertMember.run({
            conversationId: event.conversationId,
            userId,
            role: 'member',
            deliveredSeq: 0,
            receiptSeq: 0,
            // Their own member_added opens their period (DESIGN §3).
            joinedSeq: event.seq,
          });
        }
        if (event.payload.userIds.includes(this.userId))
          this.statements.setStatus.run('active', event.conversationId);
        break;
      case 'member_removed':
        for (const userId of event.payload.userIds)
          this.statements.deleteMember.run(event.conversationId, userId);
        if (event.payload.userIds.includes(this.userId))
          this.statements.setStatus.run('left', event.conversationId);
        break;
      case 'member_role':
        this.statements.setMemberRole.run(
          event.payload.role,
          event.conversationId,
          event.payload.userId,
        );
        if (event.payload.userId === this.userId)
          this.statements.setRole.run(event.payload.role, event.conversationId);
        break;
      case 'conversation_renamed':
        this.statements.setTitle.run(event.payload.title, event.conversationId);
        break;
      default:
        // Unknown types from a newer server are stored as they are and shown as unsupported.
        break;
    }
    if (event.type !== 'message_edited' && event.type !== 'message_deleted') {
      batch.activity = Math.max(batch.activity, event.createdAt);
    }
  }

  /** Applies an edit; true when the target is not loaded and the edit was kept for later. */
  private applyEdit(
    conversationId: string,
    targetSeq: number,
    text: string | null,
    editVersion: number,
    at: number,
    seq: number,
  ): boolean {
    const target = this.statements.eventAt.get(conversationId, targetSeq);
    if (target === undefined) {
      this.statements.addPending.run({
        conversationId,
        targetSeq,
        seq,
        type: 'message_edited',
        payload: JSON.stringify({ text, editVersion }),
        createdAt: at,
      });
      return true;
    }
    if (text !== null)
      this.statements.editEvent.run({ conversationId, seq: targetSeq, text, editVersion, at });
    return false;
  }

  /** Applies a delete; true when the target is not loaded and the delete was kept for later. */
  private applyDelete(conversationId: string, targetSeq: number, at: number, seq: number): boolean {
    const target = this.statements.eventAt.get(conversationId, targetSeq);
    if (target === undefined) {
      this.statements.addPending.run({
        conversationId,
        targetSeq,
        seq,
        type: 'message_deleted',
        payload: '{}',
        createdAt: at,
      });
      return true;
    }
    this.statements.deleteEvent.run({ conversationId, seq: targetSeq, at });
    return false;
  }

  private applyPendingChanges(conversationId: string, targetSeq: number): void {
    const changes = this.statements.pendingFor.all(conversationId, targetSeq);
    if (changes.length === 0) return;
    this.statements.clearPending.run(conversationId, targetSeq);
    for (const change of changes) {
      if (change.type === 'message_deleted') {
        this.statements.deleteEvent.run({ conversationId, seq: targetSeq, at: change.created_at });
      } else {
        const { text, editVersion } = JSON.parse(change.payload) as {
          text: string | null;
          editVersion: number;
        };
        if (text !== null)
          this.statements.editEvent.run({
            conversationId,
            seq: targetSeq,
            text,
            editVersion,
            at: change.created_at,
          });
      }
    }
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

  lastTimelineEvent(conversationId: string): EventRow | null {
    return this.statements.latest.get(conversationId, 1) ?? null;
  }

  // ---------- outbox ----------

  addToOutbox(entry: {
    key: string;
    conversationId: string;
    kind: OutboxKind;
    payload: SendPayload | EditPayload | DeletePayload;
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

  updateOutboxPayload(key: string, payload: SendPayload): void {
    this.statements.outboxPayload.run(JSON.stringify(payload), key);
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

  /** Full-text search over message text: every word must match, the last one as a prefix. */
  search(query: string, limit: number): SearchRow[] {
    const words = query
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 0)
      .slice(0, 8);
    if (words.length === 0) return [];
    const match = words.map((w) => `"${w}"*`).join(' ');
    return this.statements.search.all({ match, limit, start: HIGHLIGHT_START, end: HIGHLIGHT_END });
  }
}

function migrate(db: BetterSqlite3.Database): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > localMigrations.length) {
    throw new Error(`The local cache is newer (version ${current}) than this app; update the app.`);
  }
  for (let version = current; version < localMigrations.length; version++) {
    const sql = localMigrations[version];
    if (sql === undefined) continue;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

function prepare(db: BetterSqlite3.Database) {
  return {
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    deleteMeta: db.prepare('DELETE FROM meta WHERE key = ?'),
    upsertUser: db.prepare(
      `INSERT INTO users (id, username, display_name) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET username = excluded.username, display_name = excluded.display_name`,
    ),
    user: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    conversationsOfUser: db.prepare<[string, string], { id: string }>(
      'SELECT id FROM conversations WHERE peer_id = ? UNION SELECT conversation_id FROM members WHERE user_id = ?',
    ),
    conversation: db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?'),
    conversations: db.prepare<[], ConversationRow>(
      'SELECT * FROM conversations ORDER BY last_activity_at DESC',
    ),
    members: db.prepare<[string], MemberRow>('SELECT * FROM members WHERE conversation_id = ?'),
    upsertConversation: db.prepare(
      `INSERT INTO conversations (id, kind, title, status, role, muted, peer_id, member_count, members_version,
         created_at, last_activity_at, server_last_seq, delivered_seq, read_seq, unread_count, counted_seq, draft)
       VALUES (@id, @kind, @title, @status, @role, @muted, @peerId, @memberCount, @membersVersion, @createdAt,
         @lastActivityAt, @serverLastSeq, @deliveredSeq, @readSeq, @unreadCount, @countedSeq, @draft)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, status = excluded.status,
         role = excluded.role, muted = excluded.muted, peer_id = excluded.peer_id,
         member_count = excluded.member_count, members_version = excluded.members_version,
         last_activity_at = MAX(last_activity_at, excluded.last_activity_at),
         server_last_seq = MAX(server_last_seq, excluded.server_last_seq),
         delivered_seq = MAX(delivered_seq, excluded.delivered_seq), read_seq = MAX(read_seq, excluded.read_seq),
         unread_count = CASE WHEN excluded.counted_seq >= counted_seq THEN excluded.unread_count ELSE unread_count END,
         counted_seq = MAX(counted_seq, excluded.counted_seq), draft = excluded.draft`,
    ),
    setRequest: db.prepare('UPDATE conversations SET request = ? WHERE id = ?'),
    deleteMembers: db.prepare('DELETE FROM members WHERE conversation_id = ?'),
    deleteMember: db.prepare('DELETE FROM members WHERE conversation_id = ? AND user_id = ?'),
    upsertMember: db.prepare(
      `INSERT INTO members (conversation_id, user_id, role, delivered_seq, receipt_seq, joined_seq)
       VALUES (@conversationId, @userId, @role, @deliveredSeq, @receiptSeq, @joinedSeq)
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET role = excluded.role,
         delivered_seq = MAX(delivered_seq, excluded.delivered_seq), receipt_seq = MAX(receipt_seq, excluded.receipt_seq),
         joined_seq = MAX(joined_seq, excluded.joined_seq)`,
    ),
    memberMarks: db.prepare(
      `UPDATE members SET delivered_seq = MAX(delivered_seq, @deliveredSeq), receipt_seq = MAX(receipt_seq, @receiptSeq)
       WHERE conversation_id = @conversationId AND user_id = @userId`,
    ),
    setMemberRole: db.prepare(
      'UPDATE members SET role = ? WHERE conversation_id = ? AND user_id = ?',
    ),
    ownMarks: db.prepare(
      `UPDATE conversations SET delivered_seq = MAX(delivered_seq, @deliveredSeq, @readSeq), read_seq = MAX(read_seq, @readSeq)
       WHERE id = @id`,
    ),
    groupMarks: db.prepare(
      `UPDATE conversations SET group_delivered_seq = MAX(group_delivered_seq, @deliveredSeq),
         group_read_seq = MAX(group_read_seq, @readSeq) WHERE id = @id`,
    ),
    setUnread: db.prepare('UPDATE conversations SET unread_count = ? WHERE id = ?'),
    countMessages: db.prepare(
      'UPDATE conversations SET unread_count = unread_count + @count, counted_seq = @seq WHERE id = @id',
    ),
    hasOutbox: db.prepare<[string], { one: number }>(
      'SELECT 1 AS one FROM outbox WHERE conversation_id = ? LIMIT 1',
    ),
    hasPending: db.prepare<[string], { one: number }>(
      'SELECT 1 AS one FROM pending_changes WHERE conversation_id = ? LIMIT 1',
    ),
    countUnread: db.prepare<[string, number, string], { n: number }>(
      `SELECT COUNT(*) AS n FROM events WHERE conversation_id = ? AND seq > ? AND type = 'message'
         AND deleted_at IS NULL AND sender_user_id != ?`,
    ),
    setDraft: db.prepare('UPDATE conversations SET draft = ? WHERE id = ?'),
    setMuted: db.prepare('UPDATE conversations SET muted = ? WHERE id = ?'),
    setStatus: db.prepare('UPDATE conversations SET status = ? WHERE id = ?'),
    setRole: db.prepare('UPDATE conversations SET role = ? WHERE id = ?'),
    setTitle: db.prepare('UPDATE conversations SET title = ? WHERE id = ?'),
    touchActivity: db.prepare(
      'UPDATE conversations SET last_activity_at = MAX(last_activity_at, ?) WHERE id = ?',
    ),
    setLogRange: db.prepare(
      `UPDATE conversations SET last_seq = MAX(last_seq, @lastSeq), oldest_seq = @oldestSeq,
         server_last_seq = MAX(server_last_seq, @lastSeq) WHERE id = @id`,
    ),
    setHistoryComplete: db.prepare('UPDATE conversations SET history_complete = 1 WHERE id = ?'),
    upsertEvent: db.prepare(
      `INSERT INTO events (conversation_id, seq, id, type, sender_user_id, sender_device_id, client_msg_id, created_at,
         payload, text, edited_at, edit_version, deleted_at)
       VALUES (@conversationId, @seq, @id, @type, @senderUserId, @senderDeviceId, @clientMsgId, @createdAt, @payload,
         @text, @editedAt, @editVersion, @deletedAt)
       ON CONFLICT (conversation_id, seq) DO UPDATE SET
         payload = CASE WHEN events.deleted_at IS NULL AND (excluded.deleted_at IS NOT NULL OR excluded.edit_version > events.edit_version)
           THEN excluded.payload ELSE events.payload END,
         text = CASE WHEN events.deleted_at IS NULL AND (excluded.deleted_at IS NOT NULL OR excluded.edit_version > events.edit_version)
           THEN excluded.text ELSE events.text END,
         edited_at = MAX(COALESCE(events.edited_at, 0), COALESCE(excluded.edited_at, 0)),
         edit_version = MAX(events.edit_version, excluded.edit_version),
         deleted_at = COALESCE(events.deleted_at, excluded.deleted_at)`,
    ),
    eventAt: db.prepare<[string, number], EventRow>(
      'SELECT rowid, * FROM events WHERE conversation_id = ? AND seq = ?',
    ),
    editEvent: db.prepare(
      `UPDATE events SET payload = json_set(payload, '$.text', @text), text = @text, edited_at = @at, edit_version = @editVersion
       WHERE conversation_id = @conversationId AND seq = @seq AND deleted_at IS NULL AND edit_version < @editVersion`,
    ),
    deleteEvent: db.prepare(
      `UPDATE events SET payload = json_set(payload, '$.text', NULL, '$.attachments', json('[]')), text = NULL,
         deleted_at = COALESCE(deleted_at, @at)
       WHERE conversation_id = @conversationId AND seq = @seq`,
    ),
    addPending: db.prepare(
      `INSERT OR IGNORE INTO pending_changes (conversation_id, target_seq, seq, type, payload, created_at)
       VALUES (@conversationId, @targetSeq, @seq, @type, @payload, @createdAt)`,
    ),
    pendingFor: db.prepare<[string, number], { type: string; payload: string; created_at: number }>(
      'SELECT type, payload, created_at FROM pending_changes WHERE conversation_id = ? AND target_seq = ? ORDER BY seq',
    ),
    clearPending: db.prepare(
      'DELETE FROM pending_changes WHERE conversation_id = ? AND target_seq = ?',
    ),
    latest: db.prepare<[string, number], EventRow>(
      `SELECT rowid, * FROM events WHERE conversation_id = ? AND type NOT IN ${HIDDEN_IN_TIMELINE}
       ORDER BY seq DESC LIMIT ?`,
    ),
    before: db.prepare<[string, number, number], EventRow>(
      `SELECT rowid, * FROM events WHERE conversation_id = ? AND seq < ? AND type NOT IN ${HIDDEN_IN_TIMELINE}
       ORDER BY seq DESC LIMIT ?`,
    ),
    addOutbox: db.prepare(
      `INSERT INTO outbox (key, conversation_id, kind, payload, state, created_at)
       VALUES (@key, @conversationId, @kind, @payload, 'pending', @createdAt)`,
    ),
    outboxByKey: db.prepare<[string], OutboxRow>('SELECT * FROM outbox WHERE key = ?'),
    outboxFor: db.prepare<[string], OutboxRow>(
      'SELECT * FROM outbox WHERE conversation_id = ? ORDER BY position',
    ),
    pendingConversations: db.prepare<[], { conversation_id: string }>(
      "SELECT DISTINCT conversation_id FROM outbox WHERE state = 'pending'",
    ),
    outboxSent: db.prepare("UPDATE outbox SET state = 'sent', seq = ?, error = NULL WHERE key = ?"),
    outboxFailed: db.prepare("UPDATE outbox SET state = 'failed', error = ? WHERE key = ?"),
    outboxAttempt: db.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE key = ?'),
    outboxRetry: db.prepare(
      "UPDATE outbox SET state = 'pending', error = NULL, attempts = 0 WHERE key = ? AND state = 'failed'",
    ),
    outboxPayload: db.prepare('UPDATE outbox SET payload = ? WHERE key = ?'),
    deleteOutboxByKey: db.prepare('DELETE FROM outbox WHERE key = ?'),
    cachedMedia: db.prepare<[string, string], MediaCacheRow>(
      'SELECT * FROM media_cache WHERE media_id = ? AND variant = ?',
    ),
    touchMedia: db.prepare(
      'UPDATE media_cache SET last_used = ? WHERE media_id = ? AND variant = ?',
    ),
    rememberMedia: db.prepare(
      `INSERT INTO media_cache (media_id, variant, sha256, mime, size, last_used)
       VALUES (@media_id, @variant, @sha256, @mime, @size, @last_used)
       ON CONFLICT (media_id, variant) DO UPDATE SET sha256 = excluded.sha256, mime = excluded.mime,
         size = excluded.size, last_used = excluded.last_used`,
    ),
    mediaByUse: db.prepare<[], MediaCacheRow>('SELECT * FROM media_cache ORDER BY last_used ASC'),
    forgetMedia: db.prepare('DELETE FROM media_cache WHERE media_id = ? AND variant = ?'),
    shaInUse: db.prepare<[string], { one: number }>(
      'SELECT 1 AS one FROM media_cache WHERE sha256 = ? LIMIT 1',
    ),
    search: db.prepare<{ match: string; limit: number; start: string; end: string }, SearchRow>(
      `SELECT e.conversation_id, e.seq, e.sender_user_id, e.created_at,
         snippet(events_fts, 0, @start, @end, '…', 12) AS snippet
       FROM events_fts JOIN events e ON e.rowid = events_fts.rowid
       WHERE events_fts MATCH @match ORDER BY events_fts.rowid DESC LIMIT @limit`,
    ),
  };
}
