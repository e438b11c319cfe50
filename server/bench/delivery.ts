/**
 * Delivery bench: message latency from sender to peer under an open-loop schedule of rising rates,
 * for the real chitchat server and, in the same run, for a bare Socket.io relay (no auth, no
 * storage). Each server runs in its own child process; this process is the load generator: one
 * websocket-only socket.io-client per user, users paired in direct chats.
 *
 * Open loop: message i of a step is due at start + i/rate, whatever the acks do; a timer tick
 * emits every message that is due, round-robin over the senders. Latency is the time the peer's
 * socket receives the `event` carrying the message's clientMsgId minus its *scheduled* send time,
 * so a generator that falls behind shows up as latency, never as a lighter load. A message is lost
 * when the peer has not received it `graceS` after the step's last send, or when its ack is not ok
 * (or missing by then).
 *
 * Rates climb through BENCH_RATES and, while the last one holds, on by x1.5 up to BENCH_MAX_RATE;
 * once a step fails, the rate between the highest held and the lowest failed one is measured
 * (BENCH_REFINE times, geometric midpoints), so a ceiling is known to within about 10%.
 * Per step the generator also reports how late it emitted and its event-loop lag (is the
 * generator the bottleneck?), the server's CPU (/proc) and event-loop utilization (IPC), and the
 * CPU the rest of the machine used; a step disturbed by other processes is measured once more
 * when it was not held (BENCH_RETRIES per server); the less disturbed measurement is kept, both
 * printed.
 *
 * Knobs (environment): BENCH_PAIRS, BENCH_RATES, BENCH_MAX_RATE, BENCH_STEP_S, BENCH_WARMUP_S,
 * BENCH_GRACE_S, BENCH_TICK_MS, BENCH_REFERENCE_RATE, BENCH_HELD_P99_MS, BENCH_RETRIES,
 * BENCH_REFINE, BENCH_TARGETS (chitchat,relay), BENCH_SERVER_LOG_LEVEL (silent unless set),
 * BENCH_SERVER_PROF (a directory for a V8 CPU profile of the chitchat server).
 *
 * The same schedule, targets and output serve the `delivery-cluster` bench (delivery-cluster.ts):
 * chitchat on two processes sharing one SQLite file and one redis-server.
 */
import { cpus } from 'node:os';
import { stopAllChildren } from './children';
import { machineBusyMs } from './proc';
import { loopDelay, probe, runStep, sleep, type StepResult } from './delivery-step';
import { chitchatTarget, relayTarget, type Target } from './delivery-targets';
import { contended, fmt, header, printSummary, stepNotes, stepRow } from './delivery-report';

export interface DeliveryBenchOptions {
  /** Direct chats (two users each); every user sends to its peer. */
  pairs: number;
  /** Target rates (messages per second over all senders), run in this order. */
  rates: number[];
  /** Seconds measured per step, after the warm-up. */
  stepS: number;
  /** Seconds at the step's rate before measuring (sent, checked for loss, not in the latency). */
  warmupS: number;
  /** Seconds after a step's last send before an undelivered message counts as lost. */
  graceS: number;
  /** Scheduler tick of the generator, in milliseconds. */
  tickMs: number;
  /** The rate whose p99 the summary reports (and the aim: under 50 ms). */
  referenceRate: number;
  /** A step is held when p99 is under this and nothing is lost. */
  heldP99Ms: number;
  /** While the last configured rate holds, the ladder climbs (x1.5) up to this rate. */
  maxRate: number;
  /** Steps between the highest held and the lowest failed rate, measured after the climb. */
  refine: number;
  /** Steps (per server) that may be measured again when other processes disturbed them. */
  retries: number;
  /** Which servers to run. */
  targets: Array<'chitchat' | 'relay'>;
}

const numberFromEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

/** Defaults, each overridable from the environment (BENCH_PAIRS, BENCH_RATES=250,500,...). */
export function deliveryOptionsFromEnv(): DeliveryBenchOptions {
  const rates = (process.env.BENCH_RATES ?? '250,500,1000,2000,3000,4000')
    .split(',')
    .map((r) => Number(r.trim()))
    .filter((r) => Number.isFinite(r) && r > 0);
  if (rates.length === 0) throw new Error('BENCH_RATES names no rate');
  const targets = (process.env.BENCH_TARGETS ?? 'chitchat,relay')
    .split(',')
    .map((t) => t.trim())
    .filter((t): t is 'chitchat' | 'relay' => t === 'chitchat' || t === 'relay');
  return {
    pairs: Math.round(numberFromEnv('BENCH_PAIRS', 50)),
    rates,
    stepS: numberFromEnv('BENCH_STEP_S', 5),
    warmupS: numberFromEnv('BENCH_WARMUP_S', 1),
    graceS: numberFromEnv('BENCH_GRACE_S', 5),
    tickMs: numberFromEnv('BENCH_TICK_MS', 2),
    referenceRate: numberFromEnv('BENCH_REFERENCE_RATE', 2000),
    heldP99Ms: numberFromEnv('BENCH_HELD_P99_MS', 100),
    maxRate: numberFromEnv('BENCH_MAX_RATE', 64_000),
    refine: process.env.BENCH_REFINE === '0' ? 0 : Math.round(numberFromEnv('BENCH_REFINE', 2)),
    retries: process.env.BENCH_RETRIES === '0' ? 0 : Math.round(numberFromEnv('BENCH_RETRIES', 2)),
    targets: targets.length > 0 ? targets : ['chitchat', 'relay'],
  };
}

// ------------------------------------------------------------------------------------------------

export interface TargetRun {
  label: string;
  steps: StepResult[];
  /** Highest rate of a held step, or 0 when none was. */
  highestHeld: number;
  /** The first step above it that was not held: what limited the rate (null: the ceiling is higher). */
  limit: StepResult | null;
  /** Steps below the highest held rate that were not held (disturbed runs, hiccups). */
  notHeldBelow: StepResult[];
  disconnects: string[];
}

/** The next rate after the configured ones while steps keep holding: x1.5, rounded to 500. */
const nextRate = (rate: number) => Math.max(rate + 500, Math.round((rate * 1.5) / 500) * 500);

/** Highest held rate, and the lowest failed rate above it (null: none failed above it). */
function bracket(steps: readonly StepResult[]): { held: number; failed: number | null } {
  const held = Math.max(0, ...steps.filter((step) => step.held).map((step) => step.rate));
  const above = steps.filter((step) => !step.held && step.rate > held).map((step) => step.rate);
  return { held, failed: above.length > 0 ? Math.min(...above) : null };
}

/** The geometric middle of the bracket, rounded to 500; null when the bracket is that narrow. */
function midRate(steps: readonly StepResult[]): number | null {
  const { held, failed } = bracket(steps);
  if (held === 0 || failed === null) return null;
  const middle = Math.round(Math.sqrt(held * failed) / 500) * 500;
  return middle > held && middle < failed ? middle : null;
}

/**
 * Waits (at most 20 s) until the server has acked every send of the earlier steps, so that an
 * overloaded step's backlog does not spill into the next measurement.
 */
async function settle(target: Target): Promise<void> {
  const deadline = performance.now() + 20_000;
  while (target.inflight > 0 && performance.now() < deadline) await sleep(20);
  if (target.inflight > 0)
    console.log(
      `          the server still owes ${target.inflight} acks from earlier steps after 20 s; measuring anyway`,
    );
  await sleep(500); // let the server settle (GC, WAL checkpoint) before the next step
}

/**
 * Sets up a target, proves its wiring, then runs the schedule on it, printing the table as it goes:
 * the configured rates, then on by x1.5 while the last one holds; a disturbed step that was not
 * held is measured once more (BENCH_RETRIES per target). The target is closed at the end.
 */
export async function runTarget(
  label: string,
  open: () => Promise<Target>,
  options: DeliveryBenchOptions,
): Promise<TargetRun> {
  const setupStart = performance.now();
  const target = await open();
  const steps: StepResult[] = [];
  let runs = 0; // every step run, re-measurements included: keeps clientMsgIds unique
  let retriesLeft = options.retries;
  let refinesLeft = options.refine;
  loopDelay.enable();
  try {
    await probe(target);
    const pids = target.servers.map((server) => server.pid).join(', ');
    const processes = [
      `${target.servers.length === 1 ? 'server pid' : 'server pids'} ${pids}`,
      ...target.helpers.map((helper) => `${helper.name} pid ${helper.pid}`),
    ].join(', ');
    console.log(
      `\n${label}: ${target.sockets.length} users in ${target.sockets.length / 2} direct chats, ${processes}, set up in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`,
    );
    console.log(header());
    const rates = [...options.rates];
    for (let index = 0; index < rates.length; index++) {
      const rate = rates[index] as number;
      let result = await runStep(target, runs++, rate, options);
      console.log(stepRow(result));
      for (const note of stepNotes(result)) console.log(`          ${note}`);
      if (!result.held && contended(result) && retriesLeft > 0) {
        // Failed while disturbed from outside: measure the step again and keep the less disturbed
        // of the two. (A disturbed step that held needs no second look: quiet would not hurt it.)
        retriesLeft--;
        console.log(
          '          not held while disturbed by other processes: measuring this step once more',
        );
        await settle(target);
        const again = await runStep(target, runs++, rate, options);
        console.log(stepRow(again));
        for (const note of stepNotes(again)) console.log(`          ${note}`);
        if ((again.otherCpu ?? 0) <= (result.otherCpu ?? 0)) result = again;
        console.log(
          `          kept the ${result === again ? 'second' : 'first'} measurement (less disturbed)`,
        );
      }
      steps.push(result);
      if (index === rates.length - 1) {
        const failed = steps.some((step) => !step.held && step.rate > rate);
        if (result.held && !failed && nextRate(rate) <= options.maxRate) {
          // Still holding at the top of the list: keep climbing to find the ceiling.
          rates.push(nextRate(rate));
        } else if (refinesLeft > 0) {
          // Narrow the ceiling down: the rate between the highest held and lowest failed step.
          const between = midRate(steps);
          if (between !== null) {
            refinesLeft--;
            rates.push(between);
          }
        }
      }
      const last = index === rates.length - 1;
      const overloaded = result.lost > 0 || result.p99 > 1000;
      const higherNext = !last && (rates[index + 1] as number) > rate;
      if (overloaded && rate >= options.referenceRate && higherNext) {
        console.log(
          `          overloaded (lost ${result.lost}, p99 ${fmt(result.p99)} ms): higher rates skipped`,
        );
        break;
      }
      if (!last) await settle(target);
    }
  } finally {
    loopDelay.disable();
    await target.close();
  }
  if (target.disconnects.length > 0)
    console.log(
      `          ${target.disconnects.length} socket disconnects during the run: ${target.disconnects.slice(0, 5).join('; ')}`,
    );
  const { held: highestHeld, failed } = bracket(steps);
  const limit = steps.find((step) => !step.held && step.rate === failed) ?? null;
  return {
    label,
    steps,
    highestHeld,
    limit,
    notHeldBelow: steps.filter((step) => !step.held && step.rate < highestHeld),
    disconnects: target.disconnects,
  };
}

export interface DeliveryBenchResult {
  options: DeliveryBenchOptions;
  runs: TargetRun[];
}

/** Busy CPU of the whole machine over one second, in percent of one core. */
async function machineLoad(): Promise<number | null> {
  const before = machineBusyMs();
  const start = performance.now();
  await sleep(1000);
  const after = machineBusyMs();
  return before === null || after === null
    ? null
    : ((after - before) / (performance.now() - start)) * 100;
}

/**
 * The lines every delivery bench starts with: `title` and the schedule, the machine and how busy it
 * is, and the legend of the table (`serverSide` says what "srv" measures).
 */
export async function printPreamble(
  title: string,
  options: DeliveryBenchOptions,
  serverSide = 'server process (cpu% of one core, elu = event-loop utilization)',
): Promise<void> {
  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `${title}: ${options.pairs} direct chats (${2 * options.pairs} users), rates ${options.rates.join(', ')} msg/s (then x1.5 while held, up to ${options.maxRate}; then ${options.refine} steps between the highest held and lowest failed rate), ${options.warmupS} s warm-up + ${options.stepS} s measured per step, loss deadline ${options.graceS} s after the last send, a step not held while other processes disturbed it is measured again (up to ${options.retries} per server)`,
  );
  const idle = await machineLoad();
  console.log(
    `machine: ${cpus().length} cores (${cpuModel}), node ${process.version}, busy before start ${fmt(idle, 0)}% of a core; generator (this process) and each server (a child process) share the cores; traffic on 127.0.0.1 only`,
  );
  console.log(
    'latency = peer socket receives the event - scheduled send time (open loop); held = p99 < ' +
      `${options.heldP99Ms} ms and nothing lost; gen = load generator, srv = ${serverSide}, other = the rest of the machine`,
  );
}

export async function runDeliveryBench(
  overrides: Partial<DeliveryBenchOptions> = {},
): Promise<DeliveryBenchResult> {
  const options = { ...deliveryOptionsFromEnv(), ...overrides };
  await printPreamble('delivery bench', options);
  const runs: TargetRun[] = [];
  try {
    for (const name of options.targets) {
      if (name === 'chitchat')
        runs.push(await runTarget('chitchat', () => chitchatTarget(options.pairs), options));
      else runs.push(await runTarget('bare relay', () => relayTarget(options.pairs), options));
    }
  } finally {
    await stopAllChildren();
  }
  printSummary(options, runs);
  return { options, runs };
}
