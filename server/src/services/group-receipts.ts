import { LARGE_GROUP_RECEIPT_MEMBERS } from '@chitchat/shared';
import type { Logger } from '../logger';
import type { Store } from '../store/types';
import type { Fanout } from './fanout';
import type { MembershipCache } from './membership-cache';

/** How long receipts of a large group gather before its minimum is computed and announced. */
export const GROUP_RECEIPT_TICK_MS = 100;

/**
 * Groups with more current members than this gather for GROUP_RECEIPT_SLOW_TICK_MS (the size above
 * which devices also wait longer before saying delivered: deliveredReceiptDelayMs).
 */
export const GROUP_RECEIPT_SLOW_MEMBERS = LARGE_GROUP_RECEIPT_MEMBERS;

/**
 * The gathering time of the biggest groups. An announcement is a write to every member's socket:
 * in a 1,000-member group at 50 msg/s, ten a second were a sixth of the server's socket writes
 * (the group bench's profile) and as many reads on every member's device. The minimum moves no
 * faster than its slowest members' receipts, and the engine sends those debounced by 300 ms, so
 * announcing it more often than that mostly repeats the same wait.
 */
export const GROUP_RECEIPT_SLOW_TICK_MS = 300;

/**
 * The `receipt:group` announcements of large groups, coalesced: a receipt only marks its
 * conversation, and once per tick each marked conversation's minimum is read from the store (one
 * aggregate, no member rows converted) and announced if it moved. In a 1,000-member group whose
 * members acknowledge every message, this turns thousands of minimum computations a second into
 * a few per conversation (ten a second, or three in groups above GROUP_RECEIPT_SLOW_MEMBERS). The minimum is the store's, so processes sharing it announce the same
 * values; `setGroupReceipts` only moves forward, so a race between them cannot turn ticks back.
 */
export class GroupReceipts {
  /** Marked conversations and their timer, by gathering time. */
  readonly #ticks = new Map<number, { dirty: Set<string>; timer: NodeJS.Timeout | undefined }>();
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly deps: {
      store: Pick<Store, 'getConversation' | 'groupReceiptMinimum' | 'setGroupReceipts'>;
      fanout: Fanout;
      members: MembershipCache;
      logger?: Logger;
      tickMs?: number;
      slowTickMs?: number;
    },
  ) {}

  /** A member's watermarks moved in this large group of `memberCount`: its minimum may have. */
  touch(conversationId: string, memberCount: number): void {
    if (this.#closed) return;
    const tickMs =
      memberCount > GROUP_RECEIPT_SLOW_MEMBERS
        ? (this.deps.slowTickMs ?? GROUP_RECEIPT_SLOW_TICK_MS)
        : (this.deps.tickMs ?? GROUP_RECEIPT_TICK_MS);
    let tick = this.#ticks.get(tickMs);
    if (tick === undefined) {
      tick = { dirty: new Set(), timer: undefined };
      this.#ticks.set(tickMs, tick);
    }
    tick.dirty.add(conversationId);
    const due = tick;
    due.timer ??= setTimeout(() => {
      due.timer = undefined;
      const conversationIds = [...due.dirty];
      due.dirty.clear();
      this.#flushing = this.#flushing.then(() => this.#announceAll(conversationIds));
    }, tickMs);
  }

  /** Announces every marked conversation's minimum now. */
  async flush(): Promise<void> {
    const conversationIds = new Set<string>();
    for (const tick of this.#ticks.values()) {
      for (const id of tick.dirty) conversationIds.add(id);
      tick.dirty.clear();
    }
    await this.#announceAll([...conversationIds]);
  }

  async #announceAll(conversationIds: readonly string[]): Promise<void> {
    for (const conversationId of conversationIds) {
      try {
        await this.#announce(conversationId);
      } catch (error) {
        // The next receipt in the conversation tries again; nothing else depends on this one.
        this.deps.logger?.warn({ err: error, conversationId }, 'group receipt not announced');
      }
    }
  }

  /** Stops the timer and announces what is pending (before the store closes). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const tick of this.#ticks.values()) {
      clearTimeout(tick.timer);
      tick.timer = undefined;
    }
    await this.#flushing;
    await this.flush();
  }

  async #announce(conversationId: string): Promise<void> {
    const { store, fanout, members } = this.deps;
    const conversation = await store.getConversation(conversationId);
    if (conversation === null) return;
    const minimum = await store.groupReceiptMinimum(conversationId);
    if (
      minimum.deliveredSeq <= conversation.groupDeliveredSeq &&
      minimum.readSeq <= conversation.groupReadSeq
    ) {
      return;
    }
    const deliveredSeq = Math.max(minimum.deliveredSeq, conversation.groupDeliveredSeq);
    const readSeq = Math.max(minimum.readSeq, conversation.groupReadSeq);
    await store.setGroupReceipts(conversationId, deliveredSeq, readSeq);
    const snapshot = await members.atLeast(conversationId, conversation.membersVersion);
    if (snapshot === null) return;
    fanout.toUsers(snapshot.userIds, 'receipt:group', { conversationId, deliveredSeq, readSeq });
  }
}
