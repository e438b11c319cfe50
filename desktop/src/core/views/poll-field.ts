import type { MessageView } from '../../common/contract';
import type { EventRow, LocalStore } from '../local-store/index';
import { pollView, storedPoll } from '../poll-view';
import { nameOf } from './names';

/** The `poll` field of a message view: absent unless the message is a poll (not deleted). */
export function pollFieldOf(
  store: LocalStore,
  conversationId: string,
  seq: number | null,
  key: string | null,
  value: unknown,
  event?: EventRow,
): { poll?: MessageView['poll'] } {
  if (event !== undefined && (event.type !== 'message' || event.deleted_at !== null)) return {};
  const poll = storedPoll(value);
  if (poll === null) return {};
  return {
    poll: pollView(store, conversationId, { seq, key }, poll, (ids) => {
      const users = store.users(ids);
      return (id) => nameOf(store, users, id);
    }),
  };
}
