import { randomUUID } from 'node:crypto';
import {
  EDIT_WINDOW_MS,
  SMALL_GROUP_MAX,
  type AttachmentRef,
  type EventsAfterAnswer,
  type EventsBeforeAnswer,
  type MessageDeletePayload,
  type MessageEditPayload,
  type MessageSendPayload,
  type ReceiptAnswer,
  type SendAnswer,
  type SeqAnswer,
} from '@chitchat/shared';
import type { EventRecord, MembershipRecord, Store } from '../store/types';
import { coveringMembers, insidePeriods, readAccess, writeAccess } from './access';
import type { Actor } from './conversations';
import { ServiceError, forbidden, notFound, refusalToError } from './errors';
import type { Fanout } from './fanout';
import type { TokenBuckets } from './token-bucket';
import { toWireEvent } from './wire';

/** Resolves attachment ids to their descriptions, refusing media the sender may not attach. */
export interface AttachmentResolver {
  resolve(userId: string, mediaIds: readonly string[]): Promise<AttachmentRef[]>;
}

/** Until media uploads exist, no id names media anyone may attach. */
export const noAttachments: AttachmentResolver = {
  async resolve(_userId, mediaIds) {
    if (mediaIds.length > 0) throw forbidden('Only media you uploaded can be attached.');
    return [];
  },
};

export type MessagingService = ReturnType<typeof createMessagingService>;

const answerOf = (event: EventRecord): SendAnswer => ({
  id: event.id,
  seq: event.seq,
  createdAt: event.createdAt,
});

export function createMessagingService(deps: {
  store: Store;
  fanout: Fanout;
  sendLimiter: TokenBuckets;
  attachments?: AttachmentResolver;
  now?: () => number;
}) {
  const { store, fanout, sendLimiter } = deps;
  const attachments = deps.attachments ?? noAttachments;
  const now = deps.now ?? Date.now;

  /** Sends a committed event to every current member whose period covers it. */
  async function publish(
    event: EventRecord,
    knownMembers?: readonly MembershipRecord[],
  ): Promise<void> {
    const members = knownMembers ?? (await store.activeMembers(event.conversationId));
    fanout.toUsers(coveringMembers(members, event.seq), 'event', toWireEvent(event));
  }

  const origin = (actor: Actor, opId?: string) => ({
    id: randomUUID(),
    userId: actor.userId,
    deviceId: actor.deviceId,
    at: now(),
    ...(opId !== undefined ? { opId } : {}),
  });

  /** A message the actor can see, for edit and delete. */
  async function visibleMessage(actor: Actor, conversationId: string, seq: number) {
    const access = await writeAccess(store, conversationId, actor.userId);
    const target = seq <= access.visibleLastSeq ? await store.getEvent(conversationId, seq) : null;
    if (target === null || !insidePeriods(access.membership.periods, seq))
      throw notFound('No such message.');
    if (target.type !== 'message')
      throw new ServiceError('invalid_payload', 'Only messages can be edited or deleted.');
    if (target.deletedAt !== null)
      throw new ServiceError('conflict', 'This message was already deleted.');
    return { access, target };
  }

  /** Tells who should know that a member's watermarks moved. */
  async function announceReceipt(membership: MembershipRecord): Promise<void> {
    const { conversationId, userId } = membership;
    const update = {
      conversationId,
      userId,
      deliveredSeq: membership.deliveredSeq,
      readSeq: membership.receiptSeq,
    };
    // A former member's progress is their own business: only their devices hear of it.
    if (!membership.active) {
      fanout.toUsers([userId], 'receipt', { ...update, readSeq: membership.readSeq });
      return;
    }
    const members = await store.activeMembers(conversationId);
    const conversation = await store.getConversation(conversationId);
    if (conversation === null) return;
    if (conversation.kind === 'direct' || members.length <= SMALL_GROUP_MAX) {
      fanout.toUsers([...new Set([userId, ...members.map((m) => m.userId)])], 'receipt', update);
      return;
    }
    fanout.toUsers([userId], 'receipt', update);
    const minDelivered = Math.min(...members.map((m) => m.deliveredSeq));
    const minRead = Math.min(...members.map((m) => m.receiptSeq));
    if (minDelivered > conversation.groupDeliveredSeq || minRead > conversation.groupReadSeq) {
      await store.setGroupReceipts(conversationId, minDelivered, minRead);
      fanout.toUsers(
        members.map((m) => m.userId),
        'receipt:group',
        { conversationId, deliveredSeq: minDelivered, readSeq: minRead },
      );
    }
  }

  return {
    async send(actor: Actor, payload: MessageSendPayload): Promise<SendAnswer> {
      const first = await store.eventByClientMsgId(actor.userId, payload.clientMsgId);
      if (first !== null) return answerOf(first);
      if (!sendLimiter.take(actor.deviceId)) {
        throw new ServiceError('rate_limited', 'You are sending too fast; wait a moment.');
      }
      const { conversation, membership, visibleLastSeq } = await writeAccess(
        store,
        payload.conversationId,
        actor.userId,
      );
      // The two members of a direct chat never change: one read serves the block check and the fan-out.
      const directMembers =
        conversation.kind === 'direct' ? await store.activeMembers(conversation.id) : undefined;
      if (directMembers !== undefined) {
        const peers = directMembers.map((m) => m.userId).filter((id) => id !== actor.userId);
        if ((await store.usersBlocking(actor.userId, peers)).length > 0) {
          throw forbidden('You cannot send messages to this person.');
        }
      }
      const replyToSeq = payload.replyToSeq ?? null;
      if (replyToSeq !== null) {
        const target =
          replyToSeq <= visibleLastSeq && insidePeriods(membership.periods, replyToSeq)
            ? await store.getEvent(conversation.id, replyToSeq)
            : null;
        if (target?.type !== 'message') {
          throw new ServiceError('invalid_payload', 'replyToSeq must name a message you can see.');
        }
      }
      const refs = await attachments.resolve(actor.userId, payload.attachments ?? []);
      const text = payload.text !== undefined && payload.text.trim() !== '' ? payload.text : null;
      try {
        const { event, duplicate } = await store.appendMessage({
          ...origin(actor),
          conversationId: conversation.id,
          clientMsgId: payload.clientMsgId,
          text,
          replyToSeq,
          attachments: refs,
        });
        if (!duplicate) await publish(event, directMembers);
        return answerOf(event);
      } catch (error) {
        return refusalToError(error);
      }
    },

    async edit(actor: Actor, payload: MessageEditPayload): Promise<SeqAnswer> {
      if (payload.opId !== undefined) {
        const first = await store.eventByOpId(actor.userId, payload.opId);
        if (first !== null) return { seq: first.seq };
      }
      const { target } = await visibleMessage(actor, payload.conversationId, payload.seq);
      if (target.senderUserId !== actor.userId)
        throw forbidden('Only the sender can edit a message.');
      if (now() - target.createdAt > EDIT_WINDOW_MS) {
        throw forbidden(
          `Messages can be edited for ${EDIT_WINDOW_MS / 60_000} minutes after sending.`,
        );
      }
      try {
        const event = await store.editMessage(
          payload.conversationId,
          payload.seq,
          payload.text,
          origin(actor, payload.opId),
        );
        await publish(event);
        return { seq: event.seq };
      } catch (error) {
        return refusalToError(error);
      }
    },

    async delete(actor: Actor, payload: MessageDeletePayload): Promise<SeqAnswer> {
      if (payload.opId !== undefined) {
        const first = await store.eventByOpId(actor.userId, payload.opId);
        if (first !== null) return { seq: first.seq };
      }
      const { access, target } = await visibleMessage(actor, payload.conversationId, payload.seq);
      const isAdmin =
        access.conversation.kind === 'group' &&
        (access.membership.role === 'owner' || access.membership.role === 'admin');
      if (target.senderUserId !== actor.userId && !isAdmin) {
        throw forbidden('Only the sender (or a group admin) can delete a message.');
      }
      try {
        const event = await store.deleteMessage(
          payload.conversationId,
          payload.seq,
          origin(actor, payload.opId),
        );
        await publish(event);
        return { seq: event.seq };
      } catch (error) {
        return refusalToError(error);
      }
    },

    async eventsAfter(
      userId: string,
      conversationId: string,
      afterSeq: number,
      limit: number,
    ): Promise<EventsAfterAnswer> {
      const { membership, visibleLastSeq } = await readAccess(store, conversationId, userId);
      const events = await store.eventsAfter(
        conversationId,
        membership.periods,
        afterSeq,
        visibleLastSeq,
        limit,
      );
      return { events: events.map(toWireEvent), lastSeq: visibleLastSeq };
    },

    async eventsBefore(
      userId: string,
      conversationId: string,
      beforeSeq: number,
      limit: number,
    ): Promise<EventsBeforeAnswer> {
      const { membership, visibleLastSeq } = await readAccess(store, conversationId, userId);
      const bound = Math.min(beforeSeq, visibleLastSeq + 1);
      const events = await store.eventsBefore(conversationId, membership.periods, bound, limit);
      return { events: events.map(toWireEvent) };
    },

    /** Tells the other current members that `userId` is (or stopped) typing. */
    async typing(userId: string, conversationId: string, typing: boolean): Promise<void> {
      await writeAccess(store, conversationId, userId);
      const others = (await store.activeMembers(conversationId))
        .map((m) => m.userId)
        .filter((id) => id !== userId);
      fanout.toUsers(others, 'typing', { conversationId, userId, typing });
    },

    async receipt(
      userId: string,
      conversationId: string,
      seq: number,
      kind: 'delivered' | 'read',
    ): Promise<ReceiptAnswer> {
      const { visibleLastSeq } = await readAccess(store, conversationId, userId);
      const capped = Math.min(seq, visibleLastSeq);
      const marks = kind === 'read' ? { readSeq: capped } : { deliveredSeq: capped };
      const { membership, changed } = await store.advanceReceipts(conversationId, userId, marks);
      if (changed) await announceReceipt(membership);
      return { deliveredSeq: membership.deliveredSeq, readSeq: membership.readSeq };
    },
  };
}
