import type { Statement } from 'better-sqlite3';
import { isHidden, type MemberRole } from '@chitchat/shared';
import { mediaIdsOf, messagePayloadOf } from '../message-payload';
import { overlappingPeriods, periodBatches, spanOf } from '../periods';
import { isUniqueError, type SqliteDatabase } from './database';
import {
  StoreRefusal,
  type ConversationRecord,
  type ConversationStore,
  type EventOrigin,
  type EventRecord,
  type GroupChange,
  type MembershipRecord,
  type Period,
} from '../types';
import { groupHistories, viewForReader, type EditVersion, type HistoryLoader } from '../visibility';

interface ConversationRow {
  id: string;
  kind: 'direct' | 'group';
  title: string | null;
  avatar: string | null;
  created_by: string;
  created_at: number;
  last_seq: number;
  version: number;
  members_version: number;
  group_delivered_seq: number;
  group_read_seq: number;
}

interface MembershipRow {
  conversation_id: string;
  user_id: string;
  role: MemberRole;
  muted: number;
  delivered_seq: number;
  read_seq: number;
  receipt_seq: number;
  version: number;
  active: number;
  periods: string;
  left_title: string | null;
}

interface EventRow {
  conversation_id: string;
  seq: number;
  id: string;
  type: string;
  sender_user_id: string;
  sender_device_id: string | null;
  client_msg_id: string | null;
  op_id: string | null;
  created_at: number;
  payload: string;
  edited_at: number | null;
  edit_version: number;
  deleted_at: number | null;
}

const toConversation = (row: ConversationRow): ConversationRecord => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  avatar: row.avatar,
  createdBy: row.created_by,
  createdAt: row.created_at,
  lastSeq: row.last_seq,
  version: row.version,
  membersVersion: row.members_version,
  groupDeliveredSeq: row.group_delivered_seq,
  groupReadSeq: row.group_read_seq,
});

const toMembership = (row: MembershipRow): MembershipRecord => ({
  conversationId: row.conversation_id,
  userId: row.user_id,
  role: row.role,
  muted: row.muted === 1,
  deliveredSeq: row.delivered_seq,
  readSeq: row.read_seq,
  receiptSeq: row.receipt_seq,
  version: row.version,
  active: row.active === 1,
  leftTitle: row.left_title,
  periods: (JSON.parse(row.periods) as [number, number | null][]).map(([joinedSeq, leftSeq]) => ({
    joinedSeq,
    leftSeq,
  })),
});

/** Where the member's current period started. */
const currentJoin = (m: MembershipRecord) => m.periods.at(-1)?.joinedSeq ?? 0;

const periodsJson = (periods: readonly Period[]) =>
  JSON.stringify(periods.map((p) => [p.joinedSeq, p.leftSeq]));

function toEvent(row: EventRow): EventRecord {
  const base = {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    type: row.type,
    senderUserId: row.sender_user_id,
    senderDeviceId: row.sender_device_id,
    createdAt: row.created_at,
    payload: JSON.parse(row.payload) as unknown,
    opId: row.op_id,
  };
  // The row's type decides the payload's shape; rows are only written by this module.
  if (row.type === 'message') {
    return {
      ...base,
      clientMsgId: row.client_msg_id ?? '',
      editedAt: row.edited_at,
      editVersion: row.edit_version,
      deletedAt: row.deleted_at,
    } as EventRecord;
  }
  return base as EventRecord;
}

/**
 * SQL matching `seq` inside any of the periods (never true for no periods). Led by the range the
 * periods span, as top-level terms, so the (conversation_id, seq) index seeks to it instead of
 * testing every event of the conversation against each period.
 */
function periodClause(periods: readonly Period[]): { sql: string; params: number[] } {
  if (periods.length === 0) return { sql: '0', params: [] };
  const parts: string[] = [];
  const span = spanOf(periods);
  const params: number[] = [span.fromSeq, span.toSeq];
  for (const p of periods) {
    if (p.leftSeq === null) {
      parts.push('seq >= ?');
      params.push(p.joinedSeq);
    } else {
      parts.push('seq BETWEEN ? AND ?');
      params.push(p.joinedSeq, p.leftSeq);
    }
  }
  return { sql: `seq >= ? AND seq <= ? AND (${parts.join(' OR ')})`, params };
}

export const directKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);

export function sqliteConversationStore(
  db: SqliteDatabase,
  hooks: { afterCommit?: () => void } = {},
): ConversationStore {
  const st = {
    nextVersion: db.prepare<[], { value: string }>(
      `UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'change_counter' RETURNING value`,
    ),
    counter: db.prepare<[], { value: string }>(
      `SELECT value FROM meta WHERE key = 'change_counter'`,
    ),
    conversation: db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?'),
    conversationByKey: db.prepare<[string], ConversationRow>(
      'SELECT * FROM conversations WHERE direct_key = ?',
    ),
    membership: db.prepare<[string, string], MembershipRow>(
      'SELECT * FROM memberships WHERE conversation_id = ? AND user_id = ?',
    ),
    // In joining order; activeMembers() puts the longest-serving first (their current period's start).
    activeMembers: db.prepare<[string], MembershipRow>(
      'SELECT * FROM memberships WHERE conversation_id = ? AND active = 1 ORDER BY rowid',
    ),
    // The next seq of a conversation, claimed only while the sender is an active member and not
    // blocked by blockedBy (null: nobody's block applies). Positional parameters, as for the
    // insert and the sender's marks (binding a named one looks it up on an object by name, and
    // these three run for every message): (version, id, id, userId, blockedBy, userId).
    claimSeq: db.prepare<
      [number, string, string, string, string | null, string],
      { last_seq: number; members_version: number }
    >(
      `UPDATE conversations SET last_seq = last_seq + 1, version = ?
       WHERE id = ?
         AND EXISTS (SELECT 1 FROM memberships
           WHERE conversation_id = ? AND user_id = ? AND active = 1)
         AND NOT EXISTS (SELECT 1 FROM blocks WHERE user_id = ? AND blocked_user_id = ?)
       RETURNING last_seq, members_version`,
    ),
    // Gives back a seq claimed by a message that turned out to be a repeat (nothing else ran since).
    unclaimSeq: db.prepare('UPDATE conversations SET last_seq = last_seq - 1 WHERE id = ?'),
    isBlocked: db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM blocks WHERE user_id = ? AND blocked_user_id = ?',
    ),
    insertMediaRef: db.prepare(
      'INSERT OR IGNORE INTO media_refs (media_id, conversation_id, seq) VALUES (?, ?, ?)',
    ),
    insertConversation: db.prepare(
      `INSERT INTO conversations (id, kind, title, created_by, created_at, last_seq, version, direct_key)
       VALUES (@id, @kind, @title, @createdBy, @createdAt, @lastSeq, @version, @directKey)`,
    ),
    upsertMember: db.prepare(
      `INSERT INTO memberships (conversation_id, user_id, role, version, active, periods)
       VALUES (@conversationId, @userId, @role, @version, 1, @periods)
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET
         role = excluded.role, version = excluded.version, active = 1,
         periods = json_insert(memberships.periods, '$[#]', json(@period))`,
    ),
    closeMember: db.prepare(
      `UPDATE memberships SET active = 0, version = @version,
         periods = json_set(periods, '$[#-1][1]', @seq),
         left_title = (SELECT title FROM conversations WHERE id = @conversationId)
       WHERE conversation_id = @conversationId AND user_id = @userId AND active = 1`,
    ),
    setRole: db.prepare(
      `UPDATE memberships SET role = @role, version = @version
       WHERE conversation_id = @conversationId AND user_id = @userId AND active = 1 AND role != @role`,
    ),
    bumpConversation: db.prepare(
      `UPDATE conversations SET last_seq = @lastSeq, version = @version, title = COALESCE(@title, title),
         members_version = members_version + @membersChanged
       WHERE id = @id`,
    ),
    insertEvent: db.prepare<
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
    eventByClientMsgId: db.prepare<[string, string], EventRow>(
      'SELECT * FROM events WHERE sender_user_id = ? AND client_msg_id = ?',
    ),
    eventByOpId: db.prepare<[string, string], EventRow>(
      'SELECT * FROM events WHERE sender_user_id = ? AND op_id = ?',
    ),
    event: db.prepare<[string, number], EventRow>(
      'SELECT * FROM events WHERE conversation_id = ? AND seq = ?',
    ),
    // (seq, seq, seq, version, conversationId, userId): better-sqlite3 binds `?NNN` by name only.
    advanceOwnMarks: db.prepare<[number, number, number, number, string, string]>(
      `UPDATE memberships SET delivered_seq = MAX(delivered_seq, ?), read_seq = MAX(read_seq, ?),
         receipt_seq = MAX(receipt_seq, ?), version = ?
       WHERE conversation_id = ? AND user_id = ?`,
    ),
    // A sender's marks after a message: (seq, seq, seq, conversationId, userId). The membership's
    // version stays: the seq claim moved the conversation's in the same transaction, and a
    // summary changes for an active member when either moves (see `changed`), so leaving it
    // spares an update of memberships_by_user for every message.
    advanceSenderMarks: db.prepare<[number, number, number, string, string]>(
      `UPDATE memberships SET delivered_seq = MAX(delivered_seq, ?), read_seq = MAX(read_seq, ?),
         receipt_seq = MAX(receipt_seq, ?)
       WHERE conversation_id = ? AND user_id = ?`,
    ),
    // The first edit keeps the text the message was sent with (SET reads the row as it was).
    applyEdit: db.prepare(
      `UPDATE events SET payload = json_set(payload, '$.text', @text), edited_at = @at, edit_version = @editVersion,
         original_text = CASE WHEN edit_version = 0 THEN json_extract(payload, '$.text') ELSE original_text END
       WHERE conversation_id = @conversationId AND seq = @seq`,
    ),
    applyDelete: db.prepare(
      `UPDATE events SET payload = json_remove(json_set(payload, '$.text', NULL, '$.attachments', json('[]')), '$.linkPreview'), deleted_at = @at,
         original_text = NULL
       WHERE conversation_id = @conversationId AND seq = @seq`,
    ),
    scrubEdits: db.prepare(
      `UPDATE events SET payload = json_set(payload, '$.text', NULL)
       WHERE conversation_id = @conversationId AND type = 'message_edited'
         AND json_extract(payload, '$.targetSeq') = @seq`,
    ),
    advanceMarks: db.prepare(
      `UPDATE memberships SET delivered_seq = MAX(delivered_seq, @deliveredSeq), read_seq = MAX(read_seq, @readSeq),
         receipt_seq = MAX(receipt_seq, @readSeq), version = @version
       WHERE conversation_id = @conversationId AND user_id = @userId`,
    ),
    setMuted: db.prepare(
      `UPDATE memberships SET muted = @muted, version = @version
       WHERE conversation_id = @conversationId AND user_id = @userId AND muted != @muted`,
    ),
    changed: db.prepare<{ userId: string; since: number }, ConversationRow & { m_json: string }>(
      `SELECT c.*, json_object('conversation_id', m.conversation_id, 'user_id', m.user_id, 'role', m.role,
          'muted', m.muted, 'delivered_seq', m.delivered_seq, 'read_seq', m.read_seq,
          'receipt_seq', m.receipt_seq, 'version', m.version, 'active', m.active, 'periods', m.periods,
          'left_title', m.left_title) AS m_json
       FROM memberships m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.user_id = @userId AND (m.version > @since OR (m.active = 1 AND c.version > @since))`,
    ),
    groupMinimum: db.prepare<[string], { delivered: number | null; read: number | null }>(
      `SELECT MIN(delivered_seq) AS delivered, MIN(receipt_seq) AS read FROM memberships
       WHERE conversation_id = ? AND active = 1`,
    ),
    setGroupReceipts: db.prepare(
      `UPDATE conversations SET group_delivered_seq = MAX(group_delivered_seq, @deliveredSeq),
         group_read_seq = MAX(group_read_seq, @readSeq) WHERE id = @id`,
    ),
  };

  // Dynamic SQL (period clauses, IN lists) has few distinct shapes: prepare each shape once.
  const statementCache = new Map<string, Statement>();
  const cached = <Row>(sql: string) => {
    let statement = statementCache.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      statementCache.set(sql, statement);
    }
    return statement as unknown as Statement<unknown[], Row>;
  };

  /** The versions of edited messages, for members who left before some of the edits. */
  const histories: HistoryLoader = (conversationId, targetSeqs) => {
    const marks = targetSeqs.map(() => '?').join(',');
    const originals = cached<{ seq: number; originalText: string | null }>(
      `SELECT seq, original_text AS originalText FROM events
       WHERE conversation_id = ? AND seq IN (${marks})`,
    ).all(conversationId, ...targetSeqs);
    // Matches the events_edits index (conversation_id, type, targetSeq).
    const edits = cached<EditVersion & { targetSeq: number }>(
      `SELECT seq, created_at AS at, json_extract(payload, '$.text') AS text,
         json_extract(payload, '$.editVersion') AS editVersion,
         json_extract(payload, '$.targetSeq') AS targetSeq
       FROM events WHERE conversation_id = ? AND type = 'message_edited'
         AND json_extract(payload, '$.targetSeq') IN (${marks})`,
    ).all(conversationId, ...targetSeqs);
    return groupHistories(originals, edits);
  };

  /** Records a commit on the conversation. */
  const finish = (conversationId: string, lastSeq: number, version: number, membersChanged = 0) => {
    st.bumpConversation.run({ id: conversationId, lastSeq, version, title: null, membersChanged });
  };

  /** Current members, longest-serving first: by their current period's start, ties in joining order. */
  const activeMembers = (conversationId: string): MembershipRecord[] =>
    st.activeMembers
      .all(conversationId)
      .map(toMembership)
      .sort((a, b) => currentJoin(a) - currentJoin(b));

  const nextVersion = (): number => Number(st.nextVersion.get()?.value);

  const requireActive = (conversationId: string, userId: string): MembershipRow => {
    const row = st.membership.get(conversationId, userId);
    if (row === undefined || row.active !== 1) throw new StoreRefusal('not_member');
    return row;
  };

  const lastSeqOf = (conversationId: string): number => {
    const row = st.conversation.get(conversationId);
    if (row === undefined) throw new StoreRefusal('not_found');
    return row.last_seq;
  };

  /** Inserts one event at the next seq (the caller holds the write transaction). */
  const insert = (
    conversationId: string,
    seq: number,
    origin: EventOrigin,
    type: string,
    payload: unknown,
    keys: { clientMsgId?: string; opId?: string | undefined; id?: string } = {},
  ): EventRecord => {
    const id = keys.id ?? origin.id;
    const opId = keys.opId ?? null;
    st.insertEvent.run(
      conversationId,
      seq,
      id,
      type,
      origin.userId,
      origin.deviceId,
      keys.clientMsgId ?? null,
      opId,
      origin.at,
      JSON.stringify(payload),
    );
    // What was just written, built here rather than read back. This runs once per message: no
    // object spread (V8 copies those on a slow path); a message's own fields are added in place.
    const event: Record<string, unknown> = {
      id,
      conversationId,
      seq,
      type,
      senderUserId: origin.userId,
      senderDeviceId: origin.deviceId,
      createdAt: origin.at,
      payload,
      opId,
    };
    if (type === 'message') {
      event.clientMsgId = keys.clientMsgId ?? '';
      event.editedAt = null;
      event.editVersion = 0;
      event.deletedAt = null;
    }
    // The type decides the payload's shape; the callers pass matching pairs.
    return event as unknown as EventRecord;
  };

  /** Ids for the 2nd, 3rd... event of one operation, derived from the operation's event id. */
  const subId = (origin: EventOrigin, index: number) =>
    index === 0 ? origin.id : `${origin.id}-${index}`;

  type NewMessageInput = Parameters<ConversationStore['appendMessage']>[0];
  type AppendResult = Awaited<ReturnType<ConversationStore['appendMessage']>>;

  /**
   * One message, inside the group commit's transaction: claim the seq (which checks membership
   * and the block), insert (the unique index on the sender's clientMsgId catches a repeat, whose
   * claim is then given back), index its media, move the sender's marks. No savepoint: a refusal
   * is found before anything is written. `version` is the batch's: one commit, one version.
   */
  const appendMessage = (message: NewMessageInput, version: number): AppendResult => {
    const { conversationId, userId, clientMsgId } = message;
    const blockedBy = message.unlessBlockedBy ?? null;
    const claimed = st.claimSeq.get(
      version,
      conversationId,
      conversationId,
      userId,
      blockedBy,
      userId,
    );
    if (claimed === undefined) {
      const existing = st.eventByClientMsgId.get(userId, clientMsgId);
      if (existing !== undefined) return { event: toEvent(existing), duplicate: true };
      lastSeqOf(conversationId);
      if (blockedBy !== null && st.isBlocked.get(blockedBy, userId) !== undefined) {
        throw new StoreRefusal('blocked');
      }
      throw new StoreRefusal('not_member');
    }
    const seq = claimed.last_seq;
    let event: EventRecord;
    try {
      event = insert(conversationId, seq, message, 'message', messagePayloadOf(message), {
        clientMsgId,
      });
    } catch (error) {
      const existing = isUniqueError(error)
        ? st.eventByClientMsgId.get(userId, clientMsgId)
        : undefined;
      if (existing === undefined) throw error;
      st.unclaimSeq.run(conversationId);
      return { event: toEvent(existing), duplicate: true };
    }
    for (const mediaId of mediaIdsOf(message)) st.insertMediaRef.run(mediaId, conversationId, seq);
    // Sending a message means the sender has seen the conversation up to it.
    st.advanceSenderMarks.run(seq, seq, seq, conversationId, userId);
    return { event, duplicate: false, membersVersion: claimed.members_version };
  };

  const targetMessage = (conversationId: string, targetSeq: number): EventRow => {
    const target = st.event.get(conversationId, targetSeq);
    if (target === undefined) throw new StoreRefusal('not_found');
    if (target.type !== 'message') throw new StoreRefusal('not_message');
    if (target.deleted_at !== null) throw new StoreRefusal('already_deleted');
    return target;
  };

  const pendingMessages: {
    message: NewMessageInput;
    resolve: (result: AppendResult) => void;
    reject: (error: unknown) => void;
  }[] = [];

  /**
   * Group commit: the messages sent during one turn of the event loop are written in one
   * transaction (a refused one writes nothing and disturbs no other), in the order they were sent. Every sender is answered after the commit, as before; only the cost of a
   * commit is shared.
   */
  const commitBatch = db.transaction((batch: typeof pendingMessages) => {
    const version = nextVersion();
    return batch.map(({ message }) => {
      try {
        return { ok: true as const, result: appendMessage(message, version) };
      } catch (error) {
        // A refusal wrote nothing; anything else aborts the whole batch (every sender retries).
        if (error instanceof StoreRefusal) return { ok: false as const, error };
        throw error;
      }
    });
  });

  function commitPendingMessages(): void {
    const batch = pendingMessages.splice(0);
    let outcomes: ReturnType<typeof commitBatch>;
    try {
      outcomes = commitBatch.immediate(batch);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    hooks.afterCommit?.();
    outcomes.forEach((outcome, index) => {
      const item = batch[index];
      if (item === undefined) return;
      if (outcome.ok) item.resolve(outcome.result);
      else item.reject(outcome.error);
    });
  }

  const editMessage = db.transaction(
    (conversationId: string, targetSeq: number, text: string, origin: EventOrigin): EventRecord => {
      if (origin.opId !== undefined) {
        const existing = st.eventByOpId.get(origin.userId, origin.opId);
        if (existing !== undefined) return toEvent(existing);
      }
      requireActive(conversationId, origin.userId);
      const target = targetMessage(conversationId, targetSeq);
      const seq = lastSeqOf(conversationId) + 1;
      const version = nextVersion();
      const editVersion = target.edit_version + 1;
      const event = insert(
        conversationId,
        seq,
        origin,
        'message_edited',
        { targetSeq, text, editVersion },
        { opId: origin.opId },
      );
      st.applyEdit.run({ conversationId, seq: targetSeq, text, at: origin.at, editVersion });
      finish(conversationId, seq, version);
      return event;
    },
  );

  const deleteMessage = db.transaction(
    (conversationId: string, targetSeq: number, origin: EventOrigin): EventRecord => {
      if (origin.opId !== undefined) {
        const existing = st.eventByOpId.get(origin.userId, origin.opId);
        if (existing !== undefined) return toEvent(existing);
      }
      requireActive(conversationId, origin.userId);
      targetMessage(conversationId, targetSeq);
      const seq = lastSeqOf(conversationId) + 1;
      const version = nextVersion();
      const event = insert(
        conversationId,
        seq,
        origin,
        'message_deleted',
        { targetSeq },
        { opId: origin.opId },
      );
      st.applyDelete.run({ conversationId, seq: targetSeq, at: origin.at });
      st.scrubEdits.run({ conversationId, seq: targetSeq });
      finish(conversationId, seq, version);
      return event;
    },
  );

  const getOrCreateDirect = db.transaction(
    (input: { id: string; userId: string; peerId: string; at: number }) => {
      const key = directKey(input.userId, input.peerId);
      const existing = st.conversationByKey.get(key);
      if (existing !== undefined) return { conversation: toConversation(existing), created: false };
      const version = nextVersion();
      st.insertConversation.run({
        id: input.id,
        kind: 'direct',
        title: null,
        createdBy: input.userId,
        createdAt: input.at,
        lastSeq: 0,
        version,
        directKey: key,
      });
      for (const userId of [input.userId, input.peerId]) {
        st.upsertMember.run({
          conversationId: input.id,
          userId,
          role: 'member',
          version,
          periods: periodsJson([{ joinedSeq: 1, leftSeq: null }]),
          period: JSON.stringify([1, null]),
        });
      }
      const row = st.conversation.get(input.id);
      if (row === undefined) throw new Error('inserted conversation vanished');
      return { conversation: toConversation(row), created: true };
    },
  );

  const createGroup = db.transaction(
    (
      input: EventOrigin & { conversationId: string; title: string; memberIds: readonly string[] },
    ) => {
      if (input.opId !== undefined) {
        const existing = st.eventByOpId.get(input.userId, input.opId);
        if (existing !== undefined) {
          const conversation = st.conversation.get(existing.conversation_id);
          if (conversation === undefined) throw new Error('conversation of an op vanished');
          return { conversation: toConversation(conversation), events: [toEvent(existing)] };
        }
      }
      const version = nextVersion();
      const userIds = [input.userId, ...input.memberIds.filter((id) => id !== input.userId)];
      st.insertConversation.run({
        id: input.conversationId,
        kind: 'group',
        title: input.title,
        createdBy: input.userId,
        createdAt: input.at,
        lastSeq: 1,
        version,
        directKey: null,
      });
      for (const userId of new Set(userIds)) {
        st.upsertMember.run({
          conversationId: input.conversationId,
          userId,
          role: userId === input.userId ? 'owner' : 'member',
          version,
          periods: periodsJson([{ joinedSeq: 1, leftSeq: null }]),
          period: JSON.stringify([1, null]),
        });
      }
      const event = insert(
        input.conversationId,
        1,
        input,
        'member_added',
        { userIds: [...new Set(userIds)] },
        { opId: input.opId },
      );
      st.advanceOwnMarks.run(1, 1, 1, version, input.conversationId, input.userId);
      const row = st.conversation.get(input.conversationId);
      if (row === undefined) throw new Error('inserted conversation vanished');
      return { conversation: toConversation(row), events: [event] };
    },
  );

  const changeGroup = db.transaction(
    (conversationId: string, origin: EventOrigin, change: GroupChange): EventRecord[] => {
      if (origin.opId !== undefined) {
        const existing = st.eventByOpId.get(origin.userId, origin.opId);
        if (existing !== undefined) return [];
      }
      requireActive(conversationId, origin.userId);
      let seq = lastSeqOf(conversationId);
      const version = nextVersion();
      const events: EventRecord[] = [];
      let membersChanged = 0;
      const append = (type: string, payload: unknown) => {
        seq += 1;
        const index = events.length;
        events.push(
          insert(conversationId, seq, origin, type, payload, {
            id: subId(origin, index),
            opId: index === 0 ? origin.opId : undefined,
          }),
        );
      };
      const isActive = (userId: string) => st.membership.get(conversationId, userId)?.active === 1;

      if (change.title !== undefined) {
        append('conversation_renamed', { title: change.title });
        st.bumpConversation.run({
          id: conversationId,
          lastSeq: seq,
          version,
          title: change.title,
          membersChanged: 0,
        });
      }
      const added = [...new Set(change.add ?? [])].filter((id) => !isActive(id));
      if (added.length > 0) {
        append('member_added', { userIds: added });
        for (const userId of added) {
          // A returning member keeps their watermarks and gets a new period; the gap stays invisible.
          st.upsertMember.run({
            conversationId,
            userId,
            role: 'member',
            version,
            periods: periodsJson([{ joinedSeq: seq, leftSeq: null }]),
            period: JSON.stringify([seq, null]),
          });
        }
        membersChanged = 1;
      }
      const removed = [...new Set(change.remove ?? [])].filter(isActive);
      if (removed.length > 0) {
        append('member_removed', { userIds: removed, left: false });
        for (const userId of removed) st.closeMember.run({ conversationId, userId, version, seq });
        membersChanged = 1;
      }
      for (const { userId, role } of change.roles ?? []) {
        const member = st.membership.get(conversationId, userId);
        if (member === undefined || member.active !== 1 || member.role === role) continue;
        append('member_role', { userId, role });
        st.setRole.run({ conversationId, userId, role, version });
        membersChanged = 1;
      }
      if (change.leave !== undefined) {
        const wasOwner = st.membership.get(conversationId, origin.userId)?.role === 'owner';
        append('member_removed', { userIds: [origin.userId], left: true });
        st.closeMember.run({ conversationId, userId: origin.userId, version, seq });
        // The successor is checked again here: whoever was chosen may have left meanwhile.
        const remaining = activeMembers(conversationId);
        const successor = wasOwner
          ? (remaining.find((m) => m.userId === change.leave?.newOwner) ??
            remaining.find((m) => m.role === 'admin') ??
            remaining[0])
          : undefined;
        if (successor !== undefined) {
          append('member_role', { userId: successor.userId, role: 'owner' });
          st.setRole.run({ conversationId, userId: successor.userId, role: 'owner', version });
        }
        membersChanged = 1;
      }
      if (events.length > 0) {
        finish(conversationId, seq, version, membersChanged);
      }
      return events;
    },
  );

  const advanceReceipts = db.transaction(
    (
      conversationId: string,
      userId: string,
      marks: { deliveredSeq?: number; readSeq?: number },
    ) => {
      const row = st.membership.get(conversationId, userId);
      if (row === undefined) throw new StoreRefusal('not_member');
      const readSeq = Math.max(row.read_seq, marks.readSeq ?? 0);
      const deliveredSeq = Math.max(row.delivered_seq, marks.deliveredSeq ?? 0, readSeq);
      if (readSeq === row.read_seq && deliveredSeq === row.delivered_seq) {
        return { membership: toMembership(row), changed: false };
      }
      const version = nextVersion();
      st.advanceMarks.run({ conversationId, userId, deliveredSeq, readSeq, version });
      const after = st.membership.get(conversationId, userId);
      if (after === undefined) throw new Error('membership vanished');
      return { membership: toMembership(after), changed: true };
    },
  );

  const setMuted = db.transaction((conversationId: string, userId: string, muted: boolean) => {
    requireActiveOrFormer(conversationId, userId);
    const row = st.membership.get(conversationId, userId);
    if (row !== undefined && (row.muted === 1) !== muted) {
      st.setMuted.run({ conversationId, userId, muted: muted ? 1 : 0, version: nextVersion() });
    }
  });

  const requireActiveOrFormer = (conversationId: string, userId: string) => {
    if (st.membership.get(conversationId, userId) === undefined)
      throw new StoreRefusal('not_member');
  };

  return {
    async changeCounter() {
      return Number(st.counter.get()?.value ?? 0);
    },
    async getConversation(id) {
      const row = st.conversation.get(id);
      return row ? toConversation(row) : null;
    },
    async getMembership(conversationId, userId) {
      const row = st.membership.get(conversationId, userId);
      return row ? toMembership(row) : null;
    },
    async activeMembers(conversationId) {
      return activeMembers(conversationId);
    },
    async changedSummaries(userId, since) {
      return st.changed.all({ userId, since: since ?? -1 }).map((row) => ({
        conversation: toConversation(row),
        membership: toMembership(JSON.parse(row.m_json) as MembershipRow),
      }));
    },
    async sharingConversation(userId, userIds) {
      if (userIds.length === 0) return [];
      const unique = [...new Set(userIds)];
      const rows = cached<{ user_id: string }>(
        `SELECT DISTINCT other.user_id FROM memberships mine
           JOIN memberships other ON other.conversation_id = mine.conversation_id AND other.active = 1
           WHERE mine.user_id = ? AND mine.active = 1
             AND other.user_id IN (${unique.map(() => '?').join(',')})`,
      ).all(userId, ...unique);
      return rows.map((r) => r.user_id);
    },
    async findDirect(userId, peerId) {
      const row = st.conversationByKey.get(directKey(userId, peerId));
      return row ? toConversation(row) : null;
    },
    async getOrCreateDirect(input) {
      return getOrCreateDirect.immediate(input);
    },
    async createGroup(input) {
      return createGroup.immediate(input);
    },
    async changeGroup(conversationId, origin, change) {
      return changeGroup.immediate(conversationId, origin, change);
    },
    async setMuted(conversationId, userId, muted) {
      setMuted.immediate(conversationId, userId, muted);
    },
    async appendMessage(message) {
      return new Promise((resolve, reject) => {
        pendingMessages.push({ message, resolve, reject });
        if (pendingMessages.length === 1) setImmediate(commitPendingMessages);
      });
    },
    async editMessage(conversationId, targetSeq, text, origin) {
      return editMessage.immediate(conversationId, targetSeq, text, origin);
    },
    async deleteMessage(conversationId, targetSeq, origin) {
      return deleteMessage.immediate(conversationId, targetSeq, origin);
    },
    async eventByClientMsgId(userId, clientMsgId) {
      const row = st.eventByClientMsgId.get(userId, clientMsgId);
      return row ? toEvent(row) : null;
    },
    async eventByOpId(userId, opId) {
      const row = st.eventByOpId.get(userId, opId);
      return row ? toEvent(row) : null;
    },
    async getEvent(conversationId, seq) {
      const row = st.event.get(conversationId, seq);
      return row ? toEvent(row) : null;
    },
    // Each of these looks only at the periods overlapping its seq range, a bounded batch per query
    // (store/periods.ts): a member re-added a thousand times costs what one re-added once does.
    async eventsAfter(conversationId, periods, afterSeq, upToSeq, limit) {
      const found: EventRecord[] = [];
      const inRange = overlappingPeriods(periods, afterSeq + 1, upToSeq);
      for (const batch of periodBatches(inRange, 'ascending')) {
        const clause = periodClause(batch);
        const rows = cached<EventRow>(
          `SELECT * FROM events WHERE conversation_id = ? AND seq > ? AND seq <= ? AND ${clause.sql}
             ORDER BY seq ASC LIMIT ?`,
        ).all(conversationId, afterSeq, upToSeq, ...clause.params, limit - found.length);
        for (const row of rows) found.push(toEvent(row));
        if (found.length >= limit) break;
      }
      return viewForReader(conversationId, found, periods, histories);
    },
    async eventsBefore(conversationId, periods, beforeSeq, limit) {
      const found: EventRecord[] = [];
      const inRange = overlappingPeriods(periods, 0, beforeSeq - 1);
      for (const batch of periodBatches(inRange, 'descending')) {
        const clause = periodClause(batch);
        const rows = cached<EventRow>(
          `SELECT * FROM events WHERE conversation_id = ? AND seq < ? AND ${clause.sql}
             ORDER BY seq DESC LIMIT ?`,
        ).all(conversationId, beforeSeq, ...clause.params, limit - found.length);
        for (const row of rows) found.push(toEvent(row));
        if (found.length >= limit) break;
      }
      return viewForReader(conversationId, found, periods, histories);
    },
    async lastVisibleEvent(conversationId, periods, upToSeq) {
      for (const batch of periodBatches(overlappingPeriods(periods, 0, upToSeq), 'descending')) {
        const clause = periodClause(batch);
        const row = cached<EventRow>(
          `SELECT * FROM events WHERE conversation_id = ? AND seq <= ?
               AND type NOT IN ('message_edited', 'message_deleted')
               AND ${clause.sql} ORDER BY seq DESC LIMIT 1`,
        ).get(conversationId, upToSeq, ...clause.params);
        if (row === undefined) continue;
        const [viewed] = await viewForReader(conversationId, [toEvent(row)], periods, histories);
        return viewed === undefined || isHidden(viewed) ? null : viewed;
      }
      return null;
    },
    async countUnread(conversationId, userId, periods, afterSeq, upToSeq, cap) {
      let count = 0;
      const inRange = overlappingPeriods(periods, afterSeq + 1, upToSeq);
      for (const batch of periodBatches(inRange, 'ascending')) {
        const clause = periodClause(batch);
        const row = cached<{ n: number }>(
          `SELECT COUNT(*) AS n FROM (SELECT 1 FROM events WHERE conversation_id = ? AND seq > ? AND seq <= ?
               AND type = 'message' AND deleted_at IS NULL AND sender_user_id != ? AND ${clause.sql} LIMIT ?)`,
        ).get(conversationId, afterSeq, upToSeq, userId, ...clause.params, cap - count);
        count += row?.n ?? 0;
        if (count >= cap) break;
      }
      return count;
    },
    async advanceReceipts(conversationId, userId, marks) {
      return advanceReceipts.immediate(conversationId, userId, marks);
    },
    async groupReceiptMinimum(conversationId) {
      const row = st.groupMinimum.get(conversationId);
      return { deliveredSeq: row?.delivered ?? 0, readSeq: row?.read ?? 0 };
    },
    async setGroupReceipts(conversationId, deliveredSeq, readSeq) {
      st.setGroupReceipts.run({ id: conversationId, deliveredSeq, readSeq });
    },
  };
}
