import type { ConversationRecord, Store } from '../store/types';

/**
 * One read of a conversation's row shared by the requests handled in one turn of the event loop:
 * in a 1,000-member group the members' receipts arrive by the dozen per turn, and each read of
 * the row on its own costs a read transaction (its file locks: about 10 us of CPU, against 3 us
 * inside a transaction). The shared read is forgotten at the end of the turn (setImmediate).
 *
 * A caller must treat what it gets as possibly older than its request, as any read that happened
 * a moment earlier: `lastSeq` and `membersVersion` only grow, so a value that does not cover what
 * the request names (a seq above `lastSeq`) is read again with `fresh`.
 */
export function conversationReadsOfTurn(store: Pick<Store, 'getConversation'>) {
  const reads = new Map<string, Promise<ConversationRecord | null>>();
  const fresh = (conversationId: string): Promise<ConversationRecord | null> => {
    if (reads.size === 0) setImmediate(() => reads.clear());
    const read = store.getConversation(conversationId);
    reads.set(conversationId, read);
    return read;
  };
  return {
    /** The row as read in this turn, reading it when this turn has not yet. */
    get: (conversationId: string) => reads.get(conversationId) ?? fresh(conversationId),
    /** The row read now (and shared with the rest of the turn). */
    fresh,
  };
}
