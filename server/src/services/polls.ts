import { timeOrderedId, type PollVoteRequest, type SeqAnswer } from '@chitchat/shared';
import type { Store } from '../store/types';
import type { Actor } from './conversations';
import { spend, type DeviceRateLimits } from './device-limits';
import { ServiceError, refusalToError } from './errors';
import type { Fanout } from './fanout';
import type { MembershipCache } from './membership-cache';
import { publishEvent } from './publish';
import { actionableMessage } from './message-target';

export type PollsService = ReturnType<typeof createPollsService>;

const invalid = (message: string) => new ServiceError('invalid_payload', message);

/**
 * Votes on polls (`poll:vote` -> `poll_vote` events). The server checks what it can without
 * reading text (DESIGN §10): the voter is a current member who can see the poll, the poll is not
 * deleted, the option indexes exist and a single-choice poll gets at most one. Each vote is the
 * voter's whole choice; the engine keeps the last one per person (DESIGN §3), so the server stores
 * no tally.
 */
export function createPollsService(deps: {
  store: Store;
  fanout: Fanout;
  limits: Pick<DeviceRateLimits, 'send'>;
  /** Shared with the other services: one copy of each conversation's members. */
  members: MembershipCache;
  now?: () => number;
}) {
  const { store, fanout, limits, members } = deps;
  const now = deps.now ?? Date.now;

  return {
    async vote(actor: Actor, request: PollVoteRequest): Promise<SeqAnswer> {
      const first = await store.eventByOpId(actor.userId, request.opId);
      if (first !== null) return { seq: first.seq };
      // One bucket with sends (DESIGN §4): a vote reaches every member like a message.
      spend(limits.send, actor.deviceId, 'You are voting too fast; wait a moment.');
      const { conversationId, targetSeq } = request;
      // A poll the voter can see, not deleted; in a direct chat the peer's block refuses it.
      const { target } = await actionableMessage(
        store,
        actor,
        conversationId,
        targetSeq,
        'voted on',
      );
      const poll = target.type === 'message' ? target.payload.poll : undefined;
      if (poll === undefined) throw invalid('Only polls can be voted on.');
      if (request.options.some((index) => index >= poll.options.length))
        throw invalid(`This poll has ${poll.options.length} options.`);
      if (!poll.multiple && request.options.length > 1)
        throw invalid('This poll takes one answer.');
      try {
        const event = await store.appendReference(
          conversationId,
          {
            type: 'poll_vote',
            payload: { targetSeq, options: [...request.options].sort((a, b) => a - b) },
          },
          {
            id: timeOrderedId(),
            userId: actor.userId,
            deviceId: actor.deviceId,
            at: now(),
            opId: request.opId,
          },
        );
        const snapshot = await members.current(conversationId);
        if (snapshot !== null) publishEvent(fanout, event, snapshot.members);
        return { seq: event.seq };
      } catch (error) {
        return refusalToError(error);
      }
    },
  };
}
