import type { MessageReactPayload, SeqAnswer } from '@chitchat/shared';
import type { Actor } from './conversations';
import { createReferenceLog } from './reference-log';

export type ReactionsService = ReturnType<typeof createReactionsService>;

/**
 * `message:react` (issue #14): one reaction per person per message, logged as a `reaction` event
 * that refers to its target. The server checks shapes and rights only (DESIGN §10): which reaction
 * is current is folded by each client from the log (the last per sender and target wins).
 */
export function createReactionsService(deps: Parameters<typeof createReferenceLog>[0]) {
  const logReference = createReferenceLog(deps);
  return {
    react(actor: Actor, payload: MessageReactPayload): Promise<SeqAnswer> {
      const { targetSeq, emoji } = payload;
      return logReference(actor, payload, {
        verb: 'reacted to',
        tooFast: 'You are reacting too fast; wait a moment.',
        reference: () => ({ type: 'reaction', payload: { targetSeq, emoji } }),
      });
    },
  };
}
