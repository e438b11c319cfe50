/** One step of the delivery bench's open-loop schedule: send at a rate, measure latency, loss and CPU (see delivery.ts). */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ChildStats } from './ipc';
import { machineBusyMs, processCpuMs } from './proc';
import type { DeliveryBenchOptions } from './delivery';
import type { Target } from './delivery-targets';

// ------------------------------------------------------------------------------------------------
// The open-loop schedule
// ------------------------------------------------------------------------------------------------

export interface StepResult {
  rate: number;
  /** Messages sent in the step, warm-up included. */
  total: number;
  /** Messages of the measured window (after the warm-up). */
  measured: number;
  /** Send rate actually achieved over the measured window. */
  achievedRate: number;
  delivered: number;
  /** Not delivered by the deadline, or not acked ok: the union. */
  lost: number;
  undelivered: number;
  ackErrors: Record<string, number>;
  noAck: number;
  duplicates: number;
  p50: number;
  p99: number;
  max: number;
  /** Generator: how late messages were emitted relative to their schedule (p99, ms). */
  emitLateP99: number;
  /** Generator: event-loop delay during the step (p99 and max, ms). */
  loopLagP99: number;
  loopLagMax: number;
  /** CPU, in percent of one core, over the sending part of the step. */
  generatorCpu: number;
  /** All server processes (and the cluster's redis-server) together. */
  serverCpu: number | null;
  /** Busy CPU of the machine not used by the generator or the server (other processes). */
  otherCpu: number | null;
  /** Server event-loop utilization (0..1) over the sending part of the step; the busiest server's. */
  serverElu: number | null;
  held: boolean;
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function cpuPercent(before: NodeJS.CpuUsage, after: NodeJS.CpuUsage, wallMs: number): number {
  return ((after.user - before.user + after.system - before.system) / 1000 / wallMs) * 100;
}

/** Event-loop utilization of a server between two of its answers (null when one is missing). */
function serverElu(before: ChildStats | null, after: ChildStats | null): number | null {
  if (before === null || after === null) return null;
  const active = after.eluActiveMs - before.eluActiveMs;
  const idle = after.eluIdleMs - before.eluIdleMs;
  return active + idle > 0 ? active / (active + idle) : null;
}

/** The busiest server's event-loop utilization (null when any server did not answer). */
function busiestElu(before: Array<ChildStats | null>, after: Array<ChildStats | null>) {
  const each = before.map((b, i) => serverElu(b, after[i] ?? null));
  return each.some((elu) => elu === null) ? null : Math.max(...(each as number[]));
}

/** CPU time of all `pids` together, in ms (null when one cannot be read). */
function cpuMsOf(pids: readonly number[]): number | null {
  let sum = 0;
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms === null) return null;
    sum += ms;
  }
  return sum;
}

const delta = (before: number | null, after: number | null) =>
  before === null || after === null ? null : after - before;

export const loopDelay = monitorEventLoopDelay({ resolution: 5 });

export async function runStep(
  target: Target,
  stepIndex: number,
  rate: number,
  options: DeliveryBenchOptions,
): Promise<StepResult> {
  const users = target.sockets.length;
  const total = Math.round(rate * (options.warmupS + options.stepS));
  const warmCount = Math.min(total, Math.ceil(rate * options.warmupS));
  const intervalMs = 1000 / rate;
  const prefix = `s${stepIndex}-`;
  const scheduled = new Float64Array(total);
  const emittedAt = new Float64Array(total);
  const receivedAt = new Float64Array(total).fill(Number.NaN);
  const ackState = new Uint8Array(total); // 0 none, 1 ok, 2 refused
  const ackErrors: Record<string, number> = {};
  let received = 0;
  let acked = 0;
  let duplicates = 0;
  // Spread the senders: message i goes from user (i + offset) % users to that user's peer.
  const offset = (stepIndex * 7) % users;
  const senderOf = (i: number) => (i + offset) % users;
  const text = (id: string) => `delivery bench message ${id}, about as long as a short chat line`;

  target.onDeliver = (receiver, clientMsgId) => {
    if (!clientMsgId.startsWith(prefix)) return; // a late echo of an earlier step
    const i = Number(clientMsgId.slice(prefix.length));
    if (!(i >= 0 && i < total)) return;
    if (receiver !== target.peerOf[senderOf(i)]) return; // the sender's own copy
    if (!Number.isNaN(receivedAt[i])) {
      duplicates++;
      return;
    }
    receivedAt[i] = performance.now();
    received++;
  };

  const serverPids = [...target.servers, ...target.helpers].map((child) => child.pid);
  const statsOfServers = () => Promise.all(target.servers.map((server) => server.stats()));
  const serverBefore = await statsOfServers();
  const cpuBefore = process.cpuUsage();
  const serverCpuBefore = cpuMsOf(serverPids);
  const machineBefore = machineBusyMs();
  loopDelay.reset();
  const start = performance.now() + 5;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
      while (sent < due) {
        const i = sent++;
        const clientMsgId = `${prefix}${i}`;
        scheduled[i] = start + i * intervalMs;
        emittedAt[i] = performance.now();
        target.inflight++;
        target.send(senderOf(i), clientMsgId, text(clientMsgId), (ok, code) => {
          target.inflight--;
          if (ackState[i] !== 0) return;
          acked++;
          if (ok) ackState[i] = 1;
          else {
            ackState[i] = 2;
            const key = code ?? 'unknown';
            ackErrors[key] = (ackErrors[key] ?? 0) + 1;
          }
        });
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, options.tickMs);
  });
  const sendEnd = performance.now();
  const wallMs = sendEnd - start;
  const generatorCpu = cpuPercent(cpuBefore, process.cpuUsage(), wallMs);
  const serverCpuMs = delta(serverCpuBefore, cpuMsOf(serverPids));
  const machineMs = delta(machineBefore, machineBusyMs());
  const loopLagP99 = loopDelay.percentile(99) / 1e6;
  const loopLagMax = loopDelay.max / 1e6;
  // Under saturation the server answers late or not at all: its utilization is then unknown ('-').
  const serverAfter = await statsOfServers();

  const deadline = sendEnd + options.graceS * 1000;
  while ((received < total || acked < total) && performance.now() < deadline) await sleep(10);
  target.onDeliver = () => {};

  const latencies: number[] = [];
  const lateness: number[] = [];
  let undelivered = 0;
  let lost = 0;
  for (let i = 0; i < total; i++) {
    const got = receivedAt[i] as number;
    const missing = Number.isNaN(got);
    if (missing) undelivered++;
    if (missing || ackState[i] !== 1) lost++;
    if (i >= warmCount) {
      lateness.push((emittedAt[i] as number) - (scheduled[i] as number));
      if (!missing) latencies.push(got - (scheduled[i] as number));
    }
  }
  const sorted = Float64Array.from(latencies).sort();
  const lateSorted = Float64Array.from(lateness).sort();
  const measured = total - warmCount;
  const firstEmit = emittedAt[warmCount] as number;
  const lastEmit = emittedAt[total - 1] as number;
  const achievedRate =
    measured > 1 && lastEmit > firstEmit ? (measured - 1) / ((lastEmit - firstEmit) / 1000) : 0;
  const p99 = percentile(sorted, 99);
  const serverCpu = serverCpuMs === null ? null : (serverCpuMs / wallMs) * 100;
  const otherCpu =
    machineMs === null || serverCpu === null
      ? null
      : Math.max(0, (machineMs / wallMs) * 100 - generatorCpu - serverCpu);
  return {
    rate,
    total,
    measured,
    achievedRate,
    delivered: total - undelivered,
    lost,
    undelivered,
    ackErrors,
    noAck: total - acked,
    duplicates,
    p50: percentile(sorted, 50),
    p99,
    max: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
    emitLateP99: percentile(lateSorted, 99),
    loopLagP99,
    loopLagMax,
    generatorCpu,
    serverCpu,
    otherCpu,
    serverElu: busiestElu(serverBefore, serverAfter),
    held: lost === 0 && p99 < options.heldP99Ms,
  };
}

/** One message from every user, all delivered: proves the wiring before any timing. */
export async function probe(target: Target): Promise<void> {
  const users = target.sockets.length;
  const pending = new Set<string>();
  const refused: string[] = [];
  target.onDeliver = (receiver, clientMsgId) => {
    if (!clientMsgId.startsWith('probe-')) return;
    const sender = Number(clientMsgId.slice('probe-'.length));
    if (receiver === target.peerOf[sender]) pending.delete(clientMsgId);
  };
  for (let i = 0; i < users; i++) {
    pending.add(`probe-${i}`);
    target.send(i, `probe-${i}`, 'probe', (ok, code) => {
      if (!ok) refused.push(`probe-${i}: ${code}`);
    });
  }
  const deadline = performance.now() + 10_000;
  while (pending.size > 0 && refused.length === 0 && performance.now() < deadline) await sleep(10);
  target.onDeliver = () => {};
  if (refused.length > 0) throw new Error(`${target.label}: probe refused: ${refused.join(', ')}`);
  if (pending.size > 0)
    throw new Error(`${target.label}: probe: ${pending.size} of ${users} messages not delivered`);
}

// ------------------------------------------------------------------------------------------------
// Output
// ------------------------------------------------------------------------------------------------
