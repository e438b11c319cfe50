import type { SqlDatabase, SqlRunResult } from './sql';
import { REFERENCING_EVENT_TYPES } from '@chitchat/shared';
import { aboveDeletedChat } from './deleted-chats';
import { localMigrations } from './migrations';
import type {
  ConversationRow,
  EventRow,
  MediaCacheRow,
  MemberRow,
  OutboxRow,
  PollVoteRow,
  UserRow,
} from './rows';

/* The local store's schema upgrade and its prepared statements. */

/** An SQL list of fixed event type names (never input). */
const sqlList = (types: readonly string[]) => `(${types.map((type) => `'${type}'`).join(', ')})`;
/**
 * Referencing events (edits, deletes, reactions...) change what the timeline shows; they are no
 * rows of it. A pin is the exception: it shows as a line ("Ana pinned a message").
 */
const HIDDEN_IN_TIMELINE = sqlList(REFERENCING_EVENT_TYPES.filter((type) => type !== 'pin'));
/** Referencing events are never a chat's preview (DESIGN §3), the pin line included. */
const NOT_PREVIEWED = sqlList(REFERENCING_EVENT_TYPES);
/** Messages the person deleted for themselves (account state) leave the timeline on every device. */
const NOT_DELETED_FOR_ME = `NOT EXISTS (SELECT 1 FROM account_marks m
  WHERE m.conversation_id = events.conversation_id AND m.seq = events.seq AND m.deleted = 1)
  AND ${aboveDeletedChat('events')}`;

export function migrateLocalStore(db: SqlDatabase): void {
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

export type Statements = ReturnType<typeof prepareStatements>;

/**
 * What the store uses of a prepared statement. The package does not export its statement type by a
 * name the emitted declarations could use, so the statements are typed as this.
 */
export interface PreparedStatement<P extends unknown[], R> {
  run(...params: P): SqlRunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

export function prepareStatements(db: SqlDatabase) {
  const prepare = <P extends unknown[] = unknown[], R = unknown>(
    sql: string,
  ): PreparedStatement<P, R> => db.prepare<P, R>(sql);
  /** A statement with named parameters (one object). */
  const prepareNamed = <P extends object, R = unknown>(sql: string): PreparedStatement<[P], R> =>
    db.prepare<P, R>(sql);
  return {
    getMeta: prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    deleteMeta: prepare('DELETE FROM meta WHERE key = ?'),
    upsertUser: prepare(
      `INSERT INTO users (id, username, display_name, photo, about) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET username = excluded.username, display_name = excluded.display_name,
         photo = excluded.photo, about = excluded.about`,
    ),
    user: prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    // An unread message from someone else that mentions the user (the chat list's "@"): only
    // messages after the read mark are looked at, and only when some are unread.
    unreadMention: prepare<[string, number, string, string], { one: number }>(
      `SELECT 1 AS one FROM events
       WHERE conversation_id = ? AND seq > ? AND type = 'message' AND sender_user_id != ?
         AND deleted_at IS NULL AND ${NOT_DELETED_FOR_ME}
         AND EXISTS (SELECT 1 FROM json_each(events.payload, '$.mentions') WHERE value = ?)
       LIMIT 1`,
    ),
    conversationsOfUser: prepare<[string, string], { id: string }>(
      'SELECT id FROM conversations WHERE peer_id = ? UNION SELECT conversation_id FROM members WHERE user_id = ?',
    ),
    conversation: prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?'),
    conversations: prepare<[], ConversationRow>(
      'SELECT * FROM conversations ORDER BY last_activity_at DESC',
    ),
    members: prepare<[string], MemberRow>('SELECT * FROM members WHERE conversation_id = ?'),
    upsertConversation: prepare(
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
    setRequest: prepare('UPDATE conversations SET request = ? WHERE id = ?'),
    // Groups (issue #15): absent fields (older servers, former members) keep what is known.
    setGroupInfo: prepare(
      `UPDATE conversations SET avatar = @avatar,
         description = CASE WHEN @hasDescription = 1 THEN @description ELSE description END,
         permissions = COALESCE(@permissions, permissions)
       WHERE id = @id`,
    ),
    deleteMembers: prepare('DELETE FROM members WHERE conversation_id = ?'),
    deleteMember: prepare('DELETE FROM members WHERE conversation_id = ? AND user_id = ?'),
    upsertMember: prepare(
      `INSERT INTO members (conversation_id, user_id, role, delivered_seq, receipt_seq, joined_seq)
       VALUES (@conversationId, @userId, @role, @deliveredSeq, @receiptSeq, @joinedSeq)
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET role = excluded.role,
         delivered_seq = MAX(delivered_seq, excluded.delivered_seq), receipt_seq = MAX(receipt_seq, excluded.receipt_seq),
         joined_seq = MAX(joined_seq, excluded.joined_seq)`,
    ),
    memberMarks: prepare(
      `UPDATE members SET delivered_seq = MAX(delivered_seq, @deliveredSeq), receipt_seq = MAX(receipt_seq, @receiptSeq)
       WHERE conversation_id = @conversationId AND user_id = @userId`,
    ),
    setMemberRole: prepare('UPDATE members SET role = ? WHERE conversation_id = ? AND user_id = ?'),
    ownMarks: prepare(
      `UPDATE conversations SET delivered_seq = MAX(delivered_seq, @deliveredSeq, @readSeq), read_seq = MAX(read_seq, @readSeq)
       WHERE id = @id`,
    ),
    groupMarks: prepare(
      `UPDATE conversations SET group_delivered_seq = MAX(group_delivered_seq, @deliveredSeq),
         group_read_seq = MAX(group_read_seq, @readSeq) WHERE id = @id`,
    ),
    setUnread: prepare('UPDATE conversations SET unread_count = ? WHERE id = ?'),
    countMessages: prepare(
      'UPDATE conversations SET unread_count = unread_count + @count, counted_seq = @seq WHERE id = @id',
    ),
    hasOutbox: prepare<[string], { one: number }>(
      'SELECT 1 AS one FROM outbox WHERE conversation_id = ? LIMIT 1',
    ),
    hasPending: prepare<[string], { one: number }>(
      'SELECT 1 AS one FROM pending_changes WHERE conversation_id = ? LIMIT 1',
    ),
    countUnread: prepare<[string, number, string], { n: number }>(
      `SELECT COUNT(*) AS n FROM events WHERE conversation_id = ? AND seq > ? AND type = 'message'
         AND deleted_at IS NULL AND sender_user_id != ? AND ${aboveDeletedChat('events')}`,
    ),
    setDraft: prepare('UPDATE conversations SET draft = ? WHERE id = ?'),
    setStatus: prepare('UPDATE conversations SET status = ? WHERE id = ?'),
    setRole: prepare('UPDATE conversations SET role = ? WHERE id = ?'),
    setTitle: prepare('UPDATE conversations SET title = ? WHERE id = ?'),
    touchActivity: prepare(
      'UPDATE conversations SET last_activity_at = MAX(last_activity_at, ?) WHERE id = ?',
    ),
    setLogRange: prepare(
      `UPDATE conversations SET last_seq = MAX(last_seq, @lastSeq), oldest_seq = @oldestSeq,
         server_last_seq = MAX(server_last_seq, @lastSeq) WHERE id = @id`,
    ),
    setHistoryComplete: prepare('UPDATE conversations SET history_complete = 1 WHERE id = ?'),
    upsertEvent: prepare(
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
    eventAt: prepare<[string, number], EventRow>(
      'SELECT rowid, * FROM events WHERE conversation_id = ? AND seq = ?',
    ),
    editEvent: prepare(
      `UPDATE events SET payload = json_set(payload, '$.text', @text), text = @text, edited_at = @at, edit_version = @editVersion
       WHERE conversation_id = @conversationId AND seq = @seq AND deleted_at IS NULL AND edit_version < @editVersion`,
    ),
    deleteEvent: prepare(
      `UPDATE events SET payload = json_set(payload, '$.text', NULL, '$.attachments', json('[]')), text = NULL,
         deleted_at = COALESCE(deleted_at, @at)
       WHERE conversation_id = @conversationId AND seq = @seq`,
    ),
    addPending: prepare(
      `INSERT OR IGNORE INTO pending_changes (conversation_id, target_seq, seq, type, payload, created_at)
       VALUES (@conversationId, @targetSeq, @seq, @type, @payload, @createdAt)`,
    ),
    pendingFor: prepare<[string, number], { type: string; payload: string; created_at: number }>(
      'SELECT type, payload, created_at FROM pending_changes WHERE conversation_id = ? AND target_seq = ? ORDER BY seq',
    ),
    clearPending: prepare(
      'DELETE FROM pending_changes WHERE conversation_id = ? AND target_seq = ?',
    ),
    latest: prepare<[string, number], EventRow>(
      `SELECT rowid, * FROM events WHERE conversation_id = ? AND type NOT IN ${HIDDEN_IN_TIMELINE}
         AND ${NOT_DELETED_FOR_ME} ORDER BY seq DESC LIMIT ?`,
    ),
    lastPreviewable: prepare<[string], EventRow>(
      `SELECT rowid, * FROM events WHERE conversation_id = ? AND type NOT IN ${NOT_PREVIEWED}
         AND ${NOT_DELETED_FOR_ME} ORDER BY seq DESC LIMIT 1`,
    ),
    pinEvents: prepare<[string], { seq: number; sender_user_id: string; payload: string }>(
      `SELECT seq, sender_user_id, payload FROM events WHERE conversation_id = ? AND type = 'pin'
         ORDER BY seq`,
    ),
    before: prepare<[string, number, number], EventRow>(
      `SELECT rowid, * FROM events WHERE conversation_id = ? AND seq < ? AND type NOT IN ${HIDDEN_IN_TIMELINE}
         AND ${NOT_DELETED_FOR_ME} ORDER BY seq DESC LIMIT ?`,
    ),
    // The later vote replaces an earlier one, whichever page brought it first.
    upsertPollVote: prepareNamed<{
      conversationId: string;
      targetSeq: number;
      userId: string;
      seq: number;
      options: string;
    }>(
      `INSERT INTO poll_votes (conversation_id, target_seq, user_id, seq, options)
       VALUES (@conversationId, @targetSeq, @userId, @seq, @options)
       ON CONFLICT (conversation_id, target_seq, user_id) DO UPDATE SET seq = excluded.seq,
         options = excluded.options WHERE excluded.seq > poll_votes.seq`,
    ),
    pollVotes: prepare<[string, number], PollVoteRow>(
      'SELECT user_id, seq, options FROM poll_votes WHERE conversation_id = ? AND target_seq = ? ORDER BY seq',
    ),
    addOutbox: prepare(
      `INSERT INTO outbox (key, conversation_id, kind, payload, state, created_at)
       VALUES (@key, @conversationId, @kind, @payload, 'pending', @createdAt)`,
    ),
    outboxByKey: prepare<[string], OutboxRow>('SELECT * FROM outbox WHERE key = ?'),
    outboxFor: prepare<[string], OutboxRow>(
      'SELECT * FROM outbox WHERE conversation_id = ? ORDER BY position',
    ),
    pendingConversations: prepare<[], { conversation_id: string }>(
      "SELECT DISTINCT conversation_id FROM outbox WHERE state = 'pending'",
    ),
    outboxSent: prepare("UPDATE outbox SET state = 'sent', seq = ?, error = NULL WHERE key = ?"),
    outboxFailed: prepare("UPDATE outbox SET state = 'failed', error = ? WHERE key = ?"),
    outboxAttempt: prepare('UPDATE outbox SET attempts = attempts + 1 WHERE key = ?'),
    outboxRetry: prepare(
      "UPDATE outbox SET state = 'pending', error = NULL, attempts = 0 WHERE key = ? AND state = 'failed'",
    ),
    outboxPayload: prepare('UPDATE outbox SET payload = ? WHERE key = ?'),
    deleteOutboxByKey: prepare('DELETE FROM outbox WHERE key = ?'),
    cachedMedia: prepare<[string, string], MediaCacheRow>(
      'SELECT * FROM media_cache WHERE media_id = ? AND variant = ?',
    ),
    touchMedia: prepare('UPDATE media_cache SET last_used = ? WHERE media_id = ? AND variant = ?'),
    rememberMedia: prepare(
      `INSERT INTO media_cache (media_id, variant, sha256, mime, size, last_used)
       VALUES (@media_id, @variant, @sha256, @mime, @size, @last_used)
       ON CONFLICT (media_id, variant) DO UPDATE SET sha256 = excluded.sha256, mime = excluded.mime,
         size = excluded.size, last_used = excluded.last_used`,
    ),
    mediaByUse: prepare<[], MediaCacheRow>('SELECT * FROM media_cache ORDER BY last_used ASC'),
    forgetMedia: prepare('DELETE FROM media_cache WHERE media_id = ? AND variant = ?'),
    shaInUse: prepare<[string], { one: number }>(
      'SELECT 1 AS one FROM media_cache WHERE sha256 = ? LIMIT 1',
    ),
  };
}
