import { SMALL_GROUP_MAX, type LogEntry, type MemberInfo, type PublicUser } from '@chitchat/shared';
import type { EngineLogger } from './emitter';
import type { LocalStore } from './local-store/index';

/** The named members of a `conversation:members` answer, as the cache's users keep them. */
export function namedMembers(members: readonly MemberInfo[]): PublicUser[] {
  return members.flatMap((m) =>
    m.username !== undefined && m.username !== '' && m.displayName !== undefined
      ? [
          {
            id: m.userId,
            username: m.username,
            displayName: m.displayName,
            ...(m.photo !== undefined ? { photo: m.photo } : {}),
            ...(m.about !== undefined ? { about: m.about } : {}),
          },
        ]
      : [],
  );
}

/** The people an applied event names: its sender, and those a member change or role is about. */
function peopleIn(entry: LogEntry): string[] {
  if (entry.type === 'hidden') return [];
  const ids = [entry.senderUserId];
  const payload = entry.payload as { userIds?: unknown; userId?: unknown } | null;
  if (payload !== null && typeof payload === 'object') {
    if (Array.isArray(payload.userIds))
      for (const id of payload.userIds) if (typeof id === 'string') ids.push(id);
    if (typeof payload.userId === 'string') ids.push(payload.userId);
  }
  return ids;
}

export interface MemberNamesDeps {
  store: LocalStore;
  /** `conversation:members` of one conversation. */
  fetchMembers(conversationId: string): Promise<readonly MemberInfo[]>;
  /** The conversation's views (and the list's previews) name people again. */
  named(conversationId: string): void;
  logger: EngineLogger;
}

/**
 * Names the people of a large group (issue #13). Summaries of groups over SMALL_GROUP_MAX carry
 * no members, so the first message, reaction or system line of someone this device never saw would
 * read "Someone" in the chat, its preview and the notification. After events are applied, the
 * people they name that the cache has no user for are looked up with one `conversation:members` of
 * that group (one in flight per group; a request made meanwhile runs once more after it), their
 * names kept in the cache's users (offline too, later), and the conversation redrawn. People the
 * answer does not name (they left the group) are not asked about again in this session.
 */
export class MemberNames {
  /** Per group, the request in flight (and the ones it chains for people named meanwhile). */
  private readonly running = new Map<string, Promise<void>>();
  /** Per group, the people to name that no request has answered yet. */
  private readonly wanted = new Map<string, Set<string>>();
  private readonly unnamed = new Set<string>();

  constructor(private readonly deps: MemberNamesDeps) {}

  learn(conversationId: string, entries: readonly LogEntry[]): void {
    const missing = this.missing(conversationId, entries);
    if (missing.length === 0) return;
    const wanted = this.wanted.get(conversationId) ?? new Set<string>();
    for (const id of missing) wanted.add(id);
    this.wanted.set(conversationId, wanted);
    if (this.running.has(conversationId)) return;
    this.running.set(
      conversationId,
      this.fetch(conversationId).finally(() => this.running.delete(conversationId)),
    );
  }

  /**
   * Resolves once the names asked for in this group have arrived (at once when none are being
   * asked for), or after `capMs`: a notification waits for its sender's name, never for long.
   */
  settled(conversationId: string, capMs = 2_000): Promise<void> {
    const running = this.running.get(conversationId);
    if (running === undefined) return Promise.resolve();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cap = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, capMs);
    });
    return Promise.race([running, cap]).finally(() => clearTimeout(timer));
  }

  private missing(conversationId: string, entries: readonly LogEntry[]): string[] {
    const row = this.deps.store.conversation(conversationId);
    if (row === null || row.kind !== 'group' || row.member_count <= SMALL_GROUP_MAX) return [];
    const ids = new Set<string>();
    for (const entry of entries) for (const id of peopleIn(entry)) ids.add(id);
    ids.delete(this.deps.store.userId);
    for (const id of this.unnamed) ids.delete(id);
    if (ids.size === 0) return [];
    const known = this.deps.store.users([...ids]);
    return [...ids].filter((id) => !known.has(id));
  }

  /** Asks until nobody named meanwhile is left to ask about (one request at a time per group). */
  private async fetch(conversationId: string): Promise<void> {
    for (;;) {
      const asked = this.wanted.get(conversationId);
      if (asked === undefined) return;
      this.wanted.delete(conversationId);
      try {
        this.deps.store.upsertUsers(namedMembers(await this.deps.fetchMembers(conversationId)));
        const known = this.deps.store.users([...asked]);
        for (const id of asked) if (!known.has(id)) this.unnamed.add(id);
        this.deps.named(conversationId);
      } catch (error) {
        // Offline or refused (no longer a member): the next applied event asks again.
        this.deps.logger.warn('could not name the members of a group', {
          conversationId,
          error: String(error),
        });
        return;
      }
    }
  }
}
