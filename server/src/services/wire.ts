import type { ConversationEvent } from '@chitchat/shared';
import type { EventRecord } from '../store/types';

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
