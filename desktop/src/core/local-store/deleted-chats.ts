import { chatKey } from '@chitchat/shared';

/*
 * Groups deleted for me (issue #15): the account-state entry `deletedchat:<conversationId>` holds
 * the last seq the person could see when they deleted the group after exiting it. The chat stays
 * out of the list while its lastSeq is at or below it, and nothing at or below it shows again,
 * so a re-add brings the chat back with the new membership period only (DESIGN §3, account state).
 */

/**
 * SQL: the event (table alias `alias`) lies above its chat's deletion. The effective value is the
 * change waiting here if there is one (a removal waits as NULL), else the server's entry.
 */
export const aboveDeletedChat = (alias: string): string => {
  const key = `'deletedchat:' || ${alias}.conversation_id`;
  return `${alias}.seq > COALESCE(
    (SELECT CAST(value AS INTEGER) FROM account_pending WHERE key = ${key}),
    (SELECT CAST(value AS INTEGER) FROM account_entries WHERE key = ${key}
       AND NOT EXISTS (SELECT 1 FROM account_pending WHERE key = ${key})),
    0)`;
};

/** The seq up to which the person deleted this chat for themselves, or 0. */
export function deletedUpTo(
  account: { value(key: string): unknown },
  conversationId: string,
): number {
  const value = account.value(chatKey('deletedchat', conversationId));
  return typeof value === 'number' ? value : 0;
}

/** Whether the chat list leaves this chat out: deleted for me, and nothing new since. */
export const hiddenFromList = (
  account: { value(key: string): unknown },
  row: { id: string; last_seq: number },
): boolean => {
  const upTo = deletedUpTo(account, row.id);
  return upTo > 0 && row.last_seq <= upTo;
};
