import type { ConversationEvent } from '@chitchat/shared';
import type { EventRecord } from '../store/types';

/** The event as clients see it: without the sender's idempotency key. */
export function toWireEvent(event: EventRecord): ConversationEvent {
  const { opId: _opId, ...wire } = event;
  return wire;
}
