import { ACCOUNT_SET_CHANGES_MAX, accountKey, timeOrderedId } from '@chitchat/shared';
import type { StarredMessage } from '../common/contract';
import { ChatClientError } from './client-errors';
import type { ClientContext, ClientParts } from './client-parts';

/*
 * Starred messages and delete for me: the account state (DESIGN §3), private to the person and
 * on all their devices. A change applies to the local copy at once and waits in the account
 * outbox (local-store/account-state.ts) until the server acknowledges it, so it works offline.
 */

/** Throws unless `seq` is a message of the conversation this device holds. */
function requireMessage({ store }: ClientParts, conversationId: string, seq: number): void {
  const event = store.eventAt(conversationId, seq);
  if (event === null || event.type !== 'message')
    throw new ChatClientError('not_found', 'No such message.');
}

function change(
  ctx: ClientContext,
  conversationId: string,
  changes: { key: string; value: true | null }[],
) {
  ctx.store.account.setLocal(changes, timeOrderedId(), Date.now());
  ctx.messagesChanged(conversationId);
  ctx.listChanged();
  // Offline, the flush stops at once and the next sync sends the change.
  void ctx.engine.account.flush();
}

export function setStarred(
  ctx: ClientContext,
  input: { conversationId: string; seq: number; starred: boolean },
): void {
  requireMessage(ctx, input.conversationId, input.seq);
  change(ctx, input.conversationId, [
    {
      key: accountKey('star', input.conversationId, input.seq),
      value: input.starred ? true : null,
    },
  ]);
}

export function deleteForMe(
  ctx: ClientContext,
  input: { conversationId: string; seqs: number[] },
): void {
  const seqs = [...new Set(input.seqs)];
  if (seqs.length === 0 || seqs.length > ACCOUNT_SET_CHANGES_MAX)
    throw new ChatClientError(
      'invalid_payload',
      `Delete between 1 and ${ACCOUNT_SET_CHANGES_MAX} messages at a time.`,
    );
  for (const seq of seqs) requireMessage(ctx, input.conversationId, seq);
  change(
    ctx,
    input.conversationId,
    seqs.map((seq) => ({ key: accountKey('deleted', input.conversationId, seq), value: true })),
  );
}

/** Starred messages this device holds, most recently starred first (deleted for me left out). */
export function listStarred({ store, views }: ClientParts): StarredMessage[] {
  const starred: StarredMessage[] = [];
  for (const { conversation_id: conversationId, seq } of store.account.starred()) {
    const row = store.conversation(conversationId);
    const event = store.eventAt(conversationId, seq);
    if (row === null || event === null || store.account.isDeletedForMe(conversationId, seq))
      continue;
    const [message] = views.page(row, [event], false);
    if (message === undefined) continue;
    starred.push({
      conversationId,
      conversationTitle: views.conversation(row, []).title,
      message,
    });
  }
  return starred;
}
