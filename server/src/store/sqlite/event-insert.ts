import type { EventOrigin, EventRecord } from '../types';
import type { conversationStatements } from './statements';

/**
 * The event insert shared by the server thread's transactions (edits, deletes, group changes) and
 * the commit thread's batches (./batch-writes.ts): it returns what was just written, built here
 * rather than read back.
 */
export function eventInserter(st: ReturnType<typeof conversationStatements>) {
  /** Inserts one event at the next seq (the caller holds the write transaction). */
  return (
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
}
