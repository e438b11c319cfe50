import type { PollVoteRequest, SeqAnswer } from '@chitchat/shared';
import type { Actor } from './conversations';
import { ServiceError } from './errors';
import { createReferenceLog } from './reference-log';

export type PollsService = ReturnType<typeof createPollsService>;

const invalid = (message: string) => new ServiceError('invalid_payload', message);

/**
 * Votes on polls (`poll:vote` -> `poll_vote` events). The server checks what it can without
 * reading text (DESIGN §10): the voter is a current member who can see the poll, the poll is not
 * deleted, the option indexes exist and a single-choice poll gets at most one. Each vote is the
 * voter's whole choice; the engine keeps the last one per person (DESIGN §3), so the server stores
 * no tally.
 */
export function createPollsService(deps: Parameters<typeof createReferenceLog>[0]) {
  const logReference = createReferenceLog(deps);
  return {
    vote(actor: Actor, request: PollVoteRequest): Promise<SeqAnswer> {
      const { targetSeq } = request;
      return logReference(actor, request, {
        verb: 'voted on',
        tooFast: 'You are voting too fast; wait a moment.',
        // A poll the voter can see, not deleted; in a direct chat the peer's block refuses it.
        reference: (target) => {
          const poll = target.payload.poll;
          if (poll === undefined) throw invalid('Only polls can be voted on.');
          if (request.options.some((index) => index >= poll.options.length))
            throw invalid(`This poll has ${poll.options.length} options.`);
          if (!poll.multiple && request.options.length > 1)
            throw invalid('This poll takes one answer.');
          const options = [...request.options].sort((a, b) => a - b);
          return { type: 'poll_vote', payload: { targetSeq, options } };
        },
      });
    },
  };
}
