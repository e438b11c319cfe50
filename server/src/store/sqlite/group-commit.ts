import { StoreRefusal } from '../types';
import type { SqliteDatabase } from './database';

/** The gathering group commits of one connection that hold writes now: each commits them when run. */
export type PendingCommits = Set<() => void>;

/**
 * Group commit: the writes queued during one turn of the event loop run in one IMMEDIATE
 * transaction, in the order they were queued, sharing one version stamp and one fsync
 * (`synchronous=FULL`). A write refused with a StoreRefusal wrote nothing and disturbs no other;
 * anything else aborts the whole batch (every caller gets the error and retries). Every caller is
 * answered after the commit, as with a transaction of its own: only the cost of a commit is shared.
 *
 * With `gather.ms`, the writes queued during that many milliseconds after the first one share the
 * commit instead (for writes nobody waits on, spread over many turns: receipts). `gather.pending`
 * collects the queues that may hold writes, so that the store commits them before it closes.
 */
export function groupCommit<Item, Result>(
  db: SqliteDatabase,
  nextVersion: () => number,
  apply: (item: Item, version: number) => Result,
  afterCommit?: () => void,
  gather?: { ms: number; pending: PendingCommits },
): (item: Item) => Promise<Result> {
  interface Pending {
    item: Item;
    resolve: (result: Result) => void;
    reject: (error: unknown) => void;
  }
  const pending: Pending[] = [];

  const commitBatch = db.transaction((batch: readonly Pending[]) => {
    const version = nextVersion();
    return batch.map(({ item }) => {
      try {
        return { ok: true as const, result: apply(item, version) };
      } catch (error) {
        if (error instanceof StoreRefusal) return { ok: false as const, error };
        throw error;
      }
    });
  });

  let timer: NodeJS.Timeout | undefined;
  function commitPending(): void {
    clearTimeout(timer);
    timer = undefined;
    gather?.pending.delete(commitPending);
    const batch = pending.splice(0);
    if (batch.length === 0) return;
    let outcomes: ReturnType<typeof commitBatch>;
    try {
      outcomes = commitBatch.immediate(batch);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    afterCommit?.();
    outcomes.forEach((outcome, index) => {
      const entry = batch[index];
      if (entry === undefined) return;
      if (outcome.ok) entry.resolve(outcome.result);
      else entry.reject(outcome.error);
    });
  }

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (pending.length !== 1) return;
      if (gather === undefined) {
        setImmediate(commitPending);
        return;
      }
      gather.pending.add(commitPending);
      timer = setTimeout(commitPending, gather.ms);
    });
}
