import type { MemberRole } from '@chitchat/shared';
import type { MembershipRecord, Period, Store } from '../store/types';
import { BoundedMap } from './bounded-map';
import { insidePeriods } from './access';

/** What fan-out needs of a current member: never the watermarks, which move with every receipt. */
export interface CachedMember {
  userId: string;
  role: MemberRole;
  periods: readonly Period[];
}

/** The current members of one conversation as of `membersVersion`. */
export interface MemberSnapshot {
  membersVersion: number;
  members: readonly CachedMember[];
  userIds: readonly string[];
  /** The same ids, for membership checks on hot paths (a receipt in a 1,000-member group). */
  userIdSet: ReadonlySet<string>;
}

/** Conversations whose membership one process remembers by default. */
export const MEMBERSHIP_CACHE_SIZE = 20_000;

/**
 * Each conversation's current members, kept in memory so that a send, a receipt or a summary does
 * not re-read and convert every membership row (about 1 ms at 256 members, 3 ms at 1,000).
 *
 * Correct across processes without any message between them: every membership change (add,
 * remove, role, leave) bumps the conversation's `membersVersion` in the store, in the transaction
 * that makes it. A caller presents the version it has just read (the conversation row it reads
 * anyway, or the version the appending transaction returned), and an entry older than that is
 * reloaded. So another process's change is seen at the next operation on the conversation, at the
 * cost of no member scan, and no Redis message can be lost or arrive late.
 */
export class MembershipCache {
  readonly #entries: BoundedMap<string, MemberSnapshot>;
  /** Loads in flight, so that a burst of receipts after a change reloads once. */
  readonly #loading = new Map<string, Promise<MemberSnapshot | null>>();

  constructor(
    private readonly store: Pick<Store, 'getConversation' | 'activeMembers'>,
    capacity = MEMBERSHIP_CACHE_SIZE,
  ) {
    this.#entries = new BoundedMap(capacity);
  }

  /**
   * The members as of `membersVersion` or newer (a newer membership is what a fresh read would
   * give, too). Null when the conversation does not exist.
   */
  async atLeast(conversationId: string, membersVersion: number): Promise<MemberSnapshot | null> {
    const entry = this.#entries.get(conversationId);
    if (entry !== undefined && entry.membersVersion >= membersVersion) return entry;
    const snapshot = await this.#load(conversationId);
    if (snapshot !== null && snapshot.membersVersion < membersVersion) {
      // The load started before the change the caller saw committed: read again.
      this.#loading.delete(conversationId);
      return this.#load(conversationId);
    }
    return snapshot;
  }

  /** The current members, checking the version with one read of the conversation row. */
  async current(conversationId: string): Promise<MemberSnapshot | null> {
    const conversation = await this.store.getConversation(conversationId);
    if (conversation === null) return null;
    return this.atLeast(conversationId, conversation.membersVersion);
  }

  /** Current members whose period covers `seq` (excludes anyone added after it). */
  static covering(snapshot: MemberSnapshot, seq: number): string[] {
    return snapshot.members.filter((m) => insidePeriods(m.periods, seq)).map((m) => m.userId);
  }

  async #load(conversationId: string): Promise<MemberSnapshot | null> {
    const pending = this.#loading.get(conversationId);
    if (pending !== undefined) return pending;
    const load = (async () => {
      // The version is read before the members: the members read then are at least that recent,
      // so an entry is never labelled newer than what it holds (at worst older, and reloaded).
      const conversation = await this.store.getConversation(conversationId);
      if (conversation === null) return null;
      const members = await this.store.activeMembers(conversationId);
      const snapshot = toSnapshot(conversation.membersVersion, members);
      const kept = this.#entries.get(conversationId);
      if (kept === undefined || kept.membersVersion <= snapshot.membersVersion)
        this.#entries.set(conversationId, snapshot);
      return snapshot;
    })();
    this.#loading.set(conversationId, load);
    try {
      return await load;
    } finally {
      if (this.#loading.get(conversationId) === load) this.#loading.delete(conversationId);
    }
  }
}

function toSnapshot(membersVersion: number, members: readonly MembershipRecord[]): MemberSnapshot {
  const cached = members.map((m) => ({ userId: m.userId, role: m.role, periods: m.periods }));
  const userIds = cached.map((m) => m.userId);
  return { membersVersion, members: cached, userIds, userIdSet: new Set(userIds) };
}
