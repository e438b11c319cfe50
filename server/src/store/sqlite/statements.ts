import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from './database';
import type { ConversationRow, EventRow, MembershipRow } from './rows';

/**
 * What this module's callers use of a prepared statement. The package does not export its
 * statement type by a name the emitted declarations could use, so the statements are typed as this.
 */
export interface PreparedStatement<P extends unknown[], R> {
  run(...params: P): BetterSqlite3.RunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

/** The conversation store's fixed statements, prepared once per connection. */
export function conversationStatements(db: SqliteDatabase) {
  const prepare = <P extends unknown[] = unknown[], R = unknown>(
    sql: string,
  ): PreparedStatement<P, R> => db.prepare<P, R>(sql);
  return {
    conversation: prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?'),
    conversationByKey: prepare<[string], ConversationRow>(
      'SELECT * FROM conversations WHERE direct_key = ?',
    ),
    membership: prepare<[string, string], MembershipRow>(
      'SELECT * FROM memberships WHERE conversation_id = ? AND user_id = ?',
    ),
    // In joining order; activeMembers() puts the longest-serving first (their current period's start).
    activeMembers: prepare<[string], MembershipRow>(
      'SELECT * FROM memberships WHERE conversation_id = ? AND active = 1 ORDER BY rowid',
    ),
    // The next seq of a conversation, claimed only while the sender is an active member and not
    // blocked by blockedBy (null: nobody's block applies). Positional parameters, as for the
    // insert and the sender's marks (binding a named one looks it up on an object by name, and
    // these three run for every message): (version, id, id, userId, blockedBy, userId).
    claimSeq: prepare<
      [number, string, string, string, string | null, string],
      { last_seq: number; members_version: number; kind: string }
    >(
      `UPDATE conversations SET last_seq = last_seq + 1, version = ?
       WHERE id = ?
         AND EXISTS (SELECT 1 FROM memberships
           WHERE conversation_id = ? AND user_id = ? AND active = 1)
         AND NOT EXISTS (SELECT 1 FROM blocks WHERE user_id = ? AND blocked_user_id = ?)
       RETURNING last_seq, members_version, kind`,
    ),
    // Gives back a seq claimed by a message that turned out to be a repeat (nothing else ran since).
    unclaimSeq: prepare('UPDATE conversations SET last_seq = last_seq - 1 WHERE id = ?'),
    // How many of a JSON array of user ids are active members (a message's mentions).
    activeAmong: prepare<[string, string], { n: number }>(
      `SELECT COUNT(*) AS n FROM memberships
       WHERE conversation_id = ? AND active = 1 AND user_id IN (SELECT value FROM json_each(?))`,
    ),
    isBlocked: prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM blocks WHERE user_id = ? AND blocked_user_id = ?',
    ),
    insertMediaRef: prepare(
      'INSERT OR IGNORE INTO media_refs (media_id, conversation_id, seq) VALUES (?, ?, ?)',
    ),
    insertConversation: prepare(
      `INSERT INTO conversations (id, kind, title, created_by, created_at, last_seq, version, direct_key)
       VALUES (@id, @kind, @title, @createdBy, @createdAt, @lastSeq, @version, @directKey)`,
    ),
    upsertMember: prepare(
      `INSERT INTO memberships (conversation_id, user_id, role, version, active, periods)
       VALUES (@conversationId, @userId, @role, @version, 1, @periods)
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET
         role = excluded.role, version = excluded.version, active = 1,
         periods = json_insert(memberships.periods, '$[#]', json(@period))`,
    ),
    closeMember: prepare(
      `UPDATE memberships SET active = 0, version = @version,
         periods = json_set(periods, '$[#-1][1]', @seq),
         left_title = (SELECT title FROM conversations WHERE id = @conversationId)
       WHERE conversation_id = @conversationId AND user_id = @userId AND active = 1`,
    ),
    setGroupSettings: prepare(
      `UPDATE conversations SET
         description = CASE WHEN @setDescription = 1 THEN @description ELSE description END,
         permissions = COALESCE(@permissions, permissions)
       WHERE id = @id`,
    ),
    // conversations_by_avatar (migration 021) serves the reverse look-up.
    setAvatar: prepare('UPDATE conversations SET avatar = @avatar WHERE id = @id'),
    setRole: prepare(
      `UPDATE memberships SET role = @role, version = @version
       WHERE conversation_id = @conversationId AND user_id = @userId AND active = 1 AND role != @role`,
    ),
    bumpConversation: prepare(
      `UPDATE conversations SET last_seq = @lastSeq, version = @version, title = COALESCE(@title, title),
         members_version = members_version + @membersChanged
       WHERE id = @id`,
    ),
    insertEvent: prepare<
      [
        string,
        number,
        string,
        string,
        string,
        string | null,
        string | null,
        string | null,
        number,
        string,
      ]
    >(
      `INSERT INTO events (conversation_id, seq, id, type, sender_user_id, sender_device_id, client_msg_id,
         op_id, created_at, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    eventByClientMsgId: prepare<[string, string], EventRow>(
      'SELECT * FROM events WHERE sender_user_id = ? AND client_msg_id = ?',
    ),
    eventByOpId: prepare<[string, string], EventRow>(
      'SELECT * FROM events WHERE sender_user_id = ? AND op_id = ?',
    ),
    event: prepare<[string, number], EventRow>(
      'SELECT * FROM events WHERE conversation_id = ? AND seq = ?',
    ),
    // (seq, seq, seq, version, conversationId, userId): better-sqlite3 binds `?NNN` by name only.
    advanceOwnMarks: prepare<[number, number, number, number, string, string]>(
      `UPDATE memberships SET delivered_seq = MAX(delivered_seq, ?), read_seq = MAX(read_seq, ?),
         receipt_seq = MAX(receipt_seq, ?), version = ?
       WHERE conversation_id = ? AND user_id = ?`,
    ),
    // A sender's marks after a message: (seq, seq, receiptSeq, conversationId, userId). The
    // membership's version stays: the seq claim moved the conversation's in the same transaction,
    // and a summary changes for an active member when either moves (see `changed`), so leaving it
    // spares an update of memberships_by_user for every message. A private read (`privateRead`)
    // passes 0 as receiptSeq, which leaves the public receipt_seq frozen (DESIGN §3).
    advanceSenderMarks: prepare<[number, number, number, string, string]>(
      `UPDATE memberships SET delivered_seq = MAX(delivered_seq, ?), read_seq = MAX(read_seq, ?),
         receipt_seq = MAX(receipt_seq, ?)
       WHERE conversation_id = ? AND user_id = ?`,
    ),
    // Whether a sender's read stays private: a direct chat while their read receipts are off.
    // (conversationId, userId)
    // Whether a user has read receipts off (asked only for a send in a direct chat).
    readReceiptsOff: prepare<[string], { one: number }>(
      'SELECT 1 AS one FROM users WHERE id = ? AND read_receipts = 0',
    ),
    // The first edit keeps the text the message was sent with (SET reads the row as it was).
    applyEdit: prepare(
      `UPDATE events SET payload = json_set(payload, '$.text', @text), edited_at = @at, edit_version = @editVersion,
         original_text = CASE WHEN edit_version = 0 THEN json_extract(payload, '$.text') ELSE original_text END
       WHERE conversation_id = @conversationId AND seq = @seq`,
    ),
    applyDelete: prepare(
      `UPDATE events SET payload = json_remove(json_set(payload, '$.text', NULL, '$.attachments', json('[]')), '$.linkPreview', '$.mentions', '$.voice', '$.poll'), deleted_at = @at,
         original_text = NULL
       WHERE conversation_id = @conversationId AND seq = @seq`,
    ),
    scrubEdits: prepare(
      `UPDATE events SET payload = json_set(payload, '$.text', NULL)
       WHERE conversation_id = @conversationId AND type = 'message_edited'
         AND json_extract(payload, '$.targetSeq') = @seq`,
    ),
    advanceMarks: prepare(
      `UPDATE memberships SET delivered_seq = MAX(delivered_seq, @deliveredSeq), read_seq = MAX(read_seq, @readSeq),
         receipt_seq = MAX(receipt_seq, @receiptSeq), version = @version
       WHERE conversation_id = @conversationId AND user_id = @userId`,
    ),
    setMuted: prepare(
      `UPDATE memberships SET muted = @muted, version = @version
       WHERE conversation_id = @conversationId AND user_id = @userId AND muted != @muted`,
    ),
    changed: prepare<[{ userId: string; since: number }], ConversationRow & { m_json: string }>(
      `SELECT c.*, json_object('conversation_id', m.conversation_id, 'user_id', m.user_id, 'role', m.role,
          'muted', m.muted, 'delivered_seq', m.delivered_seq, 'read_seq', m.read_seq,
          'receipt_seq', m.receipt_seq, 'version', m.version, 'active', m.active, 'periods', m.periods,
          'left_title', m.left_title) AS m_json
       FROM memberships m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.user_id = @userId AND (m.version > @since OR (m.active = 1 AND c.version > @since))`,
    ),
    // A member counts from their current period's join (DESIGN §5): before it they stand at
    // joinedSeq - 1, so adding someone never lowers the minimum for older messages.
    groupMinimum: prepare<[string], { delivered: number | null; read: number | null }>(
      `SELECT MIN(MAX(delivered_seq, joined - 1)) AS delivered, MIN(MAX(receipt_seq, joined - 1)) AS read
       FROM (SELECT delivered_seq, receipt_seq, COALESCE(json_extract(periods, '$[#-1][0]'), 1) AS joined
             FROM memberships WHERE conversation_id = ? AND active = 1)`,
    ),
    setGroupReceipts: prepare(
      `UPDATE conversations SET group_delivered_seq = MAX(group_delivered_seq, @deliveredSeq),
         group_read_seq = MAX(group_read_seq, @readSeq) WHERE id = @id`,
    ),
  };
}

export type ConversationStatements = ReturnType<typeof conversationStatements>;

/** Dynamic SQL (period clauses, IN lists) has few distinct shapes: prepares each shape once. */
export function statementCache(db: SqliteDatabase) {
  const statements = new Map<string, PreparedStatement<unknown[], unknown>>();
  return <Row>(sql: string) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement as PreparedStatement<unknown[], Row>;
  };
}
