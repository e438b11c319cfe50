/**
 * Delivery across processes: the delivery bench's schedule (delivery.ts) on chitchat scaled out to
 * two server processes, against the same load on one process.
 *
 * The two processes share one fresh SQLite DATA_DIR and one redis-server that this bench starts on
 * a free port of 127.0.0.1 with no persistence (`--save '' --appendonly no`) and stops at the end,
 * on error too; both get the same JWT_SECRET and raised rate limits, the second starts only once
 * the first listens (it migrates the fresh SQLite file first). The users and chats are those of
 * the delivery bench, but user 2k connects to process 1 and its peer 2k+1 to process 2: every
 * message is sent on one process and delivered by the other, through Redis (Socket.io streams
 * adapter). In the table, srv cpu% is both processes and redis-server together, srv elu the busier
 * process's.
 *
 * One process: the `chitchat` run of the delivery bench when it ran just before in the same
 * `npm run bench` with the same schedule, otherwise measured here first (the default single-node
 * mode: no Redis). Same knobs as the delivery bench (BENCH_RATES, BENCH_STEP_S, ...).
 * Without redis-server on PATH the bench says so loudly and skips.
 */
import { randomBytes } from 'node:crypto';
import { findExecutable, startRedisServer, stopAllChildren, type RedisChild } from './children';
import {
  deliveryOptionsFromEnv,
  printPreamble,
  runTarget,
  type DeliveryBenchOptions,
  type DeliveryBenchResult,
  type TargetRun,
} from './delivery';
import { chitchatTarget } from './delivery-targets';
import type { StepResult } from './delivery-step';
import {
  disturbed,
  fmt,
  printCpuPerMessage,
  printDisturbance,
  printHighestHeld,
} from './delivery-report';

export interface ClusterBenchResult {
  options: DeliveryBenchOptions;
  /** Null when the bench was skipped (no redis-server). */
  oneProcess: TargetRun | null;
  twoProcesses: TargetRun | null;
}

const ONE = '1 process';
const TWO = '2 processes';

/** Whether two option sets run the same schedule on the same users (so their runs compare). */
function sameSchedule(a: DeliveryBenchOptions, b: DeliveryBenchOptions): boolean {
  const keys = [
    'pairs',
    'stepS',
    'warmupS',
    'graceS',
    'tickMs',
    'referenceRate',
    'heldP99Ms',
    'maxRate',
    'refine',
    'retries',
  ] as const;
  return keys.every((key) => a[key] === b[key]) && a.rates.join() === b.rates.join();
}

/**
 * Runs the cluster bench. `previous`: the delivery bench's result from the same invocation, whose
 * chitchat run serves as the one-process measurement when its schedule is the same.
 */
export async function runDeliveryClusterBench(
  previous?: DeliveryBenchResult,
): Promise<ClusterBenchResult> {
  const options = deliveryOptionsFromEnv();
  const redisServer = findExecutable('redis-server');
  if (redisServer === null) {
    console.log(
      '\n*** SKIPPING delivery-cluster: redis-server not found on PATH; install it with: apt-get install -y redis-server ***\n',
    );
    return { options, oneProcess: null, twoProcesses: null };
  }
  await printPreamble(
    'delivery-cluster bench',
    options,
    'server side (cpu% of one core; with two processes both plus redis-server, summed; elu = event-loop utilization, the busier process)',
  );
  console.log(
    `two processes: one SQLite DATA_DIR, one redis-server (${redisServer}, 127.0.0.1, --save '' --appendonly no), one JWT_SECRET; user 2k on process 1, its peer 2k+1 on process 2: every delivery crosses Redis`,
  );

  const earlier =
    previous !== undefined && sameSchedule(previous.options, options)
      ? previous.runs.find((run) => run.label === 'chitchat')
      : undefined;
  let oneProcess: TargetRun;
  let redis: RedisChild | undefined;
  let twoProcesses: TargetRun;
  try {
    if (earlier !== undefined) {
      oneProcess = { ...earlier, label: ONE };
      console.log(
        `\n${ONE}: the chitchat run of the delivery bench above (same schedule), not measured again`,
      );
    } else {
      oneProcess = await runTarget(
        ONE,
        () => chitchatTarget(options.pairs, { label: ONE, processes: 1 }),
        options,
      );
    }

    redis = await startRedisServer(redisServer);
    const { url, pid } = redis;
    const jwtSecret = randomBytes(32).toString('base64url'); // 43 characters
    twoProcesses = await runTarget(
      TWO,
      () =>
        chitchatTarget(options.pairs, {
          label: TWO,
          processes: 2,
          env: { BENCH_REDIS_URL: url, BENCH_JWT_SECRET: jwtSecret },
          helpers: [{ name: 'redis-server', pid }],
        }),
      options,
    );
  } finally {
    await redis?.stop();
    await stopAllChildren();
  }
  printComparison(options, oneProcess, twoProcesses, earlier !== undefined);
  return { options, oneProcess, twoProcesses };
}

const COLUMNS: Array<[string, number]> = [
  ['target/s', 8],
  [`| ${ONE} p50`, 15],
  ['p99', 7],
  ['held', 5],
  [`| ${TWO} p50`, 17],
  ['p99', 7],
  ['held', 5],
  ['| p50 2p/1p', 11],
  ['p99 2p/1p', 9],
];

function row(cells: string[]): string {
  return cells.map((cell, i) => cell.padStart((COLUMNS[i] as [string, number])[1])).join('  ');
}

/** held, marked `*` when the measurement was disturbed; `-` when the rate was not measured. */
const heldCell = (step: StepResult | undefined) =>
  step === undefined ? '-' : `${step.held ? 'yes' : 'no'}${disturbed(step) ? '*' : ''}`;

const ratio = (two: StepResult | undefined, one: StepResult | undefined, key: 'p50' | 'p99') =>
  two === undefined || one === undefined || !(one[key] > 0) ? '-' : fmt(two[key] / one[key], 2);

function printComparison(
  options: DeliveryBenchOptions,
  one: TargetRun,
  two: TargetRun,
  reused: boolean,
): void {
  const rates = [...new Set([...one.steps, ...two.steps].map((step) => step.rate))].sort(
    (a, b) => a - b,
  );
  console.log(
    `\none process vs two processes, same schedule (latency in ms; * = disturbed measurement: generator behind or other processes > 25% of a core)`,
  );
  console.log(row(COLUMNS.map(([name]) => name)));
  for (const rate of rates) {
    const a = one.steps.find((step) => step.rate === rate);
    const b = two.steps.find((step) => step.rate === rate);
    console.log(
      row([
        String(rate),
        fmt(a?.p50 ?? null),
        fmt(a?.p99 ?? null),
        heldCell(a),
        fmt(b?.p50 ?? null),
        fmt(b?.p99 ?? null),
        heldCell(b),
        ratio(b, a, 'p50'),
        ratio(b, a, 'p99'),
      ]),
    );
  }

  console.log(`\nsummary (held = p99 < ${options.heldP99Ms} ms and nothing lost)`);
  if (reused) console.log(`  ${ONE}: measured by the delivery bench above`);
  printHighestHeld([one, two], TWO.length);
  printCpuPerMessage([one, two], TWO.length);
  const both = rates.filter(
    (rate) =>
      one.steps.find((step) => step.rate === rate)?.held === true &&
      two.steps.find((step) => step.rate === rate)?.held === true,
  );
  const top = both.at(-1);
  if (top === undefined) console.log('  no rate was held by both');
  else {
    const a = one.steps.find((step) => step.rate === top) as StepResult;
    const b = two.steps.find((step) => step.rate === top) as StepResult;
    console.log(
      `  at ${top} msg/s, the highest rate both held: p50 ${fmt(a.p50)} -> ${fmt(b.p50)} ms, p99 ${fmt(a.p99)} -> ${fmt(b.p99)} ms (one -> two processes)`,
    );
  }
  printDisturbance([one, two]);
}
