import { mediaIdsOf, messagePayloadOf } from '../message-payload';
import { isUniqueError, type SqliteDatabase } from './database';
import { sqliteEventReads } from './event-reads';
import {
  currentJoin,
  directKey,
  periodsJson,
  toConversation,
  toEvent,
  toMembership,
  type EventRow,
  type MembershipRow,
} from './rows';
import { groupCommit, type PendingCommits } from './group-commit';
import { conversationStatements, statementCache } from './statements';
import { sqliteVersions } from './versions';
import {
  StoreRefusal,
  type ConversationStore,
  type EventOrigin,
  type EventRecord,
  type GroupChange,
  type MembershipRecord,
  type NewReference,
} from '../types';

export { directKey };

/**
 * How long receipts gather before they are committed together. Per turn of the event loop was
 * enough while a large group's members all said delivered at the same moment; spread over a window
 * (deliveredReceiptDelayMs), each turn holds a few, and every commit is an fsync during which the
 * event loop waits (synchronous=FULL; 1-3 ms here, tens under load), so ~830 receipts a second in
 * a 1,000-member group could have been hundreds of commits a second. Gathered, they are at most 50.
 * Nobody waits on a receipt's answer: the acknowledgement still follows its commit (DESIGN §6).
 */
export const RECEIPT_GATHER_MS = 20;

export function sqliteConversationStore(
  db: SqliteDatabase,
  hooks: { afterCommit?: () => void; pending?: PendingCommits } = {},
): ConversationStore {
  const st = conversationStatements(db);
  const cached = statementCache(db);

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

  const versions = sqliteVersions(db);
  const nextVersion = versions.next;

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
  /**
   * True when every mentioned id (distinct, as the schema leaves them) is an active member, or
   * when this send is a repeat of a stored message (which answers as it first did).
   */
  const mentionsMembers = (
    conversationId: string,
    userId: string,
    clientMsgId: string,
    mentions: readonly string[],
  ): boolean =>
    (st.activeAmong.get(conversationId, JSON.stringify(mentions))?.n ?? 0) ===
      new Set(mentions).size || st.eventByClientMsgId.get(userId, clientMsgId) !== undefined;

  const appendMessage = (message: NewMessageInput, version: number): AppendResult => {
    const { conversationId, userId, clientMsgId } = message;
    const blockedBy = message.unlessBlockedBy ?? null;
    const mentions = message.mentions ?? [];
    if (mentions.length > 0 && !mentionsMembers(conversationId, userId, clientMsgId, mentions)) {
      throw new StoreRefusal('mention_not_member');
    }
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
    // Read receipts off make the sender's read private in a direct chat (DESIGN §3); the event
    // says so, for apps that infer the sender's read from their message.
    // The claim returned the kind: a group send asks nothing more.
    const privateRead =
      claimed.kind === 'direct' && st.readReceiptsOff.get(userId) !== undefined;
    let event: EventRecord;
    try {
      event = insert(
        conversationId,
        seq,
        message,
        'message',
        messagePayloadOf(message, privateRead),
        { clientMsgId },
      );
    } catch (error) {
      const existing = isUniqueError(error)
        ? st.eventByClientMsgId.get(userId, clientMsgId)
        : undefined;
      if (existing === undefined) throw error;
      st.unclaimSeq.run(conversationId);
      return { event: toEvent(existing), duplicate: true };
    }
    for (const mediaId of mediaIdsOf(message)) st.insertMediaRef.run(mediaId, conversationId, seq);
    // Sending a message means the sender has seen the conversation up to it (publicly unless
    // the read is private: then the public mark stays).
    st.advanceSenderMarks.run(seq, seq, privateRead ? 0 : seq, conversationId, userId);
    return { event, duplicate: false, membersVersion: claimed.members_version };
  };

  const targetMessage = (conversationId: string, targetSeq: number): EventRow => {
    const target = st.event.get(conversationId, targetSeq);
    if (target === undefined) throw new StoreRefusal('not_found');
    if (target.type !== 'message') throw new StoreRefusal('not_message');
    if (target.deleted_at !== null) throw new StoreRefusal('already_deleted');
    return target;
  };

  /** Messages sent during one turn of the event loop share a transaction (./group-commit.ts). */
  const queueMessage = groupCommit(db, nextVersion, appendMessage, hooks.afterCommit);

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

  const appendReference = db.transaction(
    (conversationId: string, reference: NewReference, origin: EventOrigin): EventRecord => {
      if (origin.opId !== undefined) {
        const existing = st.eventByOpId.get(origin.userId, origin.opId);
        if (existing !== undefined) return toEvent(existing);
      }
      requireActive(conversationId, origin.userId);
      targetMessage(conversationId, reference.payload.targetSeq);
      const seq = lastSeqOf(conversationId) + 1;
      const version = nextVersion();
      const event = insert(conversationId, seq, origin, reference.type, reference.payload, {
        opId: origin.opId,
      });
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
      if (change.description !== undefined) {
        append('description_changed', { description: change.description });
      }
      if (change.permissions !== undefined) {
        append('group_settings', { permissions: change.permissions });
      }
      if (change.description !== undefined || change.permissions !== undefined) {
        st.setGroupSettings.run({
          id: conversationId,
          setDescription: change.description !== undefined ? 1 : 0,
          description: change.description ?? null,
          permissions: change.permissions === undefined ? null : JSON.stringify(change.permissions),
        });
      }
      if (change.avatar !== undefined) {
        append('avatar_changed', { avatar: change.avatar });
        st.setAvatar.run({ id: conversationId, avatar: change.avatar });
      }
      const added = [...new Set(change.add ?? [])].filter((id) => !isActive(id));
      if (added.length > 0) {
        append(
          'member_added',
          change.addedVia === undefined
            ? { userIds: added }
            : { userIds: added, via: change.addedVia },
        );
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

  interface ReceiptWrite {
    conversationId: string;
    userId: string;
    marks: { deliveredSeq?: number; readSeq?: number; privateRead?: boolean };
  }

  /** One receipt inside a group commit; `version` is the batch's. */
  const advanceReceipt = ({ conversationId, userId, marks }: ReceiptWrite, version: number) => {
    const row = st.membership.get(conversationId, userId);
    if (row === undefined) throw new StoreRefusal('not_member');
    const readSeq = Math.max(row.read_seq, marks.readSeq ?? 0);
    const deliveredSeq = Math.max(row.delivered_seq, marks.deliveredSeq ?? 0, readSeq);
    if (readSeq === row.read_seq && deliveredSeq === row.delivered_seq) {
      return { membership: toMembership(row), changed: false };
    }
    // A private read (receipts off) leaves the public mark where it was.
    const receiptSeq = marks.privateRead === true ? 0 : readSeq;
    st.advanceMarks.run({ conversationId, userId, deliveredSeq, readSeq, receiptSeq, version });
    // The row as the update left it, built here rather than read back (a receipt flood's hot path).
    const membership = toMembership(row);
    membership.deliveredSeq = deliveredSeq;
    membership.readSeq = readSeq;
    membership.receiptSeq = Math.max(row.receipt_seq, receiptSeq);
    membership.version = version;
    return { membership, changed: true };
  };

  /**
   * Receipts arrive in floods (every member of a big group acknowledges every message): those of
   * RECEIPT_GATHER_MS share a transaction and its fsync.
   */
  const queueReceipt = groupCommit(db, nextVersion, advanceReceipt, hooks.afterCommit, {
    ms: RECEIPT_GATHER_MS,
    pending: hooks.pending ?? new Set(),
  });

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
    async changeCursor() {
      return versions.cursor();
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
      return queueMessage(message);
    },
    async editMessage(conversationId, targetSeq, text, origin) {
      return editMessage.immediate(conversationId, targetSeq, text, origin);
    },
    async deleteMessage(conversationId, targetSeq, origin) {
      return deleteMessage.immediate(conversationId, targetSeq, origin);
    },
    async appendReference(conversationId, reference, origin) {
      return appendReference.immediate(conversationId, reference, origin);
    },
    ...sqliteEventReads(db, st),
    async advanceReceipts(conversationId, userId, marks) {
      return queueReceipt({ conversationId, userId, marks });
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
