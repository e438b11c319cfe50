import { randomBytes } from 'node:crypto';
import {
  GROUP_MEMBERS_MAX,
  INVITE_LINKS_MAX,
  INVITE_LINK_PATH,
  timeOrderedId,
  type EmptyAnswer,
  type InviteLink,
  type InviteLinkJoinAnswer,
  type InviteLinkPreview,
  type JoinRequest,
  type JoinRequestUpdate,
} from '@chitchat/shared';
import type { InviteLinkRecord, JoinRequestRecord } from '../store/group-link-types';
import type { Store } from '../store/types';
import { writeAccess } from './access';
import { toPublicUser } from './accounts';
import type { Actor, ConversationsService } from './conversations';
import { spend, type DeviceRateLimits } from './device-limits';
import { ServiceError, forbidden, notFound, refusalToError } from './errors';
import type { Fanout } from './fanout';
import { canManage } from './group-rules';

export type InviteLinksService = ReturnType<typeof createInviteLinksService>;

const LINK_GONE = 'This invite link was revoked or has expired. Ask a group admin for a new one.';
const TOO_FAST = 'You are changing groups too often; wait a moment.';

/** A link that still works at `at`, with its group; anything else is `not_found`. */
async function liveInviteLink(store: Store, code: string, at: number) {
  const link = await store.inviteLinkByCode(code);
  if (link === null || link.revokedAt !== null) throw notFound(LINK_GONE);
  if (link.expiresAt !== null && at >= link.expiresAt) throw notFound(LINK_GONE);
  const [conversation, creator] = await Promise.all([
    store.getConversation(link.conversationId),
    store.getMembership(link.conversationId, link.createdBy),
  ]);
  if (conversation === null || creator === null || !creator.active || !canManage(creator.role))
    throw notFound(LINK_GONE);
  return { link, conversation };
}

/**
 * Whether `mediaId` is the current photo of the group a working invite link `code` opens: the one
 * piece of the group's media its preview shows, so whoever holds the link may download it (and its
 * thumbnail) before joining. Nothing else of the group is readable through a link; a revoked or
 * expired link reads nothing.
 */
export async function inviteLinkShowsPhoto(
  store: Store,
  code: string,
  mediaId: string,
  at: number,
): Promise<boolean> {
  try {
    const { conversation } = await liveInviteLink(store, code, at);
    return conversation.avatar !== null && conversation.avatar === mediaId;
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'not_found') return false;
    throw error;
  }
}

/**
 * Invite links and join requests (issue #15, shared/src/invite-links.ts). A join adds the person as
 * the link's creator would (their `member_added`; they become each other's contacts, as an accepted
 * invitation does, DESIGN §3). A link works while it is neither revoked nor expired and its creator
 * is still an owner or admin of the group; it never lets in someone its creator blocked. Every
 * change spends the RATE_LIMIT_GROUP bucket.
 */
export function createInviteLinksService(deps: {
  store: Store;
  fanout: Fanout;
  conversations: ConversationsService;
  limits: Pick<DeviceRateLimits, 'group'>;
  publicUrl?: string;
  now?: () => number;
}) {
  const { store, fanout, conversations, limits } = deps;
  const now = deps.now ?? Date.now;

  const view = (link: InviteLinkRecord): InviteLink => ({
    code: link.code,
    url: deps.publicUrl === undefined ? null : `${deps.publicUrl}${INVITE_LINK_PATH}${link.code}`,
    conversationId: link.conversationId,
    createdBy: link.createdBy,
    createdAt: link.createdAt,
    expiresAt: link.expiresAt,
  });

  /** The owner or an admin of a group, as a current member. */
  async function requireAdmin(conversationId: string, userId: string) {
    const access = await writeAccess(store, conversationId, userId);
    if (access.conversation.kind !== 'group')
      throw new ServiceError('invalid_payload', 'Only groups have invite links.');
    if (!canManage(access.membership.role))
      throw forbidden('Only the owner and admins manage invite links and join requests.');
    return access;
  }

  const liveLink = (code: string) => liveInviteLink(store, code, now());

  async function adminsOf(conversationId: string): Promise<string[]> {
    return (await store.activeMembers(conversationId))
      .filter((m) => canManage(m.role))
      .map((m) => m.userId);
  }

  async function requestView(record: JoinRequestRecord): Promise<JoinRequest | null> {
    const user = await store.getUser(record.userId);
    if (user === null) return null;
    return {
      conversationId: record.conversationId,
      user: toPublicUser(user),
      createdAt: record.createdAt,
    };
  }

  /** Tells the group's admins and the requester's devices where a request stands. */
  async function announce(record: JoinRequestRecord, status: JoinRequestUpdate['status']) {
    const request = await requestView(record);
    if (request === null) return;
    const admins = await adminsOf(record.conversationId);
    fanout.toUsers([...new Set([...admins, record.userId])], 'join-request', {
      ...request,
      status,
    });
  }

  async function refuseIfFull(conversationId: string): Promise<void> {
    if ((await store.activeMembers(conversationId)).length + 1 > GROUP_MEMBERS_MAX)
      throw new ServiceError(
        'payload_too_large',
        `A group has at most ${GROUP_MEMBERS_MAX} members.`,
      );
  }

  /**
   * Adds `userId` as `by` would, and makes the two contacts both ways (an accepted invitation).
   * `viaLink`: they joined by themselves, and the event says so (`member_added { via: 'link' }`).
   */
  async function admit(
    conversationId: string,
    userId: string,
    by: { userId: string; deviceId: string | null },
    inviterId: string,
    viaLink = false,
  ) {
    const events = await store
      .changeGroup(
        conversationId,
        { id: timeOrderedId(), userId: by.userId, deviceId: by.deviceId, at: now() },
        viaLink ? { add: [userId], addedVia: 'link' } : { add: [userId] },
      )
      .catch(refusalToError);
    await store.addContacts(userId, [inviterId], now());
    await store.addContacts(inviterId, [userId], now());
    if (by.userId !== inviterId) await store.addContacts(by.userId, [userId], now());
    await conversations.publishGroupEvents(conversationId, events, []);
  }

  return {
    async create(
      actor: Actor,
      payload: { conversationId: string; expiresInS?: number; opId?: string },
    ): Promise<InviteLink> {
      spend(limits.group, actor.deviceId, TOO_FAST);
      await requireAdmin(payload.conversationId, actor.userId);
      const live = (await store.inviteLinksOf(payload.conversationId)).filter(
        (l) => l.expiresAt === null || l.expiresAt > now(),
      );
      if (live.length >= INVITE_LINKS_MAX)
        throw new ServiceError(
          'payload_too_large',
          `A group keeps at most ${INVITE_LINKS_MAX} invite links; revoke one first.`,
        );
      const at = now();
      const link = await store.createInviteLink({
        code: randomBytes(16).toString('base64url'),
        conversationId: payload.conversationId,
        createdBy: actor.userId,
        createdAt: at,
        expiresAt: payload.expiresInS === undefined ? null : at + payload.expiresInS * 1000,
        revokedAt: null,
        opId: payload.opId ?? null,
      });
      return view(link);
    },

    async list(actor: Actor, conversationId: string): Promise<{ links: InviteLink[] }> {
      await requireAdmin(conversationId, actor.userId);
      const links = await store.inviteLinksOf(conversationId);
      return { links: links.filter((l) => l.expiresAt === null || l.expiresAt > now()).map(view) };
    },

    async revoke(actor: Actor, conversationId: string, code: string): Promise<EmptyAnswer> {
      spend(limits.group, actor.deviceId, TOO_FAST);
      await requireAdmin(conversationId, actor.userId);
      if (await store.revokeInviteLink(conversationId, code, now())) return {};
      // Revoked already (a repeat): the same answer. A code of another group: unknown here.
      const link = await store.inviteLinkByCode(code);
      if (link === null || link.conversationId !== conversationId)
        throw notFound('No such invite link in this group.');
      return {};
    },

    async preview(actor: Actor, code: string): Promise<InviteLinkPreview> {
      const { conversation } = await liveLink(code);
      const [members, membership, request] = await Promise.all([
        store.activeMembers(conversation.id),
        store.getMembership(conversation.id, actor.userId),
        store.joinRequest(conversation.id, actor.userId),
      ]);
      return {
        conversationId: conversation.id,
        title: conversation.title,
        avatar: conversation.avatar,
        description: conversation.description,
        memberCount: members.length,
        approveJoins: conversation.permissions.approveJoins,
        status: membership?.active === true ? 'member' : request !== null ? 'pending' : null,
      };
    },

    async join(actor: Actor, code: string): Promise<InviteLinkJoinAnswer> {
      spend(limits.group, actor.deviceId, TOO_FAST);
      const { link, conversation } = await liveLink(code);
      const membership = await store.getMembership(conversation.id, actor.userId);
      if (membership?.active === true)
        return {
          status: 'joined',
          conversation: await conversations.summaryFor(conversation.id, actor.userId),
        };
      const me = await store.getUser(actor.userId);
      if (me === null || me.disabledAt !== null)
        throw forbidden('This account cannot join groups.');
      if ((await store.usersBlocking(actor.userId, [link.createdBy])).length > 0)
        throw forbidden('You cannot join this group through this link.');
      await refuseIfFull(conversation.id);
      if (conversation.permissions.approveJoins) {
        const record: JoinRequestRecord = {
          conversationId: conversation.id,
          userId: actor.userId,
          code: link.code,
          createdAt: now(),
        };
        // A repeat keeps the first request (and tells nobody again).
        if (await store.addJoinRequest(record)) await announce(record, 'pending');
        return { status: 'pending' };
      }
      await admit(
        conversation.id,
        actor.userId,
        // Logged as the link's creator adding them (no device of theirs did it), via the link.
        { userId: link.createdBy, deviceId: null },
        link.createdBy,
        true,
      );
      return {
        status: 'joined',
        conversation: await conversations.summaryFor(conversation.id, actor.userId),
      };
    },

    async requests(actor: Actor, conversationId: string): Promise<{ requests: JoinRequest[] }> {
      await requireAdmin(conversationId, actor.userId);
      const records = await store.joinRequestsOf(conversationId);
      const views = await Promise.all(records.map(requestView));
      return { requests: views.filter((v): v is JoinRequest => v !== null) };
    },

    async answer(
      actor: Actor,
      payload: { conversationId: string; userId: string; accept: boolean },
    ): Promise<EmptyAnswer> {
      spend(limits.group, actor.deviceId, TOO_FAST);
      const { conversationId, userId } = payload;
      await requireAdmin(conversationId, actor.userId);
      const record = await store.joinRequest(conversationId, userId);
      if (record === null) throw notFound('No such join request (answered or cancelled).');
      if (payload.accept) {
        await refuseIfFull(conversationId);
        // As group:update's add: a disabled (or deleted) account is never added, nor by someone
        // the requester has blocked since asking.
        const requester = await store.getUser(userId);
        if (requester === null || requester.disabledAt !== null)
          throw forbidden('A disabled account cannot be added to a group.');
        if ((await store.usersBlocking(actor.userId, [userId])).length > 0)
          throw forbidden('You cannot add someone who has blocked you.');
      }
      // Whoever removes the request answers it; a racing answer or cancel finds nothing.
      if (!(await store.removeJoinRequest(conversationId, userId)))
        throw notFound('No such join request (answered or cancelled).');
      if (payload.accept) {
        const link = await store.inviteLinkByCode(record.code);
        await admit(conversationId, userId, actor, link?.createdBy ?? actor.userId);
      }
      await announce(record, payload.accept ? 'accepted' : 'rejected');
      return {};
    },

    /** A deleted account's requests, already removed by the deletion: the admins drop them. */
    async withdrawn(records: readonly JoinRequestRecord[]): Promise<void> {
      for (const record of records) await announce(record, 'cancelled');
    },

    async cancel(actor: Actor, conversationId: string): Promise<EmptyAnswer> {
      spend(limits.group, actor.deviceId, TOO_FAST);
      const record = await store.joinRequest(conversationId, actor.userId);
      // Cancelling twice, or after an answer, changes nothing.
      if (record !== null && (await store.removeJoinRequest(conversationId, actor.userId)))
        await announce(record, 'cancelled');
      return {};
    },
  };
}
