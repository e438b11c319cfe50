import type { Logger } from '../logger';
import type { Store } from '../store/types';
import type { Fanout } from './fanout';
import type { MembershipCache } from './membership-cache';

/** How long receipts of a large group gather before its minimum is computed and announced. */
export const GROUP_RECEIPT_TICK_MS = 100;

/**
 * The `receipt:group` announcements of large groups, coalesced: a receipt only marks its
 * conversation, and once per tick each marked conversation's minimum is read from the store (one
 * aggregate, no member rows converted) and announced if it moved. In a 1,000-member group whose
 * members acknowledge every message, this turns thousands of minimum computations a second into
 * ten per conversation. The minimum is the store's, so processes sharing it announce the same
 * values; `setGroupReceipts` only moves forward, so a race between them cannot turn ticks back.
 */
export class GroupReceipts {
  readonly #dirty = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly deps: {
      store: Pick<Store, 'getConversation' | 'groupReceiptMinimum' | 'setGroupReceipts'>;
      fanout: Fanout;
      members: MembershipCache;
      logger?: Logger;
      tickMs?: number;
    },
  ) {}

  /** A member's watermarks moved in this large group: its minimum may have. */
  touch(conversationId: string): void {
    if (this.#closed) return;
    this.#dirty.add(conversationId);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#flushing = this.#flushing.then(() => this.flush());
    }, this.deps.tickMs ?? GROUP_RECEIPT_TICK_MS);
  }

  /** Announces every marked conversation's minimum now. */
  async flush(): Promise<void> {
    const conversationIds = [...this.#dirty];
    this.#dirty.clear();
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
    clearTimeout(this.#timer);
    this.#timer = undefined;
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
