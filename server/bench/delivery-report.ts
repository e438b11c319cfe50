/** The delivery bench's printed tables and summary lines (see delivery.ts). */
import { cpus } from 'node:os';
import type { DeliveryBenchOptions, TargetRun } from './delivery';
import type { StepResult } from './delivery-step';

export const fmt = (value: number | null, digits = 1) =>
  value === null || Number.isNaN(value) ? '-' : value.toFixed(digits);

const COLUMNS: Array<[string, number]> = [
  ['target/s', 8],
  ['sent/s', 7],
  ['messages', 8],
  ['delivered', 9],
  ['lost', 5],
  ['p50 ms', 7],
  ['p99 ms', 7],
  ['max ms', 7],
  ['held', 4],
  ['| gen late p99', 14],
  ['gen lag p99', 11],
  ['gen cpu%', 8],
  ['| srv cpu%', 10],
  ['srv elu', 7],
  ['| other cpu%', 11],
];

function row(cells: string[]): string {
  return cells.map((cell, i) => cell.padStart((COLUMNS[i] as [string, number])[1])).join('  ');
}

export function header(): string {
  return row(COLUMNS.map(([name]) => name));
}

export function stepRow(r: StepResult): string {
  return row([
    String(r.rate),
    fmt(r.achievedRate, 0),
    String(r.total),
    String(r.delivered),
    String(r.lost),
    fmt(r.p50),
    fmt(r.p99),
    fmt(r.max),
    r.held ? 'yes' : 'no',
    fmt(r.emitLateP99),
    fmt(r.loopLagP99),
    fmt(r.generatorCpu, 0),
    fmt(r.serverCpu, 0),
    fmt(r.serverElu, 2),
    fmt(r.otherCpu, 0),
  ]);
}

const generatorBound = (r: StepResult) =>
  r.emitLateP99 > 20 || r.loopLagP99 > 20 || r.generatorCpu > 85;
/** Other processes took more than a quarter of a core: the step's numbers are disturbed. */
export const contended = (r: StepResult) => r.otherCpu !== null && r.otherCpu > 25;

export function stepNotes(r: StepResult): string[] {
  const notes: string[] = [];
  const errors = Object.entries(r.ackErrors);
  if (errors.length > 0)
    notes.push(`acks refused: ${errors.map(([code, n]) => `${code} x${n}`).join(', ')}`);
  if (r.noAck > 0) notes.push(`${r.noAck} sends never acked`);
  if (r.undelivered > 0) notes.push(`${r.undelivered} not delivered within the grace period`);
  if (r.duplicates > 0) notes.push(`${r.duplicates} delivered twice`);
  if (generatorBound(r))
    notes.push(
      `generator behind schedule (emit late p99 ${fmt(r.emitLateP99)} ms, loop lag p99 ${fmt(r.loopLagP99)} ms, max ${fmt(r.loopLagMax)} ms, cpu ${fmt(r.generatorCpu, 0)}%): latencies include generator delay`,
    );
  if (contended(r))
    notes.push(
      `other processes on the machine used ${fmt(r.otherCpu, 0)}% of a core during this step: numbers disturbed`,
    );
  return notes;
}

/** A step whose numbers say more about the machine or the generator than about the server. */
export const disturbed = (r: StepResult) => generatorBound(r) || contended(r);

function causes(step: StepResult): string {
  const list: string[] = [];
  if (generatorBound(step)) list.push('generator behind schedule');
  if (contended(step)) list.push(`other processes used ${fmt(step.otherCpu, 0)}% of a core`);
  return list.length > 0 ? ` [disturbed: ${list.join(', ')}]` : '';
}

function limitText(run: TargetRun): string {
  const step = run.limit;
  const parts: string[] = [];
  if (step === null)
    parts.push(
      run.highestHeld === 0
        ? 'no step was measured'
        : `no higher step failed: the real ceiling is above ${run.highestHeld} msg/s`,
    );
  else
    parts.push(
      `lowest step above it, ${step.rate} msg/s, not held (p99 ${fmt(step.p99)} ms, lost ${step.lost}, server elu ${fmt(step.serverElu, 2)})${causes(step)}`,
    );
  if (run.notHeldBelow.length > 0)
    parts.push(
      `lower steps not held: ${run.notHeldBelow.map((s) => `${s.rate} msg/s${causes(s)}`).join('; ')}`,
    );
  return parts.join('; ');
}

/** "highest rate held, <label>  <rate>  <what limited it>", one line per run. */
export function printHighestHeld(runs: TargetRun[], labelWidth = 10): void {
  for (const run of runs) {
    const held = run.highestHeld === 0 ? 'none' : `${run.highestHeld} msg/s`;
    console.log(
      `  highest rate held, ${run.label.padEnd(labelWidth)}  ${held.padEnd(10)}  ${limitText(run)}`,
    );
  }
}

/** Whether the generator kept its schedule and other processes kept away, over all kept steps. */
export function printDisturbance(runs: TargetRun[]): void {
  const behind = runs.flatMap((run) =>
    run.steps.filter(generatorBound).map((s) => `${run.label} ${s.rate}/s`),
  );
  console.log(
    behind.length > 0
      ? `  generator behind schedule (emit late or loop lag p99 > 20 ms, or cpu > 85%) at: ${behind.join(', ')}`
      : '  generator kept its schedule in every step (emit late and loop lag p99 <= 20 ms, cpu <= 85%)',
  );
  const contendedSteps = runs.flatMap((run) =>
    run.steps.filter(contended).map((s) => `${run.label} ${s.rate}/s`),
  );
  console.log(
    contendedSteps.length > 0
      ? `  disturbed by other processes (> 25% of a core) in the kept measurements: ${contendedSteps.join(', ')}; rerun on a quiet machine`
      : '  no kept measurement was disturbed by other processes (<= 25% of a core)',
  );
}

/**
 * CPU time per message at each run's highest held step, for the server and for the generator that
 * shares the machine with it: what a message costs, and why a ceiling is where it is.
 */
export function printCpuPerMessage(runs: TargetRun[], labelWidth = 10): void {
  const perMessage = (cpuPercent: number | null, rate: number) =>
    cpuPercent === null || rate <= 0 ? null : (cpuPercent / 100) * (1e6 / rate);
  for (const run of runs) {
    const step = run.steps.find((s) => s.held && s.rate === run.highestHeld);
    if (step === undefined) continue;
    const server = perMessage(step.serverCpu, step.achievedRate);
    const generator = perMessage(step.generatorCpu, step.achievedRate);
    const total = server !== null && generator !== null ? server + generator : null;
    console.log(
      `  cpu per message, ${run.label.padEnd(labelWidth)}    at ${step.rate} msg/s: server ${fmt(server)} us + generator ${fmt(generator)} us = ${fmt(total)} us (the machine has ${cpus().length} cores: ${(cpus().length * 1e6).toLocaleString('en-US')} us of CPU per second)`,
    );
  }
}

export function printSummary(options: DeliveryBenchOptions, runs: TargetRun[]): void {
  const chitchat = runs.find((r) => r.label === 'chitchat');
  const relay = runs.find((r) => r.label === 'bare relay');
  console.log(`\nsummary (held = p99 < ${options.heldP99Ms} ms and nothing lost)`);
  printHighestHeld(runs);

  if (chitchat && relay) {
    if (relay.highestHeld === 0) {
      console.log('  ratio chitchat / relay         undefined (the relay held no step)');
    } else {
      // The aim as set: the highest rates held in this run, generator and servers sharing this
      // machine's cores.
      const value = chitchat.highestHeld / relay.highestHeld;
      // Without a failed step above it, a rate held is no ceiling (the ladder stopped first).
      const unreached = [chitchat, relay].filter((r) => r.limit === null).map((r) => r.label);
      const verdict =
        unreached.length > 0
          ? `undetermined: no step above the highest held failed for ${unreached.join(' and ')}`
          : value >= 0.5
            ? 'met'
            : 'not met';
      console.log(
        `  ratio chitchat / relay         ${value.toFixed(2)} (highest rates held in this run)   [aim >= 0.50 on this machine: ${verdict}]`,
      );
      // As a ratio of the servers' own ceilings: a ceiling is exact when the step above it failed
      // undisturbed; a step where the generator fell behind (or other processes took the CPU)
      // may have failed for that, so the rate held below it is only a lower bound.
      const chitchatExact = chitchat.limit !== null && !disturbed(chitchat.limit);
      const relayExact = relay.limit !== null && !disturbed(relay.limit);
      const bound =
        chitchatExact && relayExact
          ? 'exact: both limit steps failed undisturbed'
          : chitchatExact
            ? "at most this: the relay's ceiling was not reached or its limit step was disturbed"
            : relayExact
              ? "at least this: chitchat's ceiling was not reached or its limit step was disturbed"
              : 'undetermined: neither ceiling was reached in an undisturbed step';
      console.log(`    as a ratio of server ceilings   ${bound}`);
    }
  }
  printCpuPerMessage(runs);
  for (const run of runs) {
    const ref = run.steps.find((s) => s.rate === options.referenceRate);
    const refText =
      ref === undefined
        ? 'not measured'
        : `p99 ${fmt(ref.p99)} ms, p50 ${fmt(ref.p50)} ms, lost ${ref.lost}${causes(ref)}`;
    let aim = '';
    if (run.label === 'chitchat' && ref !== undefined) {
      const met = ref.p99 < 50 && ref.lost === 0;
      aim = `   [aim p99 < 50 ms: ${met ? 'met' : disturbed(ref) ? 'not met in this disturbed run' : 'not met'}]`;
    }
    console.log(
      `  at ${options.referenceRate} msg/s, ${run.label.padEnd(10)}     ${refText}${aim}`,
    );
  }
  printDisturbance(runs);
}
