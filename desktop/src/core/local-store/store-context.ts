import type { EventWriter } from './event-writer';
import type { SqlDatabase } from './sql';

/**
 * Conversations whose list row may show something new since the last `take()`: every write of
 * the store marks the conversations it touches (a new write must too), so the chat list rebuilds
 * only those views instead of all of them after every applied page.
 */
export class ListChanges {
  private readonly ids = new Set<string>();
  private all = true;

  touch(conversationId: string): void {
    this.ids.add(conversationId);
  }

  /** Every view must be rebuilt (a restored server, a person's new name). */
  touchAll(): void {
    this.all = true;
  }

  /** Drains the conversations marked changed; `all` when every view must be rebuilt. */
  take(): { all: boolean; ids: string[] } {
    const changes = { all: this.all, ids: [...this.ids] };
    this.all = false;
    this.ids.clear();
    return changes;
  }
}

/** What the store's area files (users, conversations, log, outbox) work with. */
export interface StoreContext extends EventWriter {
  readonly db: SqlDatabase;
  readonly changes: ListChanges;
}
