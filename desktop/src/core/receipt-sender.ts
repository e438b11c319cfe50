import { deliveredReceiptDelayMs } from '@chitchat/shared';
import type { EngineLogger } from './emitter';
import type { LocalStore } from './local-store/index';
import type { Call } from './requests';

/** What the receipts need of the engine around them. */
export interface ReceiptDeps {
  store: LocalStore;
  logger: EngineLogger;
  call: Call;
  connected(): boolean;
  /** The chat list changed (an own read clears its unread badge). */
  listChanged(): void;
  deliveredDebounceMs: number;
}

/**
 * This device's receipts (DESIGN §5 step 4): `receipt:delivered` debounced after events are
 * applied, `receipt:read` when the person reads. Failures are only logged: the next sync sends
 * the newer marks anyway.
 */
export class ReceiptSender {
  private readonly deliveredTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly deps: ReceiptDeps) {}

  /**
   * Events were applied: say delivered up to the new lastSeq, once the burst settles (in a large
   * group, later and at a random point: deliveredReceiptDelayMs).
   */
  scheduleDelivered(conversationId: string): void {
    if (this.deliveredTimers.has(conversationId)) return;
    const { store, logger } = this.deps;
    const memberCount = store.conversation(conversationId)?.member_count ?? 0;
    const timer = setTimeout(() => {
      this.deliveredTimers.delete(conversationId);
      const row = store.conversation(conversationId);
      if (row === null || row.last_seq <= row.delivered_seq || !this.deps.connected()) return;
      this.deps.call('receipt:delivered', { conversationId, seq: row.last_seq }).then(
        (marks) => store.applyOwnReceipt(conversationId, marks.deliveredSeq, marks.readSeq),
        (error: unknown) => logger.debug('delivered receipt not sent', { error: String(error) }),
      );
    }, deliveredReceiptDelayMs(memberCount, this.deps.deliveredDebounceMs));
    this.deliveredTimers.set(conversationId, timer);
  }

  /** Marks the conversation read up to what is applied locally, here and on the server. */
  async markRead(conversationId: string): Promise<void> {
    const { store } = this.deps;
    const row = store.conversation(conversationId);
    if (row === null) return;
    if (row.read_seq < row.last_seq || row.unread_count > 0) {
      store.applyOwnReceipt(conversationId, row.last_seq, row.last_seq);
      this.deps.listChanged();
    }
    await this.sendRead(conversationId, row.last_seq);
  }

  async sendRead(conversationId: string, seq: number): Promise<void> {
    if (!this.deps.connected() || seq === 0) return; // sent on the next sync
    try {
      const marks = await this.deps.call('receipt:read', { conversationId, seq });
      this.deps.store.applyOwnReceipt(conversationId, marks.deliveredSeq, marks.readSeq);
    } catch (error) {
      this.deps.logger.debug('read receipt not sent', { error: String(error) });
    }
  }

  stop(): void {
    for (const timer of this.deliveredTimers.values()) clearTimeout(timer);
    this.deliveredTimers.clear();
  }
}
