import {
  GROUP_MEMBERS_MAX,
  timeOrderedId,
  type ConversationSummary,
  type InvitationListAnswer,
} from '@chitchat/shared';
import type { Store } from '../store/types';
import { readAccess } from './access';
import type { Actor, ConversationsService } from './conversations';
import { ServiceError, forbidden, notFound } from './errors';
import type { Fanout } from './fanout';
import { invitationView } from './invitations';
import { directPeer, requestState } from './relationships';

export type RequestsService = ReturnType<typeof createRequestsService>;

/**
 * The answers to message requests and group invitations (DESIGN §3 "Relationships"). Every
 * operation is idempotent by its outcome: accepting what is accepted, or deleting what is deleted,
 * answers as the first call did and changes nothing.
 */
export function createRequestsService(deps: {
  store: Store;
  fanout: Fanout;
  conversations: ConversationsService;
  now?: () => number;
}) {
  const { store, fanout, conversations } = deps;
  const now = deps.now ?? Date.now;

  /** The requester of a direct chat the caller received as a request (else an error). */
  async function incomingRequest(userId: string, conversationId: string) {
    const { conversation } = await readAccess(store, conversationId, userId);
    const peer = await directPeer(store, conversation, userId);
    if (peer === null) throw new ServiceError('invalid_payload', 'Only direct chats are requests.');
    return { conversation, peer, state: await requestState(store, conversation, userId, peer) };
  }

  return {
    /** The recipient accepts: the requester becomes their contact, and sees receipts from now on. */
    async acceptRequest(actor: Actor, conversationId: string): Promise<ConversationSummary> {
      const { conversation, peer, state } = await incomingRequest(actor.userId, conversationId);
      if (state === 'outgoing') throw forbidden('Only the person who got the request accepts it.');
      if (state !== null) {
        await store.addContacts(actor.userId, [peer], now());
        await conversations.pushSummaries(conversation.id, [actor.userId, peer]);
      }
      return conversations.summaryFor(conversation.id, actor.userId);
    },

    /** The recipient deletes the request: hidden on their devices until the requester writes again. */
    async deleteRequest(actor: Actor, conversationId: string): Promise<ConversationSummary> {
      const { conversation, state } = await incomingRequest(actor.userId, conversationId);
      if (state === null || state === 'outgoing')
        throw new ServiceError('conflict', 'This chat is not a message request.');
      if (state === 'incoming') {
        await store.dismissRequest(actor.userId, conversation.id, conversation.lastSeq);
        await conversations.pushSummaries(conversation.id, [actor.userId]);
      }
      return conversations.summaryFor(conversation.id, actor.userId);
    },

    async listInvitations(userId: string): Promise<InvitationListAnswer> {
      const records = await store.invitationsOf(userId);
      const views = await Promise.all(records.map((r) => invitationView(store, r)));
      return { invitations: views.flatMap((v) => (v === null ? [] : [v])) };
    },

    /**
     * Joins the group as if the inviter added them now: the inviter must still be able to add
     * people (an owner or admin); otherwise the invitation lapses and is removed.
     */
    async acceptInvitation(actor: Actor, conversationId: string): Promise<ConversationSummary> {
      const membership = await store.getMembership(conversationId, actor.userId);
      const invitation = await store.getInvitation(conversationId, actor.userId);
      if (invitation === null) {
        if (membership?.active === true)
          return conversations.summaryFor(conversationId, actor.userId);
        throw notFound('No such invitation.');
      }
      const view = await invitationView(store, invitation);
      const inviter = await store.getMembership(conversationId, invitation.inviterId);
      const canAdd =
        inviter?.active === true && (inviter.role === 'owner' || inviter.role === 'admin');
      if (view === null || !canAdd) {
        await store.removeInvitation(conversationId, actor.userId);
        throw forbidden('This invitation is no longer valid.');
      }
      if ((await store.usersBlocking(invitation.inviterId, [actor.userId])).length > 0)
        throw forbidden('You cannot join this group.');
      if (view.memberCount + 1 > GROUP_MEMBERS_MAX)
        throw new ServiceError(
          'payload_too_large',
          `A group has at most ${GROUP_MEMBERS_MAX} members.`,
        );
      const events =
        membership?.active === true
          ? []
          : await store.changeGroup(
              conversationId,
              {
                id: timeOrderedId(),
                userId: invitation.inviterId,
                deviceId: null,
                at: now(),
              },
              { add: [actor.userId] },
            );
      await store.removeInvitation(conversationId, actor.userId);
      // Accepting an invitation makes the inviter a contact (DESIGN §3).
      await store.addContacts(actor.userId, [invitation.inviterId], now());
      await conversations.publishGroupEvents(conversationId, events, []);
      fanout.toUsers([actor.userId], 'invitation', { ...view, status: 'accepted' });
      return conversations.summaryFor(conversationId, actor.userId);
    },

    async declineInvitation(actor: Actor, conversationId: string): Promise<void> {
      const invitation = await store.getInvitation(conversationId, actor.userId);
      if (invitation === null) return;
      const view = await invitationView(store, invitation);
      if (await store.removeInvitation(conversationId, actor.userId)) {
        if (view !== null)
          fanout.toUsers([actor.userId], 'invitation', { ...view, status: 'declined' });
      }
    },
  };
}
