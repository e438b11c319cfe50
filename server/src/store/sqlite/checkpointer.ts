import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqliteDatabase } from './database';

/** What the background thread last reported (frames as `PRAGMA wal_checkpoint` counts them). */
export interface CheckpointReport {
  /** Frames in the write-ahead log when the checkpoint ran. */
  log: number;
  /** Of those, frames now copied into the database file. */
  checkpointed: number;
  mode: 'PASSIVE' | 'RESTART';
}

export interface CheckpointStats {
  /** The background thread runs (it starts once the log has grown, see `startAtWalBytes`). */
  running: boolean;
  /** Checkpoints that found something to copy. */
  checkpoints: number;
  last: CheckpointReport | null;
  /** Why the thread stopped, when it failed (checkpoints then fall back to the committing thread). */
  failure: string | null;
}

export interface BackgroundCheckpoints {
  /** Call after a write transaction commits: may start the thread once the log has grown. */
  afterCommit: () => void;
  stats: () => CheckpointStats;
  /** Resolves with the next report of a checkpoint that copied frames. */
  nextCheckpoint: () => Promise<CheckpointReport>;
  /** Stops the thread and closes its connection; call before closing the database. */
  close(): Promise<void>;
}

export interface CheckpointOptions {
  /** The write-ahead log's size at which the thread starts (default 4 MiB, SQLite's own trigger). */
  startAtWalBytes?: number;
  /**
   * Pause between checkpoints while the log grows (default 50 ms). A page written again and again
   * (an index's last leaf, a busy chat's row) is copied once per round: at 10 ms the thread spent
   * about four times the CPU for the same log (send-path bench, 64 messages per commit).
   */
  intervalMs?: number;
  /** Pause between checkpoints while it does not (default 100 ms). */
  idleIntervalMs?: number;
  /**
   * A log this long is checkpointed with RESTART, which makes writers wait, so it cannot grow on
   * (default 65,536 frames, 256 MiB with 4 KiB pages).
   */
  restartAtFrames?: number;
  /** The SQLite driver module the thread loads (default better-sqlite3; tests name a broken one). */
  driver?: string;
}

/** SQLite's default automatic checkpoint (frames), restored when the thread fails. */
const DEFAULT_AUTOCHECKPOINT = 1000;
/** With the thread running, the committing connection checkpoints only past this (a safety net). */
const SAFETY_AUTOCHECKPOINT = 16_384;
/** A log that was started over is truncated back to this size. */
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

/**
 * The body of the checkpoint thread: its own connection to the file; a PASSIVE checkpoint (which
 * never blocks writers) every `intervalMs` while the log grows, every `idleIntervalMs` while it
 * does not. The log starts over from its beginning only at a write that finds it wholly copied,
 * which small, frequent rounds make likely even under unbroken writes; RESTART (which makes the
 * server's writes wait) only if the log got long all the same. Plain CommonJS, evaluated as the
 * worker's source.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
// Never OFF: a checkpoint must sync the database file before the log can start over.
db.pragma('synchronous = FULL');
let timer;
let stopped = false;
let previous = { log: -1, checkpointed: -1 };
function tick() {
  if (stopped) return;
  let moved = false;
  try {
    let mode = 'PASSIVE';
    let row = db.pragma('wal_checkpoint(PASSIVE)')[0];
    if (row.log >= workerData.restartAtFrames) {
      mode = 'RESTART';
      row = db.pragma('wal_checkpoint(RESTART)')[0];
    }
    moved = row.log !== previous.log || row.checkpointed !== previous.checkpointed;
    previous = row;
    if (moved && row.checkpointed > 0) {
      parentPort.postMessage({ type: 'checkpoint', log: row.log, checkpointed: row.checkpointed, mode });
    }
  } catch (error) {
    // SQLITE_BUSY: another connection checkpoints or holds the lock; the next tick tries again.
    if (!error || error.code !== 'SQLITE_BUSY') throw error;
  }
  // Soon again while the log moves (small rounds catch up with its end, so the next write can
  // start it over); at leisure while the server is quiet.
  timer = setTimeout(tick, moved ? workerData.intervalMs : workerData.idleIntervalMs);
}
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  stopped = true;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
timer = setTimeout(tick, 0);
`;

/**
 * Moves WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit
 * that crosses its threshold: it copies every page of the log into the database file and syncs
 * it, stalling the server for milliseconds every few hundred commits. Once the log has grown
 * (so a quiet server or a test never starts a thread), a worker thread with its own connection
 * checkpoints instead; the committing connection keeps a much higher automatic threshold as a
 * safety net, and gets SQLite's default back if the thread ever fails.
 */
export function backgroundCheckpoints(
  db: SqliteDatabase,
  file: string,
  options: CheckpointOptions = {},
): BackgroundCheckpoints {
  const startAtWalBytes = options.startAtWalBytes ?? 4 * 1024 * 1024;
  const walFile = `${file}-wal`;
  let worker: Worker | undefined;
  let closing = false;
  let commitsSinceLook = 0;
  const stats: CheckpointStats = { running: false, checkpoints: 0, last: null, failure: null };
  let waiters: ((report: CheckpointReport) => void)[] = [];

  const walBytes = (): number => {
    try {
      return statSync(walFile).size;
    } catch {
      return 0;
    }
  };

  const stopped = (failure: string | null) => {
    worker = undefined;
    stats.running = false;
    if (failure !== null && !closing) {
      stats.failure = failure;
      if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    }
  };

  const start = () => {
    const thread = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file,
        driver: options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3'),
        intervalMs: options.intervalMs ?? 50,
        idleIntervalMs: options.idleIntervalMs ?? 100,
        restartAtFrames: options.restartAtFrames ?? 4 * SAFETY_AUTOCHECKPOINT,
      },
    });
    thread.unref();
    thread.on('message', (message: { type: 'checkpoint' } & CheckpointReport) => {
      const report = { log: message.log, checkpointed: message.checkpointed, mode: message.mode };
      stats.checkpoints++;
      stats.last = report;
      const ready = waiters;
      waiters = [];
      for (const resolve of ready) resolve(report);
    });
    thread.on('error', (error) => stopped(error.message));
    thread.on('exit', (code) => {
      if (worker === thread) stopped(code === 0 ? null : `checkpoint thread exited with ${code}`);
    });
    worker = thread;
    stats.running = true;
    db.pragma(`wal_autocheckpoint = ${SAFETY_AUTOCHECKPOINT}`);
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
  };

  return {
    afterCommit() {
      if (worker !== undefined || closing || stats.failure !== null) return;
      // A stat call is cheap, but not free: look every 16th commit.
      if (++commitsSinceLook < 16) return;
      commitsSinceLook = 0;
      if (walBytes() >= startAtWalBytes) start();
    },
    stats: () => ({ ...stats }),
    nextCheckpoint: () => new Promise((resolve) => waiters.push(resolve)),
    async close() {
      closing = true;
      const thread = worker;
      if (thread === undefined) return;
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      thread.postMessage('stop');
      // A thread stuck in a checkpoint is stopped the hard way: its connection dies with it.
      const timer = setTimeout(() => void thread.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
      stopped(null);
    },
  };
}
