import { timeOrderedId } from '@chitchat/shared';
import type { ConversationView, GroupChangeInput } from '../common/contract';
import { ChatClientError, remote } from './client-errors';
import type { ClientContext, ClientParts } from './client-parts';

/*
 * Starting, changing and answering conversations: each asks the server, stores the summary it
 * answers with, and tells the screen.
 */

export async function startDirectChat(
  context: ClientContext,
  userId: string,
): Promise<ConversationView> {
  const summary = await remote(() => context.engine.call('conversation:direct', { userId }));
  context.store.applySummary(summary);
  context.listChanged();
  return context.conversationView(summary.id);
}

export async function createGroup(
  context: ClientContext,
  input: { title: string; memberIds: string[] },
): Promise<ConversationView> {
  const me = context.session.user.id;
  if (!input.memberIds.some((id) => id !== me))
    throw new ChatClientError('invalid_payload', 'A group needs at least one other member.');
  const summary = await remote(() =>
    context.engine.call('group:create', { ...input, opId: timeOrderedId() }),
  );
  context.store.applySummary(summary);
  context.listChanged();
  return context.conversationView(summary.id);
}

export async function updateGroup(
  context: ClientContext,
  input: GroupChangeInput,
): Promise<ConversationView> {
  const summary = await remote(() =>
    context.engine.call('group:update', { ...input, opId: timeOrderedId() }),
  );
  context.store.applySummary(summary);
  context.listChanged();
  return context.conversationView(summary.id);
}

export async function leaveGroup({ engine }: ClientParts, conversationId: string): Promise<void> {
  await remote(() => engine.call('group:leave', { conversationId, opId: timeOrderedId() }));
}

export async function acceptRequest(
  context: ClientContext,
  conversationId: string,
): Promise<ConversationView> {
  const summary = await remote(() =>
    context.engine.call('request:accept', { conversationId, opId: timeOrderedId() }),
  );
  context.store.applySummary(summary);
  context.listChanged();
  return context.conversationView(summary.id);
}

export async function deleteRequest(context: ClientContext, conversationId: string): Promise<void> {
  const summary = await remote(() =>
    context.engine.call('request:delete', { conversationId, opId: timeOrderedId() }),
  );
  context.store.applySummary(summary);
  context.listChanged();
}

export async function acceptInvitation(
  context: ClientContext,
  conversationId: string,
): Promise<ConversationView> {
  const summary = await remote(() =>
    context.engine.call('invitation:accept', { conversationId, opId: timeOrderedId() }),
  );
  context.store.applySummary(summary);
  context.listChanged();
  return context.conversationView(summary.id);
}

export async function declineInvitation(
  { engine }: ClientParts,
  conversationId: string,
): Promise<void> {
  await remote(() => engine.call('invitation:decline', { conversationId, opId: timeOrderedId() }));
}
