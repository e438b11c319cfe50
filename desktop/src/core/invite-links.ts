import {
  inviteCodeFrom,
  timeOrderedId,
  type InviteLink,
  type JoinRequest,
  type JoinRequestUpdate,
} from '@chitchat/shared';
import type { ChatEvents, InviteLinkPreviewView, JoinOutcome } from '../common/contract';
import { ChatClientError, remote } from './client-errors';
import type { ClientContext, ClientParts } from './client-parts';
import type { Emitter, EngineLogger } from './emitter';
import type { Call } from './requests';

/*
 * Group invite links and join requests in the engine (issue #15, docs/protocol.md "Invite links").
 * Links are the server's alone (nothing is cached: an admin sees the working links as they are now).
 * The approval queues are engine state: kept from `join-request` pushes, read again from the server
 * when the screen opens one and after every reconnect, and told to the screen as `joinRequests`.
 */

/**
 * The approval queues of the groups this device has seen requests for (as an admin), and the
 * person's own requests (as a requester). Pushes from the server keep both live.
 */
export class JoinRequestState {
  /** Pending requests by group, then by requester. */
  private readonly queues = new Map<string, Map<string, JoinRequest>>();
  /** Groups a link was previewed for, by code: a pending join answers no group id. */
  readonly previewed = new Map<string, string>();

  constructor(
    private readonly me: string,
    private readonly events: Emitter<ChatEvents>,
    private readonly logger: EngineLogger,
  ) {}

  /** The `join-request` push: a request started or ended. */
  onPush(update: JoinRequestUpdate): void {
    if (update.user.id === this.me) {
      this.events.emit('myJoinRequest', update);
      return;
    }
    const queue = this.queueOf(update.conversationId);
    if (update.status === 'pending') {
      const { conversationId, user, createdAt } = update;
      queue.set(user.id, { conversationId, user, createdAt });
    } else queue.delete(update.user.id);
    this.announce(update.conversationId);
  }

  /** A group's queue as the server answered it (it replaces what the pushes built). */
  replace(conversationId: string, requests: readonly JoinRequest[]): void {
    this.queues.set(conversationId, new Map(requests.map((r) => [r.user.id, r])));
    this.announce(conversationId);
  }

  /** Takes one request off a group's queue (answered here, or already answered elsewhere). */
  drop(conversationId: string, userId: string): void {
    if (this.queues.get(conversationId)?.delete(userId) === true) this.announce(conversationId);
  }

  requests(conversationId: string): JoinRequest[] {
    return [...(this.queues.get(conversationId)?.values() ?? [])].sort(
      (a, b) => a.createdAt - b.createdAt,
    );
  }

  /**
   * After a reconnect: pushes sent while offline were missed, so every queue this device keeps is
   * read again. A group where the person is no longer an admin answers `forbidden`: its queue goes.
   */
  async refresh(call: Call): Promise<void> {
    for (const conversationId of [...this.queues.keys()]) {
      try {
        const { requests } = await call('join-request:list', { conversationId });
        this.replace(conversationId, requests);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'forbidden' || code === 'not_found') this.replace(conversationId, []);
        else this.logger.warn('could not refresh join requests', { error: String(error) });
      }
    }
  }

  private queueOf(conversationId: string): Map<string, JoinRequest> {
    let queue = this.queues.get(conversationId);
    if (queue === undefined) {
      queue = new Map();
      this.queues.set(conversationId, queue);
    }
    return queue;
  }

  private announce(conversationId: string): void {
    this.events.emit('joinRequests', { conversationId, requests: this.requests(conversationId) });
  }
}

/** The parts the invite actions work on: a signed-in session with its join-request state. */
export type InviteParts = ClientParts & { joinRequests: JoinRequestState };

export async function createInviteLink(
  { engine }: ClientParts,
  input: { conversationId: string; expiresInS?: number },
): Promise<InviteLink> {
  return remote(() => engine.call('invite-link:create', { ...input, opId: timeOrderedId() }));
}

export async function listInviteLinks(
  { engine }: ClientParts,
  conversationId: string,
): Promise<InviteLink[]> {
  return (await remote(() => engine.call('invite-link:list', { conversationId }))).links;
}

export async function revokeInviteLink(
  { engine }: ClientParts,
  input: { conversationId: string; code: string },
): Promise<void> {
  await remote(() => engine.call('invite-link:revoke', { ...input, opId: timeOrderedId() }));
}

export async function previewInviteLink(
  { engine, joinRequests }: InviteParts,
  link: string,
): Promise<InviteLinkPreviewView> {
  const code = inviteCodeFrom(link);
  if (code === null)
    throw new ChatClientError('invalid_payload', 'That is not a group invite link.');
  const preview = await remote(() => engine.call('invite-link:preview', { code }));
  joinRequests.previewed.set(code, preview.conversationId);
  return { ...preview, code };
}

export async function joinByInviteLink(
  context: ClientContext & InviteParts,
  code: string,
): Promise<JoinOutcome> {
  const answer = await remote(() =>
    context.engine.call('invite-link:join', { code, opId: timeOrderedId() }),
  );
  if (answer.status === 'joined') {
    context.store.applySummary(answer.conversation);
    context.listChanged();
    return { status: 'joined', conversation: context.conversationView(answer.conversation.id) };
  }
  // A pending join names no group: the preview that led here did.
  const conversationId =
    context.joinRequests.previewed.get(code) ??
    (await previewInviteLink(context, code)).conversationId;
  return { status: 'pending', conversationId };
}

export async function listJoinRequests(
  { engine, joinRequests }: InviteParts,
  conversationId: string,
): Promise<JoinRequest[]> {
  // Offline, the queue as last known (pushes and the last read) rather than an error.
  if (engine.connection !== 'online') return joinRequests.requests(conversationId);
  const { requests } = await remote(() => engine.call('join-request:list', { conversationId }));
  joinRequests.replace(conversationId, requests);
  return joinRequests.requests(conversationId);
}

export async function answerJoinRequest(
  { engine, joinRequests }: InviteParts,
  input: { conversationId: string; userId: string; accept: boolean },
): Promise<void> {
  try {
    await remote(() => engine.call('join-request:answer', { ...input, opId: timeOrderedId() }));
  } catch (error) {
    if (error instanceof ChatClientError && error.code === 'not_found') {
      // Another admin answered it, or the person withdrew it: it is no longer in the queue.
      joinRequests.drop(input.conversationId, input.userId);
      throw new ChatClientError('not_found', 'This request was already answered or withdrawn.');
    }
    throw error;
  }
  joinRequests.drop(input.conversationId, input.userId);
}

export async function cancelJoinRequest(
  { engine }: ClientParts,
  conversationId: string,
): Promise<void> {
  await remote(() => engine.call('join-request:cancel', { conversationId, opId: timeOrderedId() }));
}
