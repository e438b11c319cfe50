import { timeOrderedId, type MessageReactPayload, type SeqAnswer } from '@chitchat/shared';
import type { Store } from '../store/types';
import type { Actor } from './conversations';
import { spend, type DeviceRateLimits } from './device-limits';
import { refusalToError } from './errors';
import type { Fanout } from './fanout';
import type { MembershipCache } from './membership-cache';
import { actionableMessage } from './message-target';
import { publishEvent } from './publish';

export type ReactionsService = ReturnType<typeof createReactionsService>;

/**
 * `message:react` (issue #14): one reaction per person per message, logged as a `reaction` event
 * that refers to its target. The server checks shapes and rights only (DESIGN §10): which reaction
 * is current is folded by each client from the log (the last per sender and target wins).
 */
export function createReactionsService(deps: {
  store: Store;
  fanout: Fanout;
  members: MembershipCache;
  limits: Pick<DeviceRateLimits, 'send'>;
  now?: () => number;
}) {
  const { store, fanout, members, limits } = deps;
  const now = deps.now ?? Date.now;

  return {
    async react(actor: Actor, payload: MessageReactPayload): Promise<SeqAnswer> {
      // A repeat gets the first answer, whatever changed since (its rate, the target's delete).
      const first = await store.eventByOpId(actor.userId, payload.opId);
      if (first !== null) return { seq: first.seq };
      // One bucket with sends, edits and deletes (DESIGN §4 RATE_LIMIT_SEND).
      spend(limits.send, actor.deviceId, 'You are reacting too fast; wait a moment.');
      const { conversationId, targetSeq, emoji } = payload;
      await actionableMessage(store, actor, conversationId, targetSeq, 'reacted to');
      try {
        const event = await store.appendReference(
          conversationId,
          { type: 'reaction', payload: { targetSeq, emoji } },
          {
            id: timeOrderedId(),
            userId: actor.userId,
            deviceId: actor.deviceId,
            at: now(),
            opId: payload.opId,
          },
        );
        const snapshot = await members.current(conversationId);
        // The visibility rule holds live as in pages: a member whose periods miss the target
        // gets a hidden stub (../store/visibility.ts).
        if (snapshot !== null) publishEvent(fanout, event, snapshot.members);
        return { seq: event.seq };
      } catch (error) {
        return refusalToError(error);
      }
    },
  };
}
