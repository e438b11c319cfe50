/**
 * Fsync bench: how many fsync/fdatasync calls the send path makes per message, by group-commit
 * batch size, counted by `strace -c -f` (every thread, the checkpoint thread included). The durable
 * ack (DESIGN §6.1) costs one log sync per commit, so about 1/batch per message plus the
 * checkpoints' share. Each batch size runs twice in a child process (send-path set-up with no
 * messages, then with them); the difference divided by the messages is the figure.
 *
 * Needs strace (`apt-get install -y strace`); without it the bench says so and measures nothing.
 * Knobs (environment): BENCH_FSYNC_MESSAGES (per batch size, default 2,000),
 * BENCH_FSYNC_BATCHES (default 1,16,64).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FsyncResult {
  batch: number;
  messages: number;
  syncsPerMessage: number;
  synchronous: number;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const childScript = path.join('server', 'bench', 'fsync-child.ts');

/** The fsync and fdatasync calls in an `strace -c` summary. */
export function syncCallsOf(summary: string): number {
  let calls = 0;
  for (const line of summary.split('\n')) {
    const columns = line.trim().split(/\s+/);
    const name = columns.at(-1);
    if (name !== 'fsync' && name !== 'fdatasync') continue;
    calls += Number(columns[3]);
  }
  return calls;
}

async function countSyncs(
  batch: number,
  messages: number,
): Promise<{ calls: number; synchronous: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chitchat-fsync-'));
  const summaryFile = path.join(dir, 'strace.txt');
  try {
    const child = spawn(
      'strace',
      [
        '-f',
        '-c',
        '-e',
        'trace=fsync,fdatasync',
        '-o',
        summaryFile,
        process.execPath,
        '--import',
        'tsx',
        childScript,
      ],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          BENCH_FSYNC_BATCH: String(batch),
          BENCH_FSYNC_MESSAGES: String(messages),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the fsync child exited with ${code}:\n${output}`);
    const report = /\{.*"synchronous":(\d+).*\}/.exec(output);
    return {
      calls: syncCallsOf(readFileSync(summaryFile, 'utf8')),
      synchronous: Number(report?.[1] ?? -1),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runFsyncBench(): Promise<FsyncResult[]> {
  const probe = spawnSync('strace', ['-V'], { stdio: 'ignore' });
  if (probe.error !== undefined || probe.status !== 0) {
    console.log(
      'strace is not installed: no fsync count (apt-get install -y strace); the other benches run without it',
    );
    return [];
  }
  const messages = Number(process.env.BENCH_FSYNC_MESSAGES ?? 2_000);
  const batches = (process.env.BENCH_FSYNC_BATCHES ?? '1,16,64')
    .split(',')
    .map((b) => Number(b.trim()))
    .filter((b) => Number.isInteger(b) && b > 0);
  console.log(
    `fsync: send path (messaging service + SQLite store) under strace -c -f; ${messages} messages per batch size`,
  );
  console.log('batch   synchronous   fsync+fdatasync per message   commits per message');
  const results: FsyncResult[] = [];
  for (const batch of batches) {
    const baseline = await countSyncs(batch, 0);
    const measured = await countSyncs(batch, messages);
    const result = {
      batch,
      messages,
      syncsPerMessage: (measured.calls - baseline.calls) / messages,
      synchronous: measured.synchronous,
    };
    results.push(result);
    const level = ['OFF', 'NORMAL', 'FULL', 'EXTRA'][result.synchronous] ?? '?';
    console.log(
      `${String(batch).padStart(5)}   ${level.padStart(11)}   ${result.syncsPerMessage.toFixed(3).padStart(27)}   ${(1 / batch).toFixed(3).padStart(19)}`,
    );
  }
  return results;
}
