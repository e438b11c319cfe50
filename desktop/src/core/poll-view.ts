import { pollSchema, type Poll } from '@chitchat/shared';
import type { PollView } from '../common/contract';
import type { LocalStore, VotePayload } from './local-store/index';

/** A message payload's poll as stored, or null when it holds none (or a malformed one). */
export function storedPoll(value: unknown): Poll | null {
  if (value === undefined) return null;
  const parsed = pollSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Option indexes of a vote, kept only when they name options of this poll. */
function validChoice(poll: Poll, options: unknown): number[] {
  if (!Array.isArray(options)) return [];
  const chosen = options.filter(
    (i): i is number => Number.isInteger(i) && i >= 0 && i < poll.options.length,
  );
  return poll.multiple ? chosen : chosen.slice(0, 1);
}

/**
 * The poll's results as this device knows them: each person's latest vote (`poll_votes`, folded as
 * events arrive, in any order), with your own newest choice from the outbox on top while it waits
 * there, so a vote shows at once and offline. `target` is the poll's seq, and its key (clientMsgId)
 * which names it in votes cast while it was still pending.
 */
export function pollView(
  store: LocalStore,
  conversationId: string,
  target: { seq: number | null; key: string | null },
  poll: Poll,
  namesOf: (userIds: string[]) => (userId: string) => string,
): PollView {
  const choices = new Map<string, number[]>();
  if (target.seq !== null) {
    for (const vote of store.pollVotes(conversationId, target.seq))
      choices.set(vote.user_id, validChoice(poll, JSON.parse(vote.options)));
  }
  let pending = false;
  for (const entry of store.outbox(conversationId)) {
    if (entry.kind !== 'vote' || entry.state === 'failed') continue;
    const vote = JSON.parse(entry.payload) as VotePayload;
    const aimed =
      (target.seq !== null && vote.seq === target.seq) ||
      (target.key !== null && vote.targetKey === target.key);
    if (!aimed) continue;
    // Entries are in the order they were cast: the last one is the current choice.
    choices.delete(store.userId);
    choices.set(store.userId, validChoice(poll, vote.options));
    pending = true;
  }
  const nameOf = namesOf([...choices.keys()]);
  const options = poll.options.map((text) => ({
    text,
    votes: 0,
    mine: false,
    voters: [] as { userId: string; name: string }[],
  }));
  let voterCount = 0;
  for (const [userId, chosen] of choices) {
    if (chosen.length > 0) voterCount++;
    for (const index of chosen) {
      const option = options[index];
      if (option === undefined) continue;
      option.votes++;
      option.voters.push({ userId, name: nameOf(userId) });
      if (userId === store.userId) option.mine = true;
    }
  }
  return { question: poll.question, multiple: poll.multiple, options, voterCount, pending };
}
