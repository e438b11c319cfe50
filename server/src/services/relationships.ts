import type { RequestState } from '@chitchat/shared';
import type { ConversationRecord, Store, UserRecord } from '../store/types';

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
  /**
   * A voice note's played mark: as `read`, except that the read-receipts switch leaves it on (as
   * WhatsApp: turning read receipts off never hides play receipts).
   */
  played: boolean;
}

export async function peerMarksVisibility(
  store: Store,
  conversation: ConversationRecord,
  viewerId: string,
  peerId: string,
): Promise<MarksVisibility> {
  if (await blockedEitherWay(store, viewerId, peerId))
    return { delivered: false, read: false, played: false };
  // A requester sees sent and delivered ticks only, until the recipient replies or accepts.
  if ((await requestState(store, conversation, viewerId, peerId)) === 'outgoing')
    return { delivered: true, read: false, played: false };
  // Read receipts off on either side: delivered only, both ways (DESIGN §3, as WhatsApp).
  const [viewer, peer] = await Promise.all([store.getUser(viewerId), store.getUser(peerId)]);
  const receipts = viewer?.readReceipts !== false && peer?.readReceipts !== false;
  return { delivered: true, read: receipts, played: true };
}

/**
 * The message-request state of a direct chat as `viewerId` sees it. The person who opened the chat
 * is the requester: it is a request while they are not among the recipient's contacts (they become
 * one when the recipient replies, accepts, adds them to a group or accepts their invitation).
 */
export async function requestState(
  store: Store,
  conversation: ConversationRecord,
  viewerId: string,
  peerId: string,
): Promise<RequestState | null> {
  if (conversation.kind !== 'direct') return null;
  if (conversation.createdBy === viewerId) {
    const accepted = await store.contactsAmong(peerId, [viewerId]);
    return accepted.length > 0 ? null : 'outgoing';
  }
  const accepted = await store.contactsAmong(viewerId, [peerId]);
  if (accepted.length > 0) return null;
  const dismissedUpTo = await store.dismissedRequestSeq(viewerId, conversation.id);
  return dismissedUpTo !== null && conversation.lastSeq <= dismissedUpTo ? 'deleted' : 'incoming';
}

/**
 * Of `targets`, those whose presence `watcherId` may see: nobody blocked by them, and within each
 * one's `lastSeenVisibility` (everyone; contacts = their contacts plus members of a shared group;
 * nobody). The watcher always sees themselves.
 */
export async function presenceAudience(
  store: Store,
  watcherId: string,
  targets: readonly UserRecord[],
): Promise<Set<string>> {
  const others = targets.filter((u) => u.id !== watcherId);
  const ids = others.map((u) => u.id);
  const [blocking, contactOf, sharing] = await Promise.all([
    store.usersBlocking(watcherId, ids),
    store.havingContact(watcherId, ids),
    store.sharingGroup(watcherId, ids),
  ]);
  const refused = new Set(blocking);
  const close = new Set([...contactOf, ...sharing]);
  const allowed = new Set(targets.filter((u) => u.id === watcherId).map((u) => u.id));
  for (const user of others) {
    if (refused.has(user.id)) continue;
    const visibility = user.lastSeenVisibility;
    if (visibility === 'everyone' || (visibility === 'contacts' && close.has(user.id)))
      allowed.add(user.id);
  }
  return allowed;
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
