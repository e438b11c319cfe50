import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Worker } from 'node:worker_threads';
import { StoreRefusal } from '../types';
import type { BatchWrite, BatchWriteKind, BatchWriteKinds } from './batch-writes';
import type { CommitThreadFault, FromCommitThread, ToCommitThread } from './commit-thread';
import { driverPath } from './driver';

export interface CommitQueueOptions {
  /** Called on the server thread after each batch committed (counts, checkpoint trigger). */
  afterCommit?: () => void;
  /** Told once, when the commit thread cannot be started again: every batched write fails then. */
  onFailure?: (message: string) => void;
  /** Tests only: makes the first commit thread (or every one) die at a chosen point. */
  fault?: CommitThreadFault & { everyThread?: boolean };
}

export interface CommitStats {
  /** A commit thread is running (it starts with the first write). */
  running: boolean;
  /** Batches committed. */
  batches: number;
  /** Times the thread died and was started again. */
  restarts: number;
  /** Why batched writes fail for good (the thread could not be started again), or null. */
  failure: string | null;
}

export interface CommitQueue {
  /** Queues a write: it commits with the others of its event-loop turn, and resolves after the fsync. */
  write<K extends BatchWriteKind>(
    kind: K,
    item: BatchWriteKinds[K]['item'],
  ): Promise<BatchWriteKinds[K]['result']>;
  /** Runs a pragma on the thread's connection, now and on every later thread (by its name). */
  pragma(pragma: string): void;
  /** The committing connection's journal mode and `synchronous` level (starts the thread). */
  settings(): Promise<{ journalMode: string; synchronous: number }>;
  stats(): CommitStats;
  /** Commits what is queued, then stops the thread. */
  close(): Promise<void>;
}

/** Thrown to the writers of a batch whose thread died before answering. */
export class CommitThreadStopped extends Error {
  override name = 'CommitThreadStopped';
}

/** Deaths in a row (no batch committed in between) after which the queue gives up. */
const MAX_RESTARTS = 3;

/**
 * The worker's source: ./commit-thread.ts and what it imports, bundled into one CommonJS script by
 * esbuild (which tsx, running the server, is built on), once per process. Loading TypeScript in the
 * thread through tsx took about a second per thread on a busy machine; the bundle starts in tens of
 * milliseconds, and later threads (a restart, another store in the same process) reuse it.
 */
let threadSource: Promise<string> | undefined;
const commitThreadSource = (): Promise<string> =>
  (threadSource ??= build({
    stdin: {
      contents: `
        const { parentPort, workerData } = require('node:worker_threads');
        const { serveCommits } = require('./commit-thread.ts');
        const Database = require(workerData.driver);
        serveCommits(new Database(workerData.file, { fileMustExist: true }), parentPort, workerData.fault, workerData.pragmas);
      `,
      resolveDir: path.dirname(fileURLToPath(import.meta.url)),
      loader: 'js',
    },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0] ?? '20'}`,
    write: false,
    logLevel: 'silent',
  }).then((result) => {
    const text = result.outputFiles[0]?.text;
    if (text === undefined) throw new Error('esbuild produced no commit thread');
    return text;
  }));

interface Pending {
  write: BatchWrite;
  resolve: (result: BatchWriteKinds[BatchWriteKind]['result']) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit on a thread of its own. The writes queued during one turn of the event loop, and
 * those queued while a batch is committing, go to the commit thread as one batch: one IMMEDIATE
 * transaction, in the order they were queued, one version stamp, one fsync (`synchronous=FULL`).
 * The server's event loop never waits for the disk: it hands over a batch and answers each writer
 * when the thread reports the commit, so every ack still follows the fsync (DESIGN §6.1). A write
 * refused with a StoreRefusal wrote nothing and disturbs no other; anything else fails the whole
 * batch (every writer gets the error and may retry: the writes are idempotent).
 *
 * If the thread dies, the writers of the batch it held get a CommitThreadStopped (the batch may or
 * may not have committed, as with a lost connection; a retry returns the first answer), and a new
 * thread takes the next batch. After MAX_RESTARTS deaths in a row, or a thread that never starts,
 * every batched write fails and `onFailure` is told: the server reports itself not ready.
 */
export function commitQueue(file: string, options: CommitQueueOptions = {}): CommitQueue {
  const workerData = {
    driver: driverPath,
    file,
  };
  let threadsStarted = 0;
  /** Pragmas by name ("wal_autocheckpoint = 1000" is kept under wal_autocheckpoint). */
  const pragmas = new Map<string, string>();
  const pending: Pending[] = [];
  let inFlight: { id: number; entries: Pending[] } | null = null;
  let thread: Worker | undefined;
  let ready = false;
  let settings: { journalMode: string; synchronous: number } | null = null;
  type Settings = { journalMode: string; synchronous: number };
  const settingsWaiters: { resolve: (value: Settings) => void; reject: (error: Error) => void }[] =
    [];
  let idleWaiters: (() => void)[] = [];
  let flushScheduled = false;
  let nextId = 1;
  let deathsInARow = 0;
  let closing = false;
  const stats: CommitStats = { running: false, batches: 0, restarts: 0, failure: null };

  /** The thread keeps the process alive only while someone waits for it (an ack still to go out). */
  const holdProcess = () => {
    if (inFlight !== null || pending.length > 0 || settingsWaiters.length > 0) thread?.ref();
    else thread?.unref();
  };

  const settle = () => {
    holdProcess();
    if (inFlight !== null || pending.length > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const fail = (reason: string) => {
    stats.failure = `SQLite commit thread failed: ${reason}`;
    options.onFailure?.(stats.failure);
    const error = new Error(stats.failure);
    for (const entry of pending.splice(0)) entry.reject(error);
    for (const waiter of settingsWaiters.splice(0)) waiter.reject(error);
    settle();
  };

  const answered = (message: FromCommitThread) => {
    switch (message.type) {
      case 'ready': {
        ready = true;
        settings = { journalMode: message.journalMode, synchronous: message.synchronous };
        for (const waiter of settingsWaiters.splice(0)) waiter.resolve(settings);
        flush();
        settle();
        return;
      }
      case 'done':
      case 'failed': {
        const batch = inFlight;
        if (batch === null || batch.id !== message.id) return;
        inFlight = null;
        if (message.type === 'failed') {
          const error = Object.assign(new Error(message.message), { code: message.code });
          for (const entry of batch.entries) entry.reject(error);
        } else {
          deathsInARow = 0;
          stats.batches++;
          options.afterCommit?.();
          message.outcomes.forEach((outcome, index) => {
            const entry = batch.entries[index];
            if (entry === undefined) return;
            if (outcome.ok) entry.resolve(outcome.result);
            else entry.reject(new StoreRefusal(outcome.refusal));
          });
        }
        flush();
        settle();
        return;
      }
    }
  };

  const died = (worker: Worker, reason: string) => {
    if (thread !== worker) return;
    thread = undefined;
    stats.running = false;
    const wasReady = ready;
    ready = false;
    const batch = inFlight;
    inFlight = null;
    if (batch !== null) {
      const error = new CommitThreadStopped(
        `the commit thread stopped before answering (${reason}); the writes may or may not have committed: retry them`,
      );
      for (const entry of batch.entries) entry.reject(error);
    }
    if (closing) return settle();
    deathsInARow++;
    if (!wasReady || deathsInARow > MAX_RESTARTS) return fail(reason);
    stats.restarts++;
    flush();
    settle();
  };

  let starting = false;
  const start = () => {
    if (starting) return;
    starting = true;
    commitThreadSource().then(
      (source) => {
        starting = false;
        if (!closing) spawn(source);
      },
      (error: unknown) => {
        starting = false;
        fail(`its source could not be built: ${String(error)}`);
      },
    );
  };

  const spawn = (source: string) => {
    const fault =
      options.fault !== undefined && (threadsStarted === 0 || options.fault.everyThread === true)
        ? options.fault
        : null;
    threadsStarted++;
    const worker = new Worker(source, {
      eval: true,
      workerData: { ...workerData, fault, pragmas: [...pragmas.values()] },
    });
    let lastError = '';
    worker.on('message', answered);
    worker.on('error', (error) => (lastError = error.message));
    worker.on('exit', (code) => died(worker, lastError || `exit code ${code}`));
    thread = worker;
    stats.running = true;
    holdProcess();
  };
  // Built now, so that the first write waits only for the thread to start.
  void commitThreadSource().catch(() => undefined);

  function flush(): void {
    flushScheduled = false;
    if (inFlight !== null || pending.length === 0 || stats.failure !== null) return;
    if (thread === undefined) start();
    holdProcess();
    if (!ready || thread === undefined) return; // `ready` flushes
    const entries = pending.splice(0);
    inFlight = { id: nextId++, entries };
    const message: ToCommitThread = {
      type: 'batch',
      id: inFlight.id,
      writes: entries.map((entry) => entry.write),
    };
    thread.postMessage(message);
  }

  return {
    write<K extends BatchWriteKind>(kind: K, item: BatchWriteKinds[K]['item']) {
      return new Promise<BatchWriteKinds[K]['result']>((resolve, reject) => {
        if (stats.failure !== null) return reject(new Error(stats.failure));
        if (closing) return reject(new Error('The store is closed.'));
        // The kind names the item's and the result's types: the pair travels together.
        const write = { kind, item } as BatchWrite;
        pending.push({
          write,
          resolve,
          reject,
        });
        if (!flushScheduled && inFlight === null) {
          flushScheduled = true;
          setImmediate(flush);
        }
      });
    },
    pragma(pragma) {
      pragmas.set(pragma.split('=')[0]?.trim() ?? pragma, pragma);
      // A thread not listening yet gets it queued on its port, after those it started with.
      thread?.postMessage({ type: 'pragma', pragma } satisfies ToCommitThread);
    },
    settings() {
      if (settings !== null) return Promise.resolve(settings);
      if (stats.failure !== null) return Promise.reject(new Error(stats.failure));
      if (thread === undefined) start();
      return new Promise((resolve, reject) => {
        settingsWaiters.push({ resolve, reject });
        holdProcess();
      });
    },
    stats: () => ({ ...stats }),
    async close() {
      // What is queued still commits (a drain waits for its acks), then the thread stops.
      await new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settle();
      });
      closing = true;
      const worker = thread;
      if (worker === undefined) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ type: 'stop' } satisfies ToCommitThread);
      // A thread stuck in a commit is stopped the hard way: its connection dies with it.
      const timer = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
