import type { ConversationRecord, Store } from '../store/types';

/**
 * The rules between two people (DESIGN §3 "Relationships", §6.5): blocks, and later contacts,
 * message requests and group invitations. Every service that lets one person's action reach another
 * asks here, so a new kind of event (reactions, pins, votes) inherits the same rules.
 */

/** The other member of a direct chat, or null for groups. */
export async function directPeer(
  store: Store,
  conversation: ConversationRecord,
  userId: string,
): Promise<string | null> {
  if (conversation.kind !== 'direct') return null;
  const members = await store.activeMembers(conversation.id);
  return members.find((m) => m.userId !== userId)?.userId ?? null;
}

/** True when `blockerId` has blocked `userId`. */
export async function blocks(store: Store, blockerId: string, userId: string): Promise<boolean> {
  return (await store.usersBlocking(userId, [blockerId])).length > 0;
}

/** True when either of the two has blocked the other. */
export async function blockedEitherWay(store: Store, a: string, b: string): Promise<boolean> {
  const [ab, ba] = await Promise.all([blocks(store, a, b), blocks(store, b, a)]);
  return ab || ba;
}

/** Which of a direct-chat peer's watermarks the viewer may see. */
export interface MarksVisibility {
  delivered: boolean;
  read: boolean;
}

export async function peerMarksVisibility(
  store: Store,
  viewerId: string,
  peerId: string,
): Promise<MarksVisibility> {
  if (await blockedEitherWay(store, viewerId, peerId)) return { delivered: false, read: false };
  return { delivered: true, read: true };
}

/**
 * A member's public watermarks as `viewerId` may see them: a hidden mark reads 0 (clients keep the
 * highest mark they were told, so a mark hidden later does not turn ticks back).
 */
export function maskMarks<M extends { userId: string; deliveredSeq: number; receiptSeq: number }>(
  member: M,
  viewerId: string,
  visibility: MarksVisibility,
): M {
  if (member.userId === viewerId) return member;
  return {
    ...member,
    deliveredSeq: visibility.delivered ? member.deliveredSeq : 0,
    receiptSeq: visibility.read ? member.receiptSeq : 0,
  };
}
