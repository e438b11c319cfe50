import type { EventRecord, Store } from '../store/types';
import { insidePeriods, writeAccess, type Access } from './access';
import type { Actor } from './conversations';
import { ServiceError, forbidden, notFound } from './errors';
import { blocks, directPeer } from './relationships';

/**
 * The message a current member acts on by its seq (an edit, a delete, a reaction, and any later
 * kind of referencing event): one they can see (inside their periods), still a message, not
 * deleted. `action` names the act for the refusal of a non-message ("Only messages can be ...").
 * In a direct chat, the peer's block refuses it (`refuseIfPeerBlocks`).
 */
export async function actionableMessage(
  store: Store,
  actor: Actor,
  conversationId: string,
  seq: number,
  action = 'edited or deleted',
): Promise<{ access: Access; target: Extract<EventRecord, { type: 'message' }> }> {
  const access = await writeAccess(store, conversationId, actor.userId);
  const target = seq <= access.visibleLastSeq ? await store.getEvent(conversationId, seq) : null;
  if (target === null || !insidePeriods(access.membership.periods, seq))
    throw notFound('No such message.');
  if (target.type !== 'message')
    throw new ServiceError('invalid_payload', `Only messages can be ${action}.`);
  if (target.deletedAt !== null)
    throw new ServiceError('conflict', 'This message was already deleted.');
  await refuseIfPeerBlocks(store, access, actor.userId);
  return { access, target };
}

/**
 * In a direct chat, nothing of someone blocked reaches the blocker: their sends (checked in the
 * appending transaction), and every event that refers to a message (edits, deletes, reactions and
 * any later kind) are refused here. Shared groups are unaffected.
 */
export async function refuseIfPeerBlocks(
  store: Store,
  access: Access,
  userId: string,
): Promise<void> {
  const peer = await directPeer(store, access.conversation, userId);
  if (peer !== null && (await blocks(store, peer, userId)))
    throw forbidden('You cannot write in this chat.');
}
