import {
  MESSAGE_EXTRAS_PROTOCOL,
  PROTOCOL_VERSION,
  isHidden,
  receivesEventType,
  type ConversationEvent,
  type LogEntry,
} from '@chitchat/shared';
import type { EventRecord } from '../store/types';
import type { ViewedEvent } from '../store/visibility';

/**
 * The event as clients see it: without the sender's idempotency key. A message (every send, many
 * times a second) is built field by field; object rest copies through V8's slow path.
 */
export function toWireEvent(event: EventRecord): ConversationEvent {
  if (event.type === 'message') {
    return {
      id: event.id,
      conversationId: event.conversationId,
      seq: event.seq,
      type: event.type,
      senderUserId: event.senderUserId,
      senderDeviceId: event.senderDeviceId,
      createdAt: event.createdAt,
      payload: event.payload,
      clientMsgId: event.clientMsgId,
      editedAt: event.editedAt,
      editVersion: event.editVersion,
      deletedAt: event.deletedAt,
    };
  }
  const { opId: _opId, ...wire } = event;
  return wire;
}

/** A page entry as clients see it: a stub as it is, an event without its idempotency key. */
export const toWireEntry = (entry: ViewedEvent): LogEntry =>
  isHidden(entry) ? entry : toWireEvent(entry);

/**
 * True for a message that carries fields older protocols do not know (`forwarded`, `linkPreview`,
 * `mentions`, `voice`, `poll`).
 */
export const hasMessageExtras = (event: ConversationEvent): boolean =>
  event.type === 'message' &&
  (event.payload.forwarded !== undefined ||
    event.payload.linkPreview !== undefined ||
    event.payload.mentions !== undefined ||
    event.payload.voice !== undefined ||
    event.payload.poll !== undefined);

/**
 * The event for a socket of `protocol`: a message without `forwarded`, `linkPreview`, `mentions`,
 * `voice` and `poll` below MESSAGE_EXTRAS_PROTOCOL (it stays what such a client always received:
 * text and attachments; a voice note is a plain audio attachment there). A poll's message shows
 * there as its text, which the sender's app fills with the question and options; a poll sent
 * without text shows its question.
 */
export function forProtocol(event: ConversationEvent, protocol: number): ConversationEvent {
  if (protocol >= MESSAGE_EXTRAS_PROTOCOL || event.type !== 'message') return event;
  if (!hasMessageExtras(event)) return event;
  const {
    forwarded: _forwarded,
    linkPreview: _linkPreview,
    mentions: _mentions,
    voice: _voice,
    poll,
    ...payload
  } = event.payload;
  if (poll !== undefined && payload.text === null && event.deletedAt === null)
    payload.text = poll.question;
  return { ...event, payload };
}

/** A page entry for a socket of `protocol` (see `forProtocol`). */
export const toWireEntryFor = (entry: ViewedEvent, protocol: number): LogEntry =>
  isHidden(entry) ? entry : forProtocol(toWireEvent(entry), protocol);

/**
 * A page for a socket of `protocol`: as the store reads it for the newest protocol; for older
 * ones, without the entries they do not receive (`hidden` stubs, event types newer than them: see
 * EVENT_TYPE_FIRST_PROTOCOL), and topped up from further on so a page is short only at the end of
 * the log (such a client takes a short page as the last one). `read(from, size)` reads a page in
 * the store's direction, starting after (or before) the seq `from`.
 */
export async function forProtocolPage(
  protocol: number,
  read: (from: number, size: number) => Promise<ViewedEvent[]>,
  from: number,
  limit: number,
): Promise<ViewedEvent[]> {
  const first = await read(from, limit);
  if (protocol >= PROTOCOL_VERSION) return first;
  const kept: ViewedEvent[] = [];
  let page = first;
  for (;;) {
    for (const entry of page)
      if (receivesEventType(protocol, entry.type) && kept.length < limit) kept.push(entry);
    const last = page.at(-1);
    if (kept.length >= limit || page.length < limit || last === undefined) return kept;
    page = await read(last.seq, limit);
  }
}
