import { EDIT_WINDOW_MS } from '@chitchat/shared';
import type { MessageView } from '../../../common/contract';

/** Own, sent, not deleted and still inside the edit window. */
export const canEdit = (m: MessageView) =>
  m.own &&
  m.seq !== null &&
  m.deletedAt === null &&
  m.status !== 'pending' &&
  Date.now() - m.createdAt < EDIT_WINDOW_MS;
