import {
  ACCOUNT_PAGE_MAX,
  conversationOfKey,
  type AccountChanged,
  type AccountEntry,
  type AccountSetAnswer,
  type AccountSetPayload,
  type AccountStateAnswer,
  type AccountStatePayload,
} from '@chitchat/shared';
import type { EngineLogger } from './emitter';
import type { LocalStore } from './local-store/index';

/** The two requests of the account state, as the sync engine sends them (ack timeout included). */
export interface AccountRequests {
  state(payload: AccountStatePayload): Promise<AccountStateAnswer>;
  set(payload: AccountSetPayload): Promise<AccountSetAnswer>;
}

/** Codes after which resending the same change cannot help: the server's state stands. */
const RETRYABLE_CODES = new Set(['timeout', 'offline', 'rate_limited', 'internal']);

const codeOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : 'internal';

/**
 * Keeps the local copy of the account state (DESIGN §3) in step with the server: on every sync it
 * fetches the changes since the version it holds, then sends the changes made here (each group
 * with the opId it was made with, so a resend after a lost answer applies once); live
 * `account:changed` pushes are applied when they continue the held version, else fetched first.
 */
export class AccountSync {
  private flushing: Promise<void> | null = null;
  /** A flush was asked for while one was under way. */
  private again = false;

  constructor(
    private readonly store: LocalStore,
    private readonly requests: AccountRequests,
    /** These conversations' messages (stars, deleted for me) changed. */
    private readonly changed: (conversationIds: readonly string[]) => void,
    private readonly logger: EngineLogger,
  ) {}

  /**
   * Only the changes since the held version, nothing sent: what a first sync waits for before it
   * shows the chat list (the changes made here go with the `sync()` that follows).
   */
  async fetchOnly(): Promise<void> {
    await this.fetch();
  }

  /** Fetch, then send what waits. */
  async sync(): Promise<void> {
    await this.fetch();
    await this.flush();
  }

  async onChanged(update: AccountChanged): Promise<void> {
    const held = this.store.account.version();
    const first = update.entries[0]?.version ?? update.version;
    if (first > held + 1) {
      // Something was missed (a push while reconnecting): the fetch brings it and this one.
      await this.fetch();
      return;
    }
    this.apply(update.entries, update.version);
  }

  /**
   * Sends the changes waiting here; one flush at a time. A change made while a flush is under
   * way (it read the pending changes when it began) gets another round right after, instead of
   * waiting for the next sync.
   */
  flush(): Promise<void> {
    if (this.flushing !== null) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      try {
        do {
          this.again = false;
          if (!(await this.flushOnce())) return;
        } while (this.again);
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  private async fetch(): Promise<void> {
    for (;;) {
      const since = this.store.account.version();
      const page = await this.requests.state({ since, limit: ACCOUNT_PAGE_MAX });
      this.apply(page.entries, page.version);
      if (!page.more) return;
    }
  }

  private apply(entries: readonly AccountEntry[], version: number): void {
    this.store.account.applyRemote(entries, version);
    this.announce(entries.map((e) => e.key));
  }

  /** One round over the waiting changes; false when it stopped early (offline or slow). */
  private async flushOnce(): Promise<boolean> {
    for (const [opId, changes] of this.store.account.pendingByOp()) {
      try {
        await this.requests.set({
          opId,
          changes: changes.map((c) => ({
            key: c.key,
            value: c.value === null ? null : (JSON.parse(c.value) as AccountEntry['value']),
          })),
        });
      } catch (error) {
        const code = codeOf(error);
        // Offline or slow: everything stays pending for the next sync.
        if (RETRYABLE_CODES.has(code)) return false;
        // Refused for good (the message is gone, say): the server's state stands.
        this.logger.warn('an account-state change was refused', { code, opId });
      }
      this.store.account.settle(changes);
      this.announce(changes.map((c) => c.key));
    }
    return true;
  }

  private announce(keys: readonly string[]): void {
    const ids = new Set<string>();
    for (const key of keys) {
      const conversationId = conversationOfKey(key);
      if (conversationId !== null) ids.add(conversationId);
    }
    if (ids.size > 0) this.changed([...ids]);
  }
}
