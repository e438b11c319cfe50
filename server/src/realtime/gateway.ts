import {
  TYPING_RATE_PER_SECOND,
  accountSetSchema,
  accountStateSchema,
  conversationDirectSchema,
  conversationListSchema,
  conversationMembersSchema,
  conversationSettingsSchema,
  eventsAfterSchema,
  eventsBeforeSchema,
  groupCreateSchema,
  groupLeaveSchema,
  groupUpdateSchema,
  invitationActionSchema,
  invitationListSchema,
  messageDeleteSchema,
  messageEditSchema,
  messagePinSchema,
  messageReactSchema,
  messageSendSchema,
  playedListSchema,
  playedReceiptSchema,
  pollVoteSchema,
  presenceWatchSchema,
  receiptSchema,
  requestActionSchema,
  typingSchema,
  inviteLinkCreateSchema,
  inviteLinkJoinSchema,
  inviteLinkListSchema,
  inviteLinkPreviewSchema,
  inviteLinkRevokeSchema,
  joinRequestAnswerSchema,
  joinRequestCancelSchema,
  joinRequestListSchema,
} from '@chitchat/shared';
import type { Metrics } from '../http/metrics';
import type { Logger } from '../logger';
import type { AccountStateService } from '../services/account-state';
import type { ConversationsService } from '../services/conversations';
import type { InviteLinksService } from '../services/invite-links';
import { spend, type DeviceRateLimits } from '../services/device-limits';
import { ServiceError } from '../services/errors';
import type { MessagingService } from '../services/messaging';
import type { PollsService } from '../services/polls';
import type { PresenceService } from '../services/presence';
import type { PinsService } from '../services/pins';
import type { ReactionsService } from '../services/reactions';
import type { RequestsService } from '../services/requests';
import type { VoiceService } from '../services/voice';
import { TokenBuckets } from '../services/token-bucket';
import { presenceRoom } from './fanout';
import { onRequest, onSignal } from './handle';
import { deviceRoom, userProtocolRoom, userRoom, type ChatServer } from './types';

export interface GatewayDeps {
  accountState: AccountStateService;
  conversations: ConversationsService;
  inviteLinks: InviteLinksService;
  messaging: MessagingService;
  polls: PollsService;
  presence: PresenceService;
  reactions: ReactionsService;
  pins: PinsService;
  requests: RequestsService;
  voice: VoiceService;
  limits: DeviceRateLimits;
  logger: Logger;
  metrics: Metrics;
}

/** Wires every client -> server event of the protocol to its service, per connected socket. */
export function attachGateway(io: ChatServer, deps: GatewayDeps): void {
  const {
    accountState,
    conversations,
    messaging,
    pins,
    polls,
    presence,
    reactions,
    requests,
    voice,
  } = deps;
  const { limits, logger, metrics } = deps;
  const typingLimiter = new TokenBuckets(TYPING_RATE_PER_SECOND, TYPING_RATE_PER_SECOND * 2);
  // Answers to requests and invitations change memberships and relationships: the group bucket.
  const limitRelationships = (deviceId: string) => {
    spend(limits.group, deviceId, 'Too many answers to requests and invitations; wait a moment.');
  };

  io.on('connection', (socket) => {
    const { userId, deviceId, protocol } = socket.data;
    const actor = { userId, deviceId };
    const handlerDeps = { logger, metrics };
    void socket.join([userRoom(userId), userProtocolRoom(userId, protocol), deviceRoom(deviceId)]);
    metrics.socketsConnected.inc();
    presence.connected(userId, deviceId, socket.id).catch((error: unknown) => {
      logger.error({ err: error, userId }, 'presence update failed');
    });
    socket.on('disconnect', () => {
      metrics.socketsConnected.dec();
      presence.disconnected(userId, deviceId, socket.id).catch((error: unknown) => {
        logger.error({ err: error, userId }, 'presence update failed');
      });
    });

    onRequest(socket, handlerDeps, 'conversation:list', conversationListSchema, (p) =>
      conversations.list(userId, p.since),
    );
    onRequest(socket, handlerDeps, 'conversation:members', conversationMembersSchema, (p) =>
      conversations.members(userId, p.conversationId),
    );
    onRequest(socket, handlerDeps, 'conversation:direct', conversationDirectSchema, (p) =>
      conversations.direct(actor, p.userId),
    );
    // Muting lives in the account state now (mute:<conversationId>); this is the older apps' way.
    onRequest(
      socket,
      handlerDeps,
      'conversation:settings',
      conversationSettingsSchema,
      async (p) => {
        await accountState.setMuted(actor, p.conversationId, p.muted);
        return conversations.summaryFor(p.conversationId, userId);
      },
    );
    onRequest(socket, handlerDeps, 'group:create', groupCreateSchema, (p) =>
      conversations.createGroup(actor, p),
    );
    onRequest(socket, handlerDeps, 'group:update', groupUpdateSchema, (p) =>
      conversations.updateGroup(actor, p),
    );
    onRequest(socket, handlerDeps, 'group:leave', groupLeaveSchema, async (p) => {
      await conversations.leaveGroup(actor, p.conversationId, p.opId);
      return {};
    });
    onRequest(socket, handlerDeps, 'message:send', messageSendSchema, (p) =>
      messaging.send(actor, p),
    );
    onRequest(socket, handlerDeps, 'message:edit', messageEditSchema, (p) =>
      messaging.edit(actor, p),
    );
    onRequest(socket, handlerDeps, 'message:delete', messageDeleteSchema, (p) =>
      messaging.delete(actor, p),
    );
    onRequest(socket, handlerDeps, 'message:react', messageReactSchema, (p) =>
      reactions.react(actor, p),
    );
    onRequest(socket, handlerDeps, 'message:pin', messagePinSchema, (p) => pins.pin(actor, p));
    onRequest(socket, handlerDeps, 'poll:vote', pollVoteSchema, (p) => polls.vote(actor, p));
    onRequest(socket, handlerDeps, 'events:after', eventsAfterSchema, (p) =>
      messaging.eventsAfter(userId, p.conversationId, p.afterSeq, p.limit, protocol),
    );
    onRequest(socket, handlerDeps, 'events:before', eventsBeforeSchema, (p) =>
      messaging.eventsBefore(userId, p.conversationId, p.beforeSeq, p.limit, protocol),
    );
    onRequest(socket, handlerDeps, 'receipt:delivered', receiptSchema, (p) =>
      messaging.receipt(actor, p.conversationId, p.seq, 'delivered'),
    );
    onRequest(socket, handlerDeps, 'receipt:read', receiptSchema, (p) =>
      messaging.receipt(actor, p.conversationId, p.seq, 'read'),
    );
    onRequest(socket, handlerDeps, 'receipt:played', playedReceiptSchema, (p) =>
      voice.played(actor, p),
    );
    onRequest(socket, handlerDeps, 'played:list', playedListSchema, (p) => voice.list(userId, p));
    onRequest(socket, handlerDeps, 'presence:watch', presenceWatchSchema, async (p) => {
      spend(limits.presence, deviceId, 'You are changing whom you watch too often; wait a moment.');
      const allowed = await presence.watchable(userId, p.userIds);
      // Each watch replaces the previous set.
      for (const room of socket.rooms) if (room.startsWith('presence:')) void socket.leave(room);
      await socket.join(allowed.map(presenceRoom));
      return { presence: await presence.lookup(allowed) };
    });

    onRequest(socket, handlerDeps, 'request:accept', requestActionSchema, async (p) => {
      limitRelationships(deviceId);
      return requests.acceptRequest(actor, p.conversationId);
    });
    onRequest(socket, handlerDeps, 'request:delete', requestActionSchema, async (p) => {
      limitRelationships(deviceId);
      return requests.deleteRequest(actor, p.conversationId);
    });
    onRequest(socket, handlerDeps, 'invitation:list', invitationListSchema, () =>
      requests.listInvitations(userId),
    );
    onRequest(socket, handlerDeps, 'invitation:accept', invitationActionSchema, async (p) => {
      limitRelationships(deviceId);
      return requests.acceptInvitation(actor, p.conversationId);
    });
    onRequest(socket, handlerDeps, 'invitation:decline', invitationActionSchema, async (p) => {
      limitRelationships(deviceId);
      await requests.declineInvitation(actor, p.conversationId);
      return {};
    });

    // Invite links and join requests (issue #15); changes spend the group bucket in the service.
    const { inviteLinks } = deps;
    onRequest(socket, handlerDeps, 'invite-link:create', inviteLinkCreateSchema, (p) =>
      inviteLinks.create(actor, p),
    );
    onRequest(socket, handlerDeps, 'invite-link:list', inviteLinkListSchema, (p) =>
      inviteLinks.list(actor, p.conversationId),
    );
    onRequest(socket, handlerDeps, 'invite-link:revoke', inviteLinkRevokeSchema, (p) =>
      inviteLinks.revoke(actor, p.conversationId, p.code),
    );
    onRequest(socket, handlerDeps, 'invite-link:preview', inviteLinkPreviewSchema, (p) =>
      inviteLinks.preview(actor, p.code),
    );
    onRequest(socket, handlerDeps, 'invite-link:join', inviteLinkJoinSchema, (p) =>
      inviteLinks.join(actor, p.code),
    );
    onRequest(socket, handlerDeps, 'join-request:list', joinRequestListSchema, (p) =>
      inviteLinks.requests(actor, p.conversationId),
    );
    onRequest(socket, handlerDeps, 'join-request:answer', joinRequestAnswerSchema, (p) =>
      inviteLinks.answer(actor, p),
    );
    onRequest(socket, handlerDeps, 'join-request:cancel', joinRequestCancelSchema, (p) =>
      inviteLinks.cancel(actor, p.conversationId),
    );

    onRequest(socket, handlerDeps, 'account:state', accountStateSchema, (p) =>
      accountState.state(userId, p.since, p.limit),
    );
    onRequest(socket, handlerDeps, 'account:set', accountSetSchema, (p) =>
      accountState.set(actor, p),
    );

    // Typing is ephemeral: over the rate it is refused (and dropped); the ack is optional.
    onSignal(socket, handlerDeps, 'typing', typingSchema, async (p) => {
      if (!typingLimiter.take(deviceId))
        throw new ServiceError('rate_limited', 'Typing signals are limited.');
      await messaging.typing(userId, p.conversationId, p.typing);
      return {};
    });
  });
}
