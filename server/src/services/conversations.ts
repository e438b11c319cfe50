import { randomUUID } from 'node:crypto';
import {
  GROUP_MEMBERS_MAX,
  PREVIEW_TEXT_MAX_LENGTH,
  SMALL_GROUP_MAX,
  UNREAD_COUNT_CAP,
  chatKey,
  isMutedAt,
  type ConversationListAnswer,
  type ConversationSummary,
  type EventPreview,
  type GroupCreatePayload,
  type GroupUpdatePayload,
  type MembersAnswer,
  type PublicUser,
  timeOrderedId,
} from '@chitchat/shared';
import type {
  ConversationRecord,
  EventRecord,
  GroupChange,
  MembershipRecord,
  Store,
  SummaryRow,
} from '../store/types';
import { StoreRefusal } from '../store/types';
import { currentJoinedSeq, readAccess, visibleLastSeq, writeAccess } from './access';
import type { ProfilesService } from './profiles';
import { spend, type DeviceRateLimits } from './device-limits';
import { ServiceError, forbidden, notFound, refusalToError } from './errors';
import type { Fanout } from './fanout';
import { canManage, infoChange, managesMembers, successorOf } from './group-rules';
import { invitationView, splitAdds } from './invitations';
import { MembershipCache } from './membership-cache';
import {
  directPeer,
  maskMarks,
  peerMarksVisibility,
  requestState,
  type MarksVisibility,
} from './relationships';
import { publishEvent } from './publish';

const ALL_MARKS: MarksVisibility = { delivered: true, read: true, played: true };

export interface Actor {
  userId: string;
  deviceId: string;
}

export type ConversationsService = ReturnType<typeof createConversationsService>;

function preview(event: EventRecord | null): EventPreview | null {
  if (event === null) return null;
  const isMessage = event.type === 'message';
  const text = isMessage ? event.payload.text : null;
  return {
    seq: event.seq,
    type: event.type,
    senderUserId: event.senderUserId,
    text: text === null ? null : text.slice(0, PREVIEW_TEXT_MAX_LENGTH),
    attachmentCount: isMessage ? event.payload.attachments.length : 0,
    deleted: isMessage && event.deletedAt !== null,
    createdAt: event.createdAt,
  };
}

export function createConversationsService(deps: {
  store: Store;
  fanout: Fanout;
  /** Shared with the messaging service, so that both see one copy of each membership. */
  members?: MembershipCache;
  limits: Pick<DeviceRateLimits, 'group' | 'conversation'>;
  /** Peers' and members' photos as each viewer may see them (issue #15). */
  profiles: ProfilesService;
  now?: () => number;
}) {
  const { store, fanout, limits } = deps;
  const memberCache = deps.members ?? new MembershipCache(store);
  const GROUP_CHANGES_TOO_FAST = 'You are changing groups too often; wait a moment.';
  const now = deps.now ?? Date.now;

  /** The current members as of the conversation row just read (no member scan when cached). */
  async function currentMembers(conversation: ConversationRecord) {
    const snapshot = await memberCache.atLeast(conversation.id, conversation.membersVersion);
    return snapshot?.members ?? [];
  }

  /** Users by id as `viewerId` may see them (photo and about within each one's audience). */
  async function viewedUsers(
    viewerId: string,
    userIds: readonly string[],
  ): Promise<Map<string, PublicUser>> {
    const views = await deps.profiles.viewsFor(viewerId, await store.getUsers(userIds));
    return new Map(views.map((u) => [u.id, u]));
  }

  /** The summary of one conversation as `membership.userId` sees it. */
  async function summarize(
    conversation: ConversationRecord,
    membership: MembershipRecord,
  ): Promise<ConversationSummary> {
    const lastSeq = visibleLastSeq(conversation, membership);
    // Both bounded by the lastSeq this summary carries: a message committed since the
    // conversation was read is counted when it arrives live, not also here.
    const muteKey = chatKey('mute', conversation.id);
    const deletedKey = chatKey('deletedchat', conversation.id);
    const unreadAfter = (afterSeq: number) =>
      store.countUnread(
        conversation.id,
        membership.userId,
        membership.periods,
        afterSeq,
        lastSeq,
        UNREAD_COUNT_CAP,
      );
    const [lastEvent, counted, current, own] = await Promise.all([
      store.lastVisibleEvent(conversation.id, membership.periods, lastSeq),
      unreadAfter(membership.readSeq),
      currentMembers(conversation),
      store.accountValues(membership.userId, [muteKey, deletedKey]),
    ]);
    const muteValue = own.get(muteKey);
    // A group deleted for me (account state) never counts again up to where it was deleted: a
    // re-add counts the new period's messages only, on every device (issue #15). Rare, so the
    // common path keeps its one count.
    const deletedValue = own.get(deletedKey);
    const deletedUpTo = deletedValue === undefined ? 0 : Number(JSON.parse(deletedValue));
    const unreadCount = deletedUpTo > membership.readSeq ? await unreadAfter(deletedUpTo) : counted;
    const summary: ConversationSummary = {
      id: conversation.id,
      kind: conversation.kind,
      title: membership.active ? conversation.title : membership.leftTitle,
      // The group photo (issue #15) is its current members' only, as its download is.
      avatar: membership.active ? conversation.avatar : null,
      status: membership.active ? 'active' : 'left',
      role: membership.role,
      // Derived from the person's account state (mute-until): an expired mute is no mute.
      muted: muteValue !== undefined && isMutedAt(JSON.parse(muteValue), now()),
      lastSeq,
      lastEvent: preview(lastEvent),
      lastActivityAt: lastEvent?.createdAt ?? conversation.createdAt,
      unreadCount,
      deliveredSeq: Math.min(membership.deliveredSeq, lastSeq),
      readSeq: Math.min(membership.readSeq, lastSeq),
      memberCount: current.length,
      membersVersion: conversation.membersVersion,
      createdAt: conversation.createdAt,
    };
    const peerId =
      conversation.kind === 'direct'
        ? current.find((m) => m.userId !== membership.userId)?.userId
        : undefined;
    const visibility =
      peerId === undefined
        ? ALL_MARKS
        : await peerMarksVisibility(store, conversation, membership.userId, peerId);
    // Direct chats and small groups carry their members with their public watermarks (for ticks).
    if (membership.active && current.length <= SMALL_GROUP_MAX) {
      // Few rows, and their watermarks move with every receipt: read fresh.
      const members = await store.activeMembers(conversation.id);
      const users = await viewedUsers(
        membership.userId,
        members.map((m) => m.userId),
      );
      summary.members = members.map((m) =>
        maskMarks(
          {
            userId: m.userId,
            username: users.get(m.userId)?.username ?? '',
            displayName: users.get(m.userId)?.displayName ?? '',
            photo: users.get(m.userId)?.photo ?? null,
            role: m.role,
            deliveredSeq: m.deliveredSeq,
            receiptSeq: m.receiptSeq,
            joinedSeq: currentJoinedSeq(m),
          },
          membership.userId,
          visibility,
        ),
      );
    }
    if (conversation.kind === 'group' && membership.active) {
      summary.description = conversation.description;
      summary.permissions = conversation.permissions;
    }
    if (peerId !== undefined) {
      const peer = (await viewedUsers(membership.userId, [peerId])).get(peerId);
      if (peer !== undefined) summary.peer = peer;
    }
    summary.request =
      peerId === undefined
        ? null
        : await requestState(store, conversation, membership.userId, peerId);
    return summary;
  }

  async function summaryFor(conversationId: string, userId: string): Promise<ConversationSummary> {
    const { conversation, membership } = await readAccess(store, conversationId, userId);
    return summarize(conversation, membership);
  }

  /** Pushes each listed user their own, fresh summary of the conversation. */
  async function pushSummaries(conversationId: string, userIds: Iterable<string>): Promise<void> {
    for (const userId of new Set(userIds)) {
      fanout.toUsers([userId], 'conversation', await summaryFor(conversationId, userId));
    }
  }

  async function leave(
    actor: Actor,
    conversationId: string,
    options: { opId?: string | undefined; limited: boolean },
  ): Promise<void> {
    const { opId } = options;
    const { conversation, membership } = await readAccess(store, conversationId, actor.userId);
    if (conversation.kind !== 'group')
      throw new ServiceError('invalid_payload', 'Direct chats cannot be left.');
    if (!membership.active) return; // Already left: leaving is idempotent.
    if (options.limited) spend(limits.group, actor.deviceId, GROUP_CHANGES_TOO_FAST);
    let newOwner: string | null = null;
    if (membership.role === 'owner')
      newOwner = successorOf(await currentMembers(conversation), actor.userId);
    let events: EventRecord[];
    try {
      events = await store.changeGroup(conversationId, origin(actor, opId), {
        leave: { newOwner },
      });
    } catch (error) {
      // Left meanwhile (a second leave racing this one): leaving is idempotent.
      if (error instanceof StoreRefusal && error.reason === 'not_member') return;
      throw error;
    }
    await publishGroupEvents(conversationId, events, [actor.userId]);
  }

  /** Sends committed events to every member whose period covers them, then fresh summaries. */
  async function publishGroupEvents(
    conversationId: string,
    events: readonly EventRecord[],
    alsoNotify: readonly string[],
  ): Promise<void> {
    if (events.length === 0) return;
    // Read after the change committed: its new membersVersion reloads this process's entry.
    const snapshot = await memberCache.current(conversationId);
    const active = snapshot?.members ?? [];
    for (const event of events) {
      // Removed members see their own removal: its seq is their leftSeq.
      publishEvent(
        fanout,
        event,
        active,
        event.type === 'member_removed' ? event.payload.userIds : [],
      );
    }
    await pushSummaries(conversationId, [...active.map((m) => m.userId), ...alsoNotify]);
    const removed = events.flatMap((e) => (e.type === 'member_removed' ? e.payload.userIds : []));
    for (const userId of removed)
      await stopWatchingStrangers(
        userId,
        active.map((m) => m.userId),
      );
  }

  /** After a removal, people who no longer share any conversation stop seeing each other's presence. */
  async function stopWatchingStrangers(
    userId: string,
    formerPeers: readonly string[],
  ): Promise<void> {
    const still = new Set(await store.sharingConversation(userId, formerPeers));
    const strangers = formerPeers.filter((id) => id !== userId && !still.has(id));
    if (strangers.length > 0) fanout.stopPresenceWatch(userId, strangers);
  }

  async function requireUsers(userIds: readonly string[]): Promise<void> {
    const unique = [...new Set(userIds)];
    const found = await store.getUsers(unique);
    if (found.length !== unique.length) {
      const known = new Set(found.map((u) => u.id));
      throw new ServiceError('not_found', 'Some of these users do not exist.', {
        userIds: unique.filter((id) => !known.has(id)),
      });
    }
    // A disabled account signs in nowhere and reads nothing: adding it would only hand it a
    // group's history the day it is enabled, chosen by someone else (an admin enables it first).
    const disabled = found.filter((u) => u.disabledAt !== null).map((u) => u.id);
    if (disabled.length > 0)
      throw new ServiceError('forbidden', 'A disabled account cannot be added to a group.', {
        userIds: disabled,
      });
  }

  async function refuseIfBlocked(actorId: string, userIds: readonly string[]): Promise<void> {
    if ((await store.usersBlocking(actorId, userIds)).length > 0) {
      throw forbidden('You cannot add someone who has blocked you.');
    }
  }

  /** Invites people who take adds only from contacts, and tells their devices. */
  async function invite(conversationId: string, inviterId: string, userIds: readonly string[]) {
    if (userIds.length === 0) return;
    const created = await store.addInvitations(conversationId, inviterId, userIds, now());
    for (const userId of created) {
      const record = await store.getInvitation(conversationId, userId);
      const view = record === null ? null : await invitationView(store, record);
      if (view !== null) fanout.toUsers([userId], 'invitation', { ...view, status: 'pending' });
    }
  }

  const origin = (actor: Actor, opId?: string) => ({
    id: timeOrderedId(),
    userId: actor.userId,
    deviceId: actor.deviceId,
    at: now(),
    ...(opId !== undefined ? { opId } : {}),
  });

  return {
    summarize,
    summaryFor,
    pushSummaries,
    publishGroupEvents,

    async list(userId: string, since: number | undefined): Promise<ConversationListAnswer> {
      // The cursor is read before the rows, so a change racing this call is sent again rather than lost.
      const cursor = await store.changeCursor();
      const rows: SummaryRow[] = await store.changedSummaries(userId, since);
      const conversations = await Promise.all(
        rows.map((r) => summarize(r.conversation, r.membership)),
      );
      conversations.sort((a, b) => b.lastActivityAt - a.lastActivityAt);
      return { conversations, cursor, storeEpoch: store.storeEpoch() };
    },

    async members(userId: string, conversationId: string): Promise<MembersAnswer> {
      // Former members keep their history, not a view of the group as it is now.
      const { conversation } = await writeAccess(store, conversationId, userId);
      const members = await store.activeMembers(conversationId);
      const users = await viewedUsers(
        userId,
        members.map((m) => m.userId),
      );
      const peerId = await directPeer(store, conversation, userId);
      const visibility =
        peerId === null
          ? ALL_MARKS
          : await peerMarksVisibility(store, conversation, userId, peerId);
      return {
        members: members.map((m) =>
          maskMarks(
            {
              userId: m.userId,
              role: m.role,
              deliveredSeq: m.deliveredSeq,
              receiptSeq: m.receiptSeq,
              joinedSeq: currentJoinedSeq(m),
              username: users.get(m.userId)?.username ?? '',
              displayName: users.get(m.userId)?.displayName ?? '',
              photo: users.get(m.userId)?.photo ?? null,
              about: users.get(m.userId)?.about ?? null,
            },
            userId,
            visibility,
          ),
        ),
        membersVersion: conversation.membersVersion,
      };
    },

    async direct(actor: Actor, peerId: string): Promise<ConversationSummary> {
      if (peerId === actor.userId)
        throw new ServiceError('invalid_payload', 'A direct chat needs another person.');
      const peer = await store.getUser(peerId);
      if (peer === null) throw notFound('No such user.');
      if ((await store.usersBlocking(actor.userId, [peerId])).length > 0) {
        throw forbidden('You cannot start a chat with this person.');
      }
      // Only a new chat costs a token (message-request spam); reopening one is free.
      const reopening = (await store.findDirect(actor.userId, peerId)) !== null;
      if (!reopening)
        spend(
          limits.conversation,
          actor.deviceId,
          'You are starting too many new chats; wait a while.',
        );
      const { conversation, created } = await store.getOrCreateDirect({
        id: randomUUID(),
        userId: actor.userId,
        peerId,
        at: now(),
      });
      // Another call created it meanwhile: this one cost nothing either.
      if (!reopening && !created) limits.conversation.refund(actor.deviceId);
      if (created) await pushSummaries(conversation.id, [actor.userId, peerId]);
      return summaryFor(conversation.id, actor.userId);
    },

    async createGroup(actor: Actor, payload: GroupCreatePayload): Promise<ConversationSummary> {
      if (payload.opId !== undefined) {
        const first = await store.eventByOpId(actor.userId, payload.opId);
        if (first !== null) return summaryFor(first.conversationId, actor.userId);
      }
      spend(limits.group, actor.deviceId, GROUP_CHANGES_TOO_FAST);
      const memberIds = [...new Set(payload.memberIds)].filter((id) => id !== actor.userId);
      if (memberIds.length + 1 > GROUP_MEMBERS_MAX) {
        throw new ServiceError(
          'payload_too_large',
          `A group has at most ${GROUP_MEMBERS_MAX} members.`,
        );
      }
      await requireUsers(memberIds);
      await refuseIfBlocked(actor.userId, memberIds);
      const { add, invite: invitees } = await splitAdds(store, actor.userId, memberIds);
      const { conversation, events } = await store.createGroup({
        ...origin(actor, payload.opId),
        conversationId: randomUUID(),
        title: payload.title,
        memberIds: add,
      });
      // Whoever you add to a group becomes your contact (DESIGN §3).
      await store.addContacts(actor.userId, add, now());
      await publishGroupEvents(conversation.id, events, []);
      await invite(conversation.id, actor.userId, invitees);
      return summaryFor(conversation.id, actor.userId);
    },

    async updateGroup(actor: Actor, payload: GroupUpdatePayload): Promise<ConversationSummary> {
      if (
        payload.opId !== undefined &&
        (await store.eventByOpId(actor.userId, payload.opId)) !== null
      ) {
        return summaryFor(payload.conversationId, actor.userId);
      }
      spend(limits.group, actor.deviceId, GROUP_CHANGES_TOO_FAST);
      const { conversation, membership } = await writeAccess(
        store,
        payload.conversationId,
        actor.userId,
      );
      if (conversation.kind !== 'group')
        throw new ServiceError('invalid_payload', 'Only groups can be changed.');
      const info = infoChange(conversation, membership, payload);
      // Members may change the info where the group allows it (editInfo); nothing else.
      if (
        !canManage(membership.role) &&
        (managesMembers(payload) ||
          (payload.title === undefined &&
            payload.description === undefined &&
            payload.avatar === undefined))
      )
        throw forbidden('Only the owner and admins manage this group.');
      if (info.avatar !== undefined && info.avatar !== null)
        await deps.profiles.checkPhoto(actor.userId, info.avatar, 'A group photo');
      const members = new Map((await currentMembers(conversation)).map((m) => [m.userId, m]));

      const remove = [...new Set(payload.remove ?? [])];
      if (remove.includes(actor.userId)) {
        throw new ServiceError('invalid_payload', 'To leave a group, use group:leave.');
      }
      for (const userId of remove) {
        const target = members.get(userId);
        if (target?.role === 'owner') throw forbidden('Nobody can remove the owner.');
        if (target?.role === 'admin' && membership.role !== 'owner')
          throw forbidden('Only the owner removes admins.');
      }
      for (const { userId, role } of payload.roles ?? []) {
        const current = members.get(userId)?.role;
        if (current === 'owner') throw forbidden("The owner's role cannot be changed.");
        if (current === 'admin' && role !== 'admin' && membership.role !== 'owner') {
          throw forbidden('Only the owner demotes admins.');
        }
      }
      const adding = [...new Set(payload.add ?? [])].filter((id) => !members.has(id));
      let add: string[] = [];
      let invitees: string[] = [];
      if (adding.length > 0) {
        await requireUsers(adding);
        await refuseIfBlocked(actor.userId, adding);
        ({ add, invite: invitees } = await splitAdds(store, actor.userId, adding));
        const removing = remove.filter((id) => members.has(id)).length;
        if (members.size - removing + add.length > GROUP_MEMBERS_MAX) {
          throw new ServiceError(
            'payload_too_large',
            `A group has at most ${GROUP_MEMBERS_MAX} members.`,
          );
        }
      }
      const change: GroupChange = { ...info };
      if (add.length > 0) change.add = add;
      if (remove.length > 0) change.remove = remove;
      if (payload.roles !== undefined) change.roles = payload.roles;
      const events = await store
        .changeGroup(conversation.id, origin(actor, payload.opId), change)
        .catch(refusalToError);
      await store.addContacts(actor.userId, add, now());
      await publishGroupEvents(
        conversation.id,
        events,
        remove.filter((id) => members.has(id)),
      );
      await invite(conversation.id, actor.userId, invitees);
      return summaryFor(conversation.id, actor.userId);
    },

    async leaveGroup(actor: Actor, conversationId: string, opId?: string): Promise<void> {
      await leave(actor, conversationId, { opId, limited: true });
    },

    /**
     * Leaves every one of these groups for an account being deleted (issue #15): the same leave as
     * group:leave (events, ownership handed on), without the person's rate limit, since this is
     * one request of theirs however many groups they were in.
     */
    async leaveForDeletion(actor: Actor, conversationIds: readonly string[]): Promise<void> {
      for (const conversationId of conversationIds) {
        await leave(actor, conversationId, { limited: false });
      }
    },

    /**
     * A mute started or ended in the person's account state (`mute:<conversationId>`): the
     * membership's muted mirror moves with it, which bumps the membership version, so every
     * device (those without the account state too) gets the fresh summary.
     */
    async muteChanged(userId: string, conversationId: string, muted: boolean): Promise<void> {
      await store.setMuted(conversationId, userId, muted);
      fanout.toUsers([userId], 'conversation', await summaryFor(conversationId, userId));
    },
  };
}
