import type { MessagePinPayload, SeqAnswer } from '@chitchat/shared';
import type { Actor } from './conversations';
import { requireEditInfoRight } from './group-rules';
import { createReferenceLog } from './reference-log';

export type PinsService = ReturnType<typeof createPinsService>;

/**
 * `message:pin` (issue #14): pins and unpins are logged as `pin` events that refer to their target.
 * The server keeps no pinned list (DESIGN §10): it checks shapes and rights, and each client folds
 * the current pins (at most PINNED_MESSAGES_MAX, the oldest dropping out) from the log. In groups
 * pinning is editing the group's info: `permissions.editInfo` says who may (./group-rules.ts).
 */
export function createPinsService(deps: Parameters<typeof createReferenceLog>[0]) {
  const logReference = createReferenceLog(deps);
  return {
    pin(actor: Actor, payload: MessagePinPayload): Promise<SeqAnswer> {
      const { targetSeq, pinned } = payload;
      return logReference(actor, payload, {
        verb: 'pinned',
        tooFast: 'You are pinning too fast; wait a moment.',
        allowed: ({ conversation, membership }) => requireEditInfoRight(conversation, membership),
        reference: () => ({ type: 'pin', payload: { targetSeq, pinned } }),
      });
    },
  };
}
