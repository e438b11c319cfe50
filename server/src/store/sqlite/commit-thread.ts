import type { MessagePort } from 'node:worker_threads';
import { StoreRefusal, type Refusal } from '../types';
import {
  batchWrites,
  type BatchWrite,
  type BatchWriteKind,
  type BatchWriteKinds,
} from './batch-writes';
import type { SqliteDatabase } from './database';

/** What the server thread sends the commit thread. */
export type ToCommitThread =
  | { type: 'batch'; id: number; writes: BatchWrite[] }
  | { type: 'pragma'; pragma: string }
  | { type: 'stop' };

/** A write's outcome: its result, or the refusal that left it unwritten. */
export type CommitOutcome =
  { ok: true; result: BatchWriteKinds[BatchWriteKind]['result'] } | { ok: false; refusal: Refusal };

/** What the commit thread answers. */
export type FromCommitThread =
  | { type: 'ready'; journalMode: string; synchronous: number }
  | { type: 'done'; id: number; outcomes: CommitOutcome[] }
  | { type: 'failed'; id: number; message: string; code: string | null };

/**
 * Faults a test injects to show what the server thread does when the commit thread dies: the
 * thread fails as it starts, or exits inside its `batch`-th transaction (before COMMIT), or right
 * after that COMMIT (before answering).
 */
export type CommitThreadFault =
  { at: 'start' } | { at: 'before-commit' | 'after-commit'; batch: number };

/**
 * The commit thread's body (see ./commit-queue.ts): each batch in one IMMEDIATE transaction on
 * this thread's own connection, `synchronous=FULL`, so its fsync blocks this thread and not the
 * server's event loop. A commit becomes visible to other connections only after its fsync, so
 * nothing the server thread reads is ahead of the disk.
 */
export function serveCommits(
  db: SqliteDatabase,
  port: MessagePort,
  fault: CommitThreadFault | null,
  /** Set by the server thread (the checkpoint thread's automatic-checkpoint policy), in order. */
  pragmas: readonly string[] = [],
): void {
  if (fault?.at === 'start') throw new Error('commit thread fault injected at start');
  db.pragma('busy_timeout = 5000');
  // The ack follows the fsync of its commit (DESIGN §6.1): FULL syncs the log at every commit.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  for (const pragma of pragmas) db.pragma(pragma);
  const writes = batchWrites(db);
  let batches = 0;

  const commit = db.transaction((batch: readonly BatchWrite[]): CommitOutcome[] => {
    const version = writes.nextVersion();
    const outcomes = batch.map((write): CommitOutcome => {
      try {
        return { ok: true, result: writes.apply(write, version) };
      } catch (error) {
        // A refused write wrote nothing and disturbs no other; anything else aborts the batch.
        if (error instanceof StoreRefusal) return { ok: false, refusal: error.reason };
        throw error;
      }
    });
    if (fault?.at === 'before-commit' && fault.batch === batches) process.exit(1);
    return outcomes;
  });

  const answer = (message: FromCommitThread) => port.postMessage(message);

  port.on('message', (message: ToCommitThread) => {
    if (message.type === 'stop') {
      db.close();
      port.close();
      return;
    }
    if (message.type === 'pragma') {
      db.pragma(message.pragma);
      return;
    }
    batches++;
    let outcomes: CommitOutcome[];
    try {
      outcomes = commit.immediate(message.writes);
    } catch (error) {
      const code =
        error instanceof Error && 'code' in error && typeof error.code === 'string'
          ? error.code
          : null;
      answer({ type: 'failed', id: message.id, message: String(error), code });
      return;
    }
    if (fault?.at === 'after-commit' && fault.batch === batches) process.exit(1);
    answer({ type: 'done', id: message.id, outcomes });
  });

  answer({
    type: 'ready',
    journalMode: String(db.pragma('journal_mode', { simple: true })),
    synchronous: Number(db.pragma('synchronous', { simple: true })),
  });
}
