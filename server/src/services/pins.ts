import { timeOrderedId, type MessagePinPayload, type SeqAnswer } from '@chitchat/shared';
import type { Store } from '../store/types';
import type { Actor } from './conversations';
import { spend, type DeviceRateLimits } from './device-limits';
import { refusalToError } from './errors';
import type { Fanout } from './fanout';
import type { MembershipCache } from './membership-cache';
import { actionableMessage } from './message-target';
import { publishEvent } from './publish';

export type PinsService = ReturnType<typeof createPinsService>;

/**
 * `message:pin` (issue #14): pins and unpins are logged as `pin` events that refer to their target.
 * The server keeps no pinned list (DESIGN §10): it checks shapes and rights, and each client folds
 * the current pins (at most PINNED_MESSAGES_MAX, the oldest dropping out) from the log. In groups
 * every member may pin until group permissions (#15) say otherwise.
 */
export function createPinsService(deps: {
  store: Store;
  fanout: Fanout;
  members: MembershipCache;
  limits: Pick<DeviceRateLimits, 'send'>;
  now?: () => number;
}) {
  const { store, fanout, members, limits } = deps;
  const now = deps.now ?? Date.now;

  return {
    async pin(actor: Actor, payload: MessagePinPayload): Promise<SeqAnswer> {
      // A repeat gets the first answer, whatever changed since (its rate, the target's delete).
      const first = await store.eventByOpId(actor.userId, payload.opId);
      if (first !== null) return { seq: first.seq };
      // One bucket with sends, edits, deletes and reactions (DESIGN §4 RATE_LIMIT_SEND).
      spend(limits.send, actor.deviceId, 'You are pinning too fast; wait a moment.');
      const { conversationId, targetSeq, pinned } = payload;
      await actionableMessage(store, actor, conversationId, targetSeq, 'pinned');
      try {
        const event = await store.appendReference(
          conversationId,
          { type: 'pin', payload: { targetSeq, pinned } },
          {
            id: timeOrderedId(),
            userId: actor.userId,
            deviceId: actor.deviceId,
            at: now(),
            opId: payload.opId,
          },
        );
        const snapshot = await members.current(conversationId);
        // Members whose periods miss the target get a hidden stub, live as in pages.
        if (snapshot !== null) publishEvent(fanout, event, snapshot.members);
        return { seq: event.seq };
      } catch (error) {
        return refusalToError(error);
      }
    },
  };
}
