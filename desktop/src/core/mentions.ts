import { MENTIONS_MAX, SMALL_GROUP_MAX } from '@chitchat/shared';
import type { MemberView, MentionView } from '../common/contract';
import { ChatClientError, remote } from './client-errors';
import type { ClientParts } from './client-parts';
import type { UserRow } from './local-store/rows';
import { namedMembers } from './member-names';

/**
 * The current members of a conversation for the `@` picker. Small groups carry their members in
 * their summaries (kept in the cache); a larger group's come from `conversation:members`, whose
 * names are kept in the cache's users so that mentions of them are named later, offline too.
 */
export async function listMembers(
  { store, engine }: ClientParts,
  conversationId: string,
): Promise<MemberView[]> {
  const row = store.conversation(conversationId);
  if (row === null) throw new ChatClientError('not_found', 'No such conversation.');
  const cached = store.members(conversationId);
  const complete = row.member_count <= SMALL_GROUP_MAX && cached.length > 0;
  if (!complete && engine.connection === 'online') {
    const answer = await remote(() => engine.call('conversation:members', { conversationId }));
    store.upsertUsers(namedMembers(answer.members));
    const users = store.users(answer.members.map((m) => m.userId));
    return answer.members.map((m) => memberView(m.userId, m.role, users));
  }
  const users = store.users(cached.map((m) => m.user_id));
  return cached.map((m) => memberView(m.user_id, m.role, users));
}

const memberView = (
  userId: string,
  role: MemberView['role'],
  users: Map<string, UserRow>,
): MemberView => ({
  userId,
  username: users.get(userId)?.username ?? '',
  displayName: users.get(userId)?.display_name ?? '',
  photo: users.get(userId)?.photo ?? null,
  role,
});

/**
 * The mentions a send may carry: distinct ids, at most MENTIONS_MAX; where this device knows the
 * members (a small group), only members, so a stale pick never turns the whole send into a refusal.
 */
export function mentionsToSend(
  { store }: Pick<ClientParts, 'store'>,
  conversationId: string,
  mentions: readonly string[] | undefined,
): string[] {
  const unique = [...new Set(mentions ?? [])];
  if (unique.length > MENTIONS_MAX) {
    throw new ChatClientError(
      'invalid_payload',
      `A message can mention at most ${MENTIONS_MAX} people.`,
    );
  }
  const row = store.conversation(conversationId);
  const cached = store.members(conversationId);
  if (row === null || row.member_count > SMALL_GROUP_MAX || cached.length === 0) return unique;
  const members = new Set(cached.map((m) => m.user_id));
  return unique.filter((id) => members.has(id));
}

/** The mentions of a message payload as the screen shows them, named as this device knows them. */
export function mentionViews(
  payload: { mentions?: unknown },
  users: Map<string, UserRow>,
  me: string,
): MentionView[] | undefined {
  if (!Array.isArray(payload.mentions) || payload.mentions.length === 0) return undefined;
  return payload.mentions
    .filter((id): id is string => typeof id === 'string')
    .map((userId) => {
      const user = users.get(userId);
      return {
        userId,
        name: user?.display_name ?? 'Someone',
        username: user?.username ?? null,
        me: userId === me,
      };
    });
}

/** The user ids a message payload mentions (to load their names with the page). */
export const mentionedIds = (payload: { mentions?: unknown }): string[] =>
  Array.isArray(payload.mentions)
    ? payload.mentions.filter((id): id is string => typeof id === 'string')
    : [];
