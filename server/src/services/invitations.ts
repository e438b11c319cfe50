import type { GroupInvitation } from '@chitchat/shared';
import type { InvitationRecord, Store } from '../store/types';
import { toPublicUser } from './accounts';

/** An invitation as its invitee sees it; null when the group or the inviter is gone. */
export async function invitationView(
  store: Store,
  record: InvitationRecord,
): Promise<GroupInvitation | null> {
  const [conversation, inviter, members] = await Promise.all([
    store.getConversation(record.conversationId),
    store.getUser(record.inviterId),
    store.activeMembers(record.conversationId),
  ]);
  if (conversation === null || inviter === null) return null;
  return {
    conversationId: conversation.id,
    title: conversation.title,
    inviter: toPublicUser(inviter),
    memberCount: members.length,
    createdAt: record.createdAt,
  };
}

/**
 * Splits the people `actorId` adds to a group: those who accept adds from them (`groupAdds:
 * everyone`, or the actor is among their contacts) are added; the others get an invitation.
 */
export async function splitAdds(
  store: Store,
  actorId: string,
  userIds: readonly string[],
): Promise<{ add: string[]; invite: string[] }> {
  if (userIds.length === 0) return { add: [], invite: [] };
  const [users, trusting] = await Promise.all([
    store.getUsers(userIds),
    store.havingContact(actorId, userIds),
  ]);
  const narrow = new Set(users.filter((u) => u.groupAdds === 'contacts').map((u) => u.id));
  const trusted = new Set(trusting);
  const invite = userIds.filter((id) => narrow.has(id) && !trusted.has(id));
  const invited = new Set(invite);
  return { add: userIds.filter((id) => !invited.has(id)), invite };
}
