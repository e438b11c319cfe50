import { REFERENCING_EVENT_TYPES, type ConversationEvent } from '@chitchat/shared';
import type { Batch, ConversationRow } from './rows';
import type { LocalReactions } from './reactions';
import type { Statements } from './statements';

/*
 * How the local store writes a batch of log events: the event rows, the current state of their
 * messages (edits and deletes, kept for later when the target is not loaded yet), members, titles,
 * and the per-batch watermarks and counters. Called inside the store's transactions.
 */

/** What the event writer needs of the store. */
export interface EventWriter {
  statements: Statements;
  /** The account the store belongs to. */
  userId: string;
  reactions: LocalReactions;
}

const messageText = (event: ConversationEvent): string | null =>
  event.type === 'message' && event.deletedAt === null ? event.payload.text : null;

const raiseMark = (marks: Map<string, number>, userId: string, seq: number): void => {
  marks.set(userId, Math.max(marks.get(userId) ?? 0, seq));
};

/** Per-batch state, so a page of events costs one write per event plus a few per page. */
export function startBatch(ctx: EventWriter, row: ConversationRow): Batch {
  return {
    row,
    senderMax: new Map(),
    senderReadMax: new Map(),
    ownMax: 0,
    unread: 0,
    countedSeq: row.counted_seq,
    activity: 0,
    outbox: ctx.statements.hasOutbox.get(row.id) !== undefined,
    pending: ctx.statements.hasPending.get(row.id) !== undefined,
  };
}

export function finishBatch(ctx: EventWriter, batch: Batch): void {
  const id = batch.row.id;
  // A message from someone means they have it and have seen the conversation up to it; the read
  // only when it is public (not `privateRead`: read receipts off in a direct chat). 0 moves nothing.
  for (const [userId, seq] of batch.senderMax) {
    ctx.statements.memberMarks.run({
      conversationId: id,
      userId,
      deliveredSeq: seq,
      receiptSeq: batch.senderReadMax.get(userId) ?? 0,
    });
  }
  if (batch.ownMax > 0)
    ctx.statements.ownMarks.run({ id, deliveredSeq: batch.ownMax, readSeq: batch.ownMax });
  if (batch.unread > 0)
    ctx.statements.countMessages.run({ id, count: batch.unread, seq: batch.countedSeq });
  if (batch.activity > 0) ctx.statements.touchActivity.run(batch.activity, id);
}

/** Stores one event; with `history`, an older page: it moves no watermark or counter. */
export function insertEvent(
  ctx: EventWriter,
  event: ConversationEvent,
  batch: Batch,
  history: boolean,
): void {
  const message = event.type === 'message' ? event : null;
  ctx.statements.upsertEvent.run({
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
    if (batch.outbox && message.senderUserId === ctx.userId) {
      ctx.statements.deleteOutboxByKey.run(message.clientMsgId);
    }
    if (batch.pending) applyPendingChanges(ctx, event.conversationId, event.seq);
    raiseMark(batch.senderMax, event.senderUserId, event.seq);
    if (message.payload.privateRead !== true) {
      raiseMark(batch.senderReadMax, event.senderUserId, event.seq);
    }
  }
  // Reactions count in older pages too: pages carry no folded state for them (DESIGN §10).
  if (event.type === 'reaction') {
    ctx.reactions.apply({
      conversationId: event.conversationId,
      targetSeq: event.payload.targetSeq,
      userId: event.senderUserId,
      emoji: event.payload.emoji,
      seq: event.seq,
      at: event.createdAt,
    });
  }
  if (event.type === 'poll_vote') {
    // Pages arrive in any order (history included): the vote with the highest seq stays.
    ctx.statements.upsertPollVote.run({
      conversationId: event.conversationId,
      targetSeq: event.payload.targetSeq,
      userId: event.senderUserId,
      seq: event.seq,
      options: JSON.stringify(event.payload.options),
    });
    // A vote is no message: it neither counts as unread nor moves the chat in the list.
    return;
  }
  if (history) return;
  switch (event.type) {
    case 'message':
      if (event.senderUserId === ctx.userId) {
        batch.ownMax = Math.max(batch.ownMax, event.seq);
      } else if (event.seq > batch.row.read_seq && event.seq > batch.countedSeq) {
        batch.unread += 1;
        batch.countedSeq = event.seq;
      }
      break;
    case 'message_edited':
      if (
        applyEdit(
          ctx,
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
        applyDelete(ctx, event.conversationId, event.payload.targetSeq, event.createdAt, event.seq)
      )
        batch.pending = true;
      break;
    case 'member_added':
      for (const userId of event.payload.userIds) {
        ctx.statements.upsertMember.run({
          conversationId: event.conversationId,
          userId,
          role: 'member',
          deliveredSeq: 0,
          receiptSeq: 0,
          // Their own member_added opens their period (DESIGN §3).
          joinedSeq: event.seq,
        });
      }
      if (event.payload.userIds.includes(ctx.userId))
        ctx.statements.setStatus.run('active', event.conversationId);
      break;
    case 'member_removed':
      for (const userId of event.payload.userIds)
        ctx.statements.deleteMember.run(event.conversationId, userId);
      if (event.payload.userIds.includes(ctx.userId))
        ctx.statements.setStatus.run('left', event.conversationId);
      break;
    case 'member_role':
      ctx.statements.setMemberRole.run(
        event.payload.role,
        event.conversationId,
        event.payload.userId,
      );
      if (event.payload.userId === ctx.userId)
        ctx.statements.setRole.run(event.payload.role, event.conversationId);
      break;
    case 'conversation_renamed':
      ctx.statements.setTitle.run(event.payload.title, event.conversationId);
      break;
    default:
      // Unknown types from a newer server are stored as they are and shown as unsupported.
      break;
  }
  // Referencing events never move the chat in the list (DESIGN §3).
  if (!REFERENCING_EVENT_TYPES.includes(event.type)) {
    batch.activity = Math.max(batch.activity, event.createdAt);
  }
}

/**
 * An edit or delete whose target is not in the cache yet is kept beside it, to apply when the
 * target's page arrives (applyPendingChanges); true when it was kept.
 */
function keptForLater(
  ctx: EventWriter,
  conversationId: string,
  targetSeq: number,
  change: { type: 'message_edited' | 'message_deleted'; payload: object; at: number; seq: number },
): boolean {
  if (ctx.statements.eventAt.get(conversationId, targetSeq) !== undefined) return false;
  ctx.statements.addPending.run({
    conversationId,
    targetSeq,
    seq: change.seq,
    type: change.type,
    payload: JSON.stringify(change.payload),
    createdAt: change.at,
  });
  return true;
}

/** Applies an edit; true when the target is not loaded and the edit was kept for later. */
export function applyEdit(
  ctx: EventWriter,
  conversationId: string,
  targetSeq: number,
  text: string | null,
  editVersion: number,
  at: number,
  seq: number,
): boolean {
  const payload = { text, editVersion };
  if (keptForLater(ctx, conversationId, targetSeq, { type: 'message_edited', payload, at, seq })) {
    return true;
  }
  if (text !== null)
    ctx.statements.editEvent.run({ conversationId, seq: targetSeq, text, editVersion, at });
  return false;
}

/** Applies a delete; true when the target is not loaded and the delete was kept for later. */
export function applyDelete(
  ctx: EventWriter,
  conversationId: string,
  targetSeq: number,
  at: number,
  seq: number,
): boolean {
  if (
    keptForLater(ctx, conversationId, targetSeq, { type: 'message_deleted', payload: {}, at, seq })
  ) {
    return true;
  }
  ctx.statements.deleteEvent.run({ conversationId, seq: targetSeq, at });
  return false;
}

export function applyPendingChanges(
  ctx: EventWriter,
  conversationId: string,
  targetSeq: number,
): void {
  const changes = ctx.statements.pendingFor.all(conversationId, targetSeq);
  if (changes.length === 0) return;
  ctx.statements.clearPending.run(conversationId, targetSeq);
  for (const change of changes) {
    if (change.type === 'message_deleted') {
      ctx.statements.deleteEvent.run({ conversationId, seq: targetSeq, at: change.created_at });
    } else {
      const { text, editVersion } = JSON.parse(change.payload) as {
        text: string | null;
        editVersion: number;
      };
      if (text !== null)
        ctx.statements.editEvent.run({
          conversationId,
          seq: targetSeq,
          text,
          editVersion,
          at: change.created_at,
        });
    }
  }
}
