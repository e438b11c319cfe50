import { EDIT_WINDOW_MS } from '@chitchat/shared';
import type { MessageView } from '../../../common/contract';

/**
 * Own, not deleted, inside the edit window, and sent or still waiting to be (a pending message is
 * edited in the outbox: the engine resolves it to its seq); not a failed send or change, nor a poll
 * (votes name its options by index: the server refuses to change it).
 */
export const canEdit = (m: MessageView) =>
  m.own &&
  m.type === 'message' &&
  m.poll === undefined &&
  m.change === undefined &&
  m.deletedAt === null &&
  m.status !== 'failed' &&
  (m.seq !== null || m.status === 'pending') &&
  Date.now() - m.createdAt < EDIT_WINDOW_MS;

/** Sent, or one of your own still in the outbox (the reply waits for its seq). */
export const canReply = (m: MessageView) =>
  m.deletedAt === null &&
  m.change === undefined &&
  m.status !== 'failed' &&
  (m.seq !== null || m.status === 'pending');
