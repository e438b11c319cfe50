import { timeOrderedId, type SeqAnswer } from '@chitchat/shared';
import type { EventRecord, NewReference, Store } from '../store/types';
import type { Access } from './access';
import type { Actor } from './conversations';
import { spend, type DeviceRateLimits } from './device-limits';
import { refusalToError } from './errors';
import type { Fanout } from './fanout';
import type { MembershipCache } from './membership-cache';
import { actionableMessage } from './message-target';
import { publishEvent } from './publish';

/** What a referencing request names: the message it refers to, and its idempotency key. */
export interface ReferenceRequest {
  conversationId: string;
  targetSeq: number;
  opId: string;
}

/**
 * The one path of every referencing request (reactions, pins, votes; DESIGN §3 and §6): a repeated
 * opId gets its first answer; the RATE_LIMIT_SEND bucket; a target message the actor may act on;
 * the event appended (membership and target checked again in its transaction) and published, with
 * hidden stubs for members whose periods miss the target (../store/visibility.ts).
 */
export function createReferenceLog(deps: {
  store: Store;
  fanout: Fanout;
  members: MembershipCache;
  limits: Pick<DeviceRateLimits, 'send'>;
  now?: () => number;
}) {
  const { store, fanout, members, limits } = deps;
  const now = deps.now ?? Date.now;

  return async function logReference(
    actor: Actor,
    request: ReferenceRequest,
    how: {
      /** "reacted to", "pinned"...: names the action in a refusal. */
      verb: string;
      tooFast: string;
      /** Throws to refuse the actor here (a pin where only admins edit the group's info). */
      allowed?: (access: Access) => void;
      /** The event for this target; throws to refuse (a vote on a message without a poll). */
      reference: (target: Extract<EventRecord, { type: 'message' }>) => NewReference;
    },
  ): Promise<SeqAnswer> {
    // A repeat gets the first answer, whatever changed since (its rate, the target's delete).
    const first = await store.eventByOpId(actor.userId, request.opId);
    if (first !== null) return { seq: first.seq };
    spend(limits.send, actor.deviceId, how.tooFast);
    const { conversationId, targetSeq } = request;
    const { access, target } = await actionableMessage(
      store,
      actor,
      conversationId,
      targetSeq,
      how.verb,
    );
    how.allowed?.(access);
    const reference = how.reference(target);
    try {
      const event = await store.appendReference(conversationId, reference, {
        id: timeOrderedId(),
        userId: actor.userId,
        deviceId: actor.deviceId,
        at: now(),
        opId: request.opId,
      });
      const snapshot = await members.current(conversationId);
      if (snapshot !== null) publishEvent(fanout, event, snapshot.members);
      return { seq: event.seq };
    } catch (error) {
      return refusalToError(error);
    }
  };
}
