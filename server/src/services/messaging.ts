import {
  EDIT_WINDOW_MS,
  PROTOCOL_VERSION,
  SMALL_GROUP_MAX,
  timeOrderedId,
  type AttachmentRef,
  type EventsAfterAnswer,
  type EventsBeforeAnswer,
  type LinkPreview,
  type LinkPreviewInput,
  type MessageDeletePayload,
  type MessageEditPayload,
  type MessageSendPayload,
  type ReceiptAnswer,
  type SendAnswer,
  type SeqAnswer,
} from '@chitchat/shared';
import type { ConversationRecord, EventRecord, MembershipRecord, Store } from '../store/types';
import { insidePeriods, readAccess, writeAccess, type Access } from './access';
import { actionableMessage } from './message-target';
import { BoundedMap } from './bounded-map';
import type { Actor } from './conversations';
import { spend, type DeviceRateLimits } from './device-limits';
import { ServiceError, forbidden, refusalToError } from './errors';
import type { Fanout } from './fanout';
import { GroupReceipts } from './group-receipts';
import { conversationReadsOfTurn } from './turn-reads';
import { requireSendRight } from './group-rules';
import { MembershipCache } from './membership-cache';
import { blocks, peerMarksVisibility, requestState } from './relationships';
import { publishEvent, sendEvent } from './publish';
import { toWireEntryFor, forProtocolPage } from './wire';

/** Resolves attachment ids to their descriptions, refusing media the sender may not attach. */
export interface AttachmentResolver {
  resolve(userId: string, mediaIds: readonly string[]): Promise<AttachmentRef[]>;
}

/** Until media uploads exist, no id names media anyone may attach. */
export const noAttachments: AttachmentResolver = {
  async resolve(_userId, mediaIds) {
    if (mediaIds.length > 0) throw forbidden('Only media you can see can be attached.');
    return [];
  },
};

/**
 * The stored preview of a send: its image resolved like an attachment (media the sender can
 * read), and only an image. The server takes the rest as the sender's device made it (DESIGN §10).
 */
async function resolvePreview(
  attachments: AttachmentResolver,
  userId: string,
  input: LinkPreviewInput | undefined,
): Promise<LinkPreview | undefined> {
  if (input === undefined) return undefined;
  let image: AttachmentRef | null = null;
  if (input.imageId !== undefined) {
    [image = null] = await attachments.resolve(userId, [input.imageId]);
    if (image !== null && !image.mime.startsWith('image/')) {
      throw new ServiceError('invalid_payload', 'A link preview image must be an image.');
    }
  }
  const description = input.description?.trim() ?? '';
  return {
    url: input.url,
    title: input.title,
    description: description === '' ? null : (input.description ?? null),
    image,
  };
}

export type MessagingService = ReturnType<typeof createMessagingService>;

/** Direct chats whose members one process remembers (two ids each). */
const DIRECT_CACHE_SIZE = 50_000;

const SENDING_TOO_FAST = 'You are sending too fast; wait a moment.';

const answerOf = (event: EventRecord): SendAnswer => ({
  id: event.id,
  seq: event.seq,
  createdAt: event.createdAt,
});

export function createMessagingService(deps: {
  store: Store;
  fanout: Fanout;
  limits: Pick<DeviceRateLimits, 'send' | 'receipt'>;
  attachments?: AttachmentResolver;
  /** Shared with the conversations service, so that both see one copy of each membership. */
  members?: MembershipCache;
  /** Announces large groups' minimum watermarks (the app closes it before the store). */
  groupReceipts?: GroupReceipts;
  /** Pushes both people fresh summaries of a direct chat whose request state just changed. */
  requestStateChanged?: (conversationId: string, userIds: readonly string[]) => Promise<void>;
  /** A new message was committed and published (Web Push); must not block or throw. */
  messageCommitted?: (event: EventRecord) => void;
  now?: () => number;
}) {
  const { store, fanout, limits } = deps;
  const attachments = deps.attachments ?? noAttachments;
  const members = deps.members ?? new MembershipCache(store);
  const groupReceipts = deps.groupReceipts ?? new GroupReceipts({ store, fanout, members });
  const now = deps.now ?? Date.now;

  /**
   * Sends a committed event to every current member whose period covers it, as they may see it.
   * `membersVersion` is the conversation's as of the commit, when the store returned it; otherwise
   * the conversation row is read after the commit (one row, never the members).
   */
  async function publish(event: EventRecord, membersVersion?: number): Promise<void> {
    const snapshot =
      membersVersion === undefined
        ? await members.current(event.conversationId)
        : await members.atLeast(event.conversationId, membersVersion);
    if (snapshot === null) return;
    publishEvent(fanout, event, snapshot.members);
  }

  const origin = (actor: Actor, opId?: string) => ({
    id: timeOrderedId(),
    userId: actor.userId,
    deviceId: actor.deviceId,
    at: now(),
    ...(opId !== undefined ? { opId } : {}),
  });

  /** Tells who should know that a member's watermarks moved. */
  async function announceReceipt(
    conversation: ConversationRecord,
    membership: MembershipRecord,
  ): Promise<void> {
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
    const snapshot = await members.atLeast(conversationId, conversation.membersVersion);
    if (snapshot === null) return;
    if (conversation.kind === 'direct') {
      // A block either way keeps each one's marks from the other (as WhatsApp: the blocked person
      // sees no read receipts from the blocker either). The person's own devices hear their private
      // readSeq: with read receipts off the public mark stays frozen, but their reads still sync.
      fanout.toUsers([userId], 'receipt', { ...update, readSeq: membership.readSeq });
      const peer = snapshot.userIds.find((id) => id !== userId);
      if (peer === undefined) return;
      const visible = await peerMarksVisibility(store, conversation, peer, userId);
      if (!visible.delivered) return;
      // A requester is told of deliveries only, until the recipient replies or accepts.
      fanout.toUsers([peer], 'receipt', visible.read ? update : { ...update, readSeq: 0 });
      return;
    }
    if (snapshot.userIds.length <= SMALL_GROUP_MAX) {
      fanout.toUsers([...new Set([userId, ...snapshot.userIds])], 'receipt', update);
      return;
    }
    fanout.toUsers([userId], 'receipt', update);
    // The group's minimum is computed once per tick, however many receipts arrive meanwhile.
    groupReceipts.touch(conversationId, snapshot.userIds.length);
  }

  const conversationsOfTurn = conversationReadsOfTurn(store);

  /**
   * The two members of each direct chat this process has seen: they never change, so a send to a
   * known direct chat needs no membership reads (its transaction still checks membership).
   */
  const directMembers = new BoundedMap<string, readonly string[]>(DIRECT_CACHE_SIZE);

  /** Pairs this process knows are contacts already (sender -> peer): no store write per message. */
  const knownContacts = new BoundedMap<string, true>(DIRECT_CACHE_SIZE);

  /**
   * Whoever writes in a direct chat makes the peer their contact (DESIGN §3): a requester's first
   * message, or a recipient's reply that accepts the request.
   */
  async function noteWrittenTo(userId: string, peer: string, conversationId: string) {
    const key = `${userId}:${peer}`;
    if (knownContacts.get(key) !== undefined) return;
    const added = await store.addContacts(userId, [peer], now());
    knownContacts.set(key, true);
    if (added.length > 0) await deps.requestStateChanged?.(conversationId, [userId, peer]);
  }

  async function sendOnce(actor: Actor, payload: MessageSendPayload): Promise<SendAnswer> {
    spend(limits.send, actor.deviceId, SENDING_TOO_FAST);
    const { conversationId } = payload;
    const replyToSeq = payload.replyToSeq ?? null;
    let pair = directMembers.get(conversationId);
    let access: Access | undefined;
    if (pair === undefined || !pair.includes(actor.userId) || replyToSeq !== null) {
      access = await writeAccess(store, conversationId, actor.userId);
      if (access.conversation.kind === 'direct' && pair === undefined) {
        pair = (await members.atLeast(conversationId, access.conversation.membersVersion))?.userIds;
        if (pair !== undefined) directMembers.set(conversationId, pair);
      }
    }
    // Groups always read their access above: where only admins send, a member is refused.
    if (access !== undefined) requireSendRight(access.conversation, access.membership);
    // In a direct chat, the peer's block refuses the send: checked by the appending transaction.
    const peer = pair?.find((id) => id !== actor.userId) ?? null;
    if (replyToSeq !== null && access !== undefined) {
      const target =
        replyToSeq <= access.visibleLastSeq && insidePeriods(access.membership.periods, replyToSeq)
          ? await store.getEvent(conversationId, replyToSeq)
          : null;
      if (target?.type !== 'message') {
        throw new ServiceError('invalid_payload', 'replyToSeq must name a message you can see.');
      }
    }
    const refs = await attachments.resolve(actor.userId, payload.attachments ?? []);
    const linkPreview = await resolvePreview(attachments, actor.userId, payload.linkPreview);
    // A voice note's one attachment is its recording: audio by the bytes, not by the sender's word.
    if (payload.voice !== undefined && refs.some((ref) => !ref.mime.startsWith('audio/'))) {
      throw new ServiceError('invalid_payload', 'A voice note must be an audio recording.');
    }
    const text = payload.text !== undefined && payload.text.trim() !== '' ? payload.text : null;
    try {
      // Spelled out rather than spread from origin(): this object is built once per message.
      const appended = await store.appendMessage({
        id: timeOrderedId(),
        userId: actor.userId,
        deviceId: actor.deviceId,
        at: now(),
        conversationId,
        clientMsgId: payload.clientMsgId,
        text,
        replyToSeq,
        attachments: refs,
        ...(payload.forwarded === true ? { forwarded: true } : {}),
        ...(linkPreview !== undefined ? { linkPreview } : {}),
        ...(payload.mentions !== undefined && payload.mentions.length > 0
          ? { mentions: payload.mentions }
          : {}),
        ...(payload.voice !== undefined ? { voice: payload.voice } : {}),
        ...(payload.poll !== undefined ? { poll: payload.poll } : {}),
        unlessBlockedBy: peer,
      });
      if (!appended.duplicate) {
        // Both members of a direct chat were members from its first seq on.
        if (pair !== undefined) sendEvent(fanout, pair, appended.event);
        else await publish(appended.event, appended.membersVersion);
        deps.messageCommitted?.(appended.event);
        if (peer !== null) await noteWrittenTo(actor.userId, peer, conversationId);
      }
      return answerOf(appended.event);
    } catch (error) {
      return refusalToError(error);
    }
  }

  return {
    async send(actor: Actor, payload: MessageSendPayload): Promise<SendAnswer> {
      try {
        return await sendOnce(actor, payload);
      } catch (error) {
        // A retry of a stored message gets the first answer, whatever changed since (its rate,
        // its membership, a block): look it up only when a check refused, off the common path.
        if (error instanceof ServiceError) {
          const first = await store.eventByClientMsgId(actor.userId, payload.clientMsgId);
          if (first !== null) return answerOf(first);
        }
        throw error;
      }
    },

    async edit(actor: Actor, payload: MessageEditPayload): Promise<SeqAnswer> {
      if (payload.opId !== undefined) {
        const first = await store.eventByOpId(actor.userId, payload.opId);
        if (first !== null) return { seq: first.seq };
      }
      // One bucket with sends: edits and deletes reach every member just like messages.
      spend(limits.send, actor.deviceId, SENDING_TOO_FAST);
      const { target } = await actionableMessage(store, actor, payload.conversationId, payload.seq);
      if (target.senderUserId !== actor.userId)
        throw forbidden('Only the sender can edit a message.');
      if (target.payload.voice !== undefined)
        throw new ServiceError('invalid_payload', 'A voice note has no text to edit.');
      // Votes name options by index: a changed poll would move them to other answers.
      if (target.payload.poll !== undefined)
        throw new ServiceError('invalid_payload', 'A poll cannot be edited.');
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
      spend(limits.send, actor.deviceId, SENDING_TOO_FAST);
      const { access, target } = await actionableMessage(
        store,
        actor,
        payload.conversationId,
        payload.seq,
      );
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
      protocol: number = PROTOCOL_VERSION,
    ): Promise<EventsAfterAnswer> {
      const { membership, visibleLastSeq } = await readAccess(store, conversationId, userId);
      const page = (after: number, size: number) =>
        store.eventsAfter(conversationId, membership.periods, after, visibleLastSeq, size);
      const events = await forProtocolPage(protocol, page, afterSeq, limit);
      return { events: events.map((e) => toWireEntryFor(e, protocol)), lastSeq: visibleLastSeq };
    },

    async eventsBefore(
      userId: string,
      conversationId: string,
      beforeSeq: number,
      limit: number,
      protocol: number = PROTOCOL_VERSION,
    ): Promise<EventsBeforeAnswer> {
      const { membership, visibleLastSeq } = await readAccess(store, conversationId, userId);
      const bound = Math.min(beforeSeq, visibleLastSeq + 1);
      const page = (before: number, size: number) =>
        store.eventsBefore(conversationId, membership.periods, before, size);
      const events = await forProtocolPage(protocol, page, bound, limit);
      return { events: events.map((e) => toWireEntryFor(e, protocol)) };
    },

    /** Tells the other current members that `userId` is (or stopped) typing. */
    async typing(userId: string, conversationId: string, typing: boolean): Promise<void> {
      const { conversation } = await writeAccess(store, conversationId, userId);
      const snapshot = await members.atLeast(conversationId, conversation.membersVersion);
      const others = (snapshot?.userIds ?? []).filter((id) => id !== userId);
      // Dropped without a word to the sender: a refusal would tell them they are blocked. A
      // requester sees no typing of the person they wrote to until that person replies or accepts.
      const peer = others[0];
      if (conversation.kind === 'direct' && peer !== undefined) {
        if (await blocks(store, peer, userId)) return;
        if ((await requestState(store, conversation, peer, userId)) === 'outgoing') return;
      }
      fanout.toUsers(others, 'typing', { conversationId, userId, typing });
    },

    async receipt(
      actor: Actor,
      conversationId: string,
      seq: number,
      kind: 'delivered' | 'read',
    ): Promise<ReceiptAnswer> {
      spend(limits.receipt, actor.deviceId, 'You are sending receipts too fast; wait a moment.');
      const { userId } = actor;
      // A current member (the cached snapshot says so, at the version just read) reads up to the
      // conversation's lastSeq: no membership row is read and converted for each receipt of a
      // flood. Anyone else (a former member, capped at their leftSeq; a stranger) goes the long way.
      // Shared with the turn's other receipts (./turn-reads.ts); read again when it is older
      // than the seq this receipt names, so that the cap below is never an outdated lastSeq.
      let known = await conversationsOfTurn.get(conversationId);
      if (known !== null && seq > known.lastSeq)
        known = await conversationsOfTurn.fresh(conversationId);
      const snapshot =
        known === null ? null : await members.atLeast(conversationId, known.membersVersion);
      const { conversation, visibleLastSeq } =
        known !== null && snapshot?.userIdSet.has(userId) === true
          ? { conversation: known, visibleLastSeq: known.lastSeq }
          : await readAccess(store, conversationId, userId);
      const capped = Math.min(seq, visibleLastSeq);
      // Read receipts off count in direct chats only (groups always count, as WhatsApp): there the
      // read is private and the public receiptSeq stays frozen (DESIGN §3).
      const privateRead =
        kind === 'read' &&
        conversation.kind === 'direct' &&
        (await store.getUser(userId))?.readReceipts === false;
      const marks =
        kind === 'read'
          ? { readSeq: capped, ...(privateRead ? { privateRead } : {}) }
          : { deliveredSeq: capped };
      const { membership, changed } = await store.advanceReceipts(conversationId, userId, marks);
      if (changed) await announceReceipt(conversation, membership);
      return { deliveredSeq: membership.deliveredSeq, readSeq: membership.readSeq };
    },
  };
}
