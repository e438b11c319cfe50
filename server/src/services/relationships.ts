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

/** The settings the one audience rule of DESIGN §3 serves: `everyone | contacts | nobody`. */
export type AudienceSetting = 'lastSeenVisibility' | 'photoVisibility' | 'aboutVisibility';

/**
 * The one audience rule: a setting admits a viewer unless the person blocked them; `everyone`
 * admits all, `contacts` those the person counts as contacts or shares a group with, `nobody` none.
 */
function admits(
  visibility: UserRecord[AudienceSetting],
  viewer: { blocked: boolean; close: boolean },
): boolean {
  if (viewer.blocked) return false;
  return visibility === 'everyone' || (visibility === 'contacts' && viewer.close);
}

/** Whether `user`'s `setting` admits the viewer it was made for. */
export type AudienceCheck = (user: UserRecord, setting: AudienceSetting) => boolean;

/**
 * The audience check of `viewerId` for each of `targets` (read once, asked per setting): nobody who
 * blocked the viewer, and within each one's setting (everyone; contacts = their contacts plus
 * members of a shared group; nobody). The viewer always sees themselves.
 */
export async function audienceOf(
  store: Store,
  viewerId: string,
  targets: readonly UserRecord[],
): Promise<AudienceCheck> {
  const ids = [...new Set(targets.map((u) => u.id))].filter((id) => id !== viewerId);
  const [blocking, contactOf, sharing] =
    ids.length === 0
      ? [[], [], []]
      : await Promise.all([
          store.usersBlocking(viewerId, ids),
          store.havingContact(viewerId, ids),
          store.sharingGroup(viewerId, ids),
        ]);
  const refused = new Set(blocking);
  const close = new Set([...contactOf, ...sharing]);
  return (user, setting) =>
    user.id === viewerId ||
    admits(user[setting], { blocked: refused.has(user.id), close: close.has(user.id) });
}

/** Of `targets`, those whose presence `watcherId` may see (`lastSeenVisibility`). */
export async function presenceAudience(
  store: Store,
  watcherId: string,
  targets: readonly UserRecord[],
): Promise<Set<string>> {
  const may = await audienceOf(store, watcherId, targets);
  return new Set(targets.filter((u) => may(u, 'lastSeenVisibility')).map((u) => u.id));
}

/**
 * The same rule from the other side: of `viewerIds`, those `target`'s `setting` admits (for pushing
 * one person's change to many viewers without asking once per viewer).
 */
export async function viewersAdmitted(
  store: Store,
  target: UserRecord,
  viewerIds: readonly string[],
  setting: AudienceSetting,
): Promise<Set<string>> {
  const others = [...new Set(viewerIds)].filter((id) => id !== target.id);
  if (others.length === 0) return new Set();
  const [blocked, contacts, sharing] = await Promise.all([
    store.blockedUserIds(target.id),
    store.contactsAmong(target.id, others),
    store.sharingGroup(target.id, others),
  ]);
  const refused = new Set(blocked);
  const close = new Set([...contacts, ...sharing]);
  return new Set(
    others.filter((id) =>
      admits(target[setting], { blocked: refused.has(id), close: close.has(id) }),
    ),
  );
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
