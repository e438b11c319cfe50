import type { ConversationView } from '../common/contract';
import { hiddenFromList } from './local-store/deleted-chats';
import type { LocalStore } from './local-store/index';
import type { ViewBuilder } from './views';

/**
 * The chat list, kept up to date incrementally. Building one conversation's view costs several
 * queries (members, users, outbox, last event); rebuilding every view after every applied page
 * made catch-up over 1,000 chats spend most of its time here. The store marks the conversations
 * each write touches; a refresh rebuilds only those, and every other view keeps its identity.
 */
export class ConversationList {
  private readonly cache = new Map<string, ConversationView>();
  /**
   * Conversations whose typing people changed, or whose mute ended (in memory or in time, so the
   * store cannot mark them).
   */
  private readonly typingChanged = new Set<string>();

  constructor(
    private readonly store: LocalStore,
    private readonly builder: ViewBuilder,
    private readonly typingIn: (conversationId: string) => string[],
  ) {}

  /** Someone started or stopped typing in this conversation. */
  typing(conversationId: string): void {
    this.typingChanged.add(conversationId);
  }

  /** The view depends on the time and it has come (a mute-until ended): build it again. */
  expired(conversationId: string): void {
    this.typingChanged.add(conversationId);
  }

  /** Every conversation's view, most recent activity first. */
  list(): ConversationView[] {
    this.refresh();
    return [...this.cache.values()].sort((a, b) => b.lastActivityAt - a.lastActivityAt);
  }

  /** One conversation's current view, or null when it is not in the cache. */
  view(conversationId: string): ConversationView | null {
    this.refresh();
    return this.cache.get(conversationId) ?? null;
  }

  private refresh(): void {
    const changes = this.store.takeListChanges();
    if (changes.all) {
      this.cache.clear();
      this.typingChanged.clear();
      for (const row of this.store.conversations())
        if (!hiddenFromList(this.store.account, row))
          this.cache.set(row.id, this.builder.conversation(row, this.typingIn(row.id)));
      return;
    }
    const ids = new Set([...changes.ids, ...this.typingChanged]);
    this.typingChanged.clear();
    for (const id of ids) {
      const row = this.store.conversation(id);
      // A group deleted for me leaves the list until something new arrives (a re-add).
      if (row === null || hiddenFromList(this.store.account, row)) this.cache.delete(id);
      else this.cache.set(id, this.builder.conversation(row, this.typingIn(id)));
    }
  }
}
