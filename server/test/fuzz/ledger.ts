/** What the server answered `ok`, to compare with what the store holds. */
export interface Ledger {
  /** Ids of every message event acked ok (setup included). */
  sentIds: Set<string>;
  /** `userId \0 clientMsgId` -> the first ok answer. */
  firstSend: Map<string, { id: string; seq: number }>;
  /** `userId \0 clientMsgId` of sends that were refused. */
  refusedSends: Set<string>;
  /** `conversationId#seq` of ok edits, deletes, reactions, pins and votes (the referencing events). */
  editDeleteSeqs: Set<string>;
  /** Conversations an ok group:create/update/leave may have written group events to. */
  groupChanged: Set<string>;
  /** Conversations created by ok answers (setup included). */
  conversations: Set<string>;
  /** Problems found while recording (idempotency violations...). */
  problems: string[];
}

export const newLedger = (): Ledger => ({
  sentIds: new Set(),
  firstSend: new Map(),
  refusedSends: new Set(),
  editDeleteSeqs: new Set(),
  groupChanged: new Set(),
  conversations: new Set(),
  problems: [],
});
