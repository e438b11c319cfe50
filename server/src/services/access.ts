import type { ConversationRecord, MembershipRecord, Period, Store } from '../store/types';
import { seqInsidePeriods } from '../store/periods';
import { forbidden, notFound } from './errors';

export interface Access {
  conversation: ConversationRecord;
  membership: MembershipRecord;
  /** The newest seq this member may see: the conversation's, capped at their leftSeq once they left. */
  visibleLastSeq: number;
}

export function visibleLastSeq(
  conversation: ConversationRecord,
  membership: MembershipRecord,
): number {
  if (membership.active) return conversation.lastSeq;
  const last = membership.periods.at(-1);
  return Math.min(conversation.lastSeq, last?.leftSeq ?? 0);
}

/** Whether `seq` is inside the member's periods: a binary search, however often they rejoined. */
export const insidePeriods = (periods: readonly Period[], seq: number) =>
  seqInsidePeriods(periods, seq);

/** Where the member's current (last) period began: ticks of earlier messages never wait for them. */
export const currentJoinedSeq = (membership: MembershipRecord): number =>
  membership.periods.at(-1)?.joinedSeq ?? 0;

/** Current members whose period covers `seq` (excludes anyone added after it). */
export const coveringMembers = (members: readonly MembershipRecord[], seq: number) =>
  members.filter((m) => insidePeriods(m.periods, seq)).map((m) => m.userId);

const NOT_FOUND = 'No such conversation.';

/** Someone who is or was a member (reads of history); anyone else gets `not_found`. */
export async function readAccess(
  store: Store,
  conversationId: string,
  userId: string,
): Promise<Access> {
  const [conversation, membership] = await Promise.all([
    store.getConversation(conversationId),
    store.getMembership(conversationId, userId),
  ]);
  if (conversation === null || membership === null) throw notFound(NOT_FOUND);
  return { conversation, membership, visibleLastSeq: visibleLastSeq(conversation, membership) };
}

/** A current member (writes); a former member gets `forbidden`, anyone else `not_found`. */
export async function writeAccess(
  store: Store,
  conversationId: string,
  userId: string,
): Promise<Access> {
  const access = await readAccess(store, conversationId, userId);
  if (!access.membership.active)
    throw forbidden('You are no longer a member of this conversation.');
  return access;
}
