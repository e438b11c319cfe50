/**
 * `npm run bench -- group`: fan-out in one big group whose members acknowledge delivery as the
 * desktop engine does (`receipt:delivered` for the newest seq, one per conversation per wait: 300 ms,
 * and 0.9-1.5 s at a random point in groups above 256 members: deliveredReceiptDelayMs).
 *
 * The group, its users and their devices are seeded through the store's own API (no sign-ups, no
 * password hashing), then a real server runs as a child process (server-process.ts) and this
 * members connect, one socket.io client each (group-members.ts). The senders (a few members, in
 * turn) are in this process and send at a fixed open-loop rate; the other members are spread over
 * BENCH_GROUP_CLIENT_PROCS client processes (group-clients.ts, default 4), as real members are on
 * machines of their own: one process receiving every member's copy of every message was a load
 * generator at a full core, measuring its own delay. Latency is the time from the scheduled send
 * to each member's socket receiving the event, on the machine's wall clock. The generator (this
 * process and its client processes) shares the machine's cores with the server, so its CPU is
 * reported next to the server's.
 *
 * Knobs: BENCH_GROUP_STEPS (default "256:100,1000:50", members:rate pairs), BENCH_GROUP_SECONDS
 * (measured seconds per step, default 10), BENCH_GROUP_WARMUP_S (default 2), BENCH_GROUP_CLIENT_PROCS
 * (client processes, default 4; 0 keeps every member in this process), BENCH_SERVER_NODE_ARGS
 * (extra node flags for the server process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", which
 * NODE_OPTIONS does not allow), BENCH_GROUP_CLIENT_NODE_ARGS (the same for the client processes).
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import {
  DELIVERED_DEBOUNCE_MS,
  LARGE_GROUP_RECEIPT_MEMBERS,
  timeOrderedId,
} from '@chitchat/shared';
import { deriveKeys, loadServerSecret } from '../src/services/secrets';
import { signAccessToken } from '../src/services/tokens';
import { openSqliteStore } from '../src/store/sqlite/index';
import { benchTempDir, forkBenchProcess, startChild, stopAllChildren } from './children';
import {
  connectMembers,
  epochNow,
  awaitLatencies,
  recordMembers,
  type FromClients,
  type ToClients,
} from './group-members';
import { machineBusyMs, processCpuMs } from './proc';

const here = path.dirname(fileURLToPath(import.meta.url));
const SENDERS = 4;

interface Step {
  members: number;
  rate: number;
}

export interface GroupStepResult extends Step {
  sent: number;
  delivered: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
  receipts: number;
  serverCpu: number | null;
  /** Server CPU time per message sent (its fan-out and the receipts it causes): load-independent. */
  serverCpuMsPerMessage: number | null;
  /** This process and its client processes together, % of one core. */
  generatorCpu: number;
  /** The generator's CPU time per message sent (its members receiving and acknowledging it). */
  generatorCpuMsPerMessage: number;
  /** The busiest single generator process, % of one core (one at 100% is a bottleneck). */
  generatorMaxCpu: number;
  clientProcesses: number;
  machineBusy: number | null;
}

function stepsFromEnv(): Step[] {
  const spec = process.env.BENCH_GROUP_STEPS ?? '256:100,1000:50';
  return spec.split(',').map((pair) => {
    const [members, rate] = pair.split(':').map(Number);
    if (!Number.isInteger(members) || !Number.isFinite(rate) || members === undefined || !rate)
      throw new Error(`BENCH_GROUP_STEPS: bad step "${pair}" (members:rate)`);
    return { members, rate };
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return (
    sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] ?? 0
  );
}

/** Users, devices and the group, written straight into a fresh store; returns access tokens. */
async function seed(dataDir: string, members: number) {
  const store = openSqliteStore(dataDir);
  const keys = deriveKeys(loadServerSecret(dataDir, undefined));
  const users: { userId: string; token: string }[] = [];
  try {
    for (let i = 0; i < members; i++) {
      const userId = randomUUID();
      const deviceId = randomUUID();
      const at = Date.now();
      await store.createUser({
        id: userId,
        username: `bench_${i}`,
        displayName: `Bench ${i}`,
        passwordHash: 'not-a-password',
        createdAt: at,
      });
      await store.createDevice(
        {
          id: deviceId,
          userId,
          name: 'bench',
          platform: 'linux',
          createdAt: at,
          lastSeenAt: at,
          refreshTokenHash: randomUUID(),
          previousRefreshTokenHash: null,
          rotatedAt: null,
          revokedAt: null,
        },
        10,
      );
      users.push({
        userId,
        token: await signAccessToken(keys.accessToken, { userId, deviceId }, 3600),
      });
    }
    const conversationId = randomUUID();
    const [owner, ...rest] = users;
    if (owner === undefined) throw new Error('a group needs members');
    await store.createGroup({
      id: timeOrderedId(),
      userId: owner.userId,
      deviceId: null,
      at: Date.now(),
      conversationId,
      title: 'bench',
      memberIds: rest.map((u) => u.userId),
    });
    return { users, conversationId };
  } finally {
    await store.close();
  }
}

/** A client process holding a share of the members, and how to talk to it. */
interface ClientProcess {
  child: ChildProcess;
  send(message: ToClients): void;
  next<T extends FromClients['type']>(type: T): Promise<Extract<FromClients, { type: T }>>;
}

function startClientProcess(): ClientProcess {
  const { child } = forkBenchProcess(
    path.join(here, 'group-clients.ts'),
    {},
    (process.env.BENCH_GROUP_CLIENT_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== ''),
  );
  return {
    child,
    send: (message) => child.send(message),
    next: (type) =>
      new Promise((resolve, reject) => {
        const onMessage = (message: FromClients) => {
          if (message.type === 'error') reject(new Error(`group client: ${message.message}`));
          else if (message.type === type)
            resolve(message as Extract<FromClients, { type: typeof type }>);
          else return;
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        const onExit = (code: number | null) => {
          child.off('message', onMessage);
          reject(
            new Error(`group client exited (code ${code}) while the bench waited for "${type}"`),
          );
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
      }),
  };
}

const clientProcessesFromEnv = (): number => {
  const raw = process.env.BENCH_GROUP_CLIENT_PROCS;
  const count = raw === undefined || raw.trim() === '' ? 4 : Number(raw);
  if (!Number.isInteger(count) || count < 0)
    throw new Error('BENCH_GROUP_CLIENT_PROCS must be a whole number');
  return count;
};

async function runStep(
  step: Step,
  seconds: number,
  warmupS: number,
  processes: number,
): Promise<GroupStepResult> {
  const data = benchTempDir('chitchat-bench-group-');
  try {
    const { users, conversationId } = await seed(data.dir, step.members);
    const server = await startChild(
      'chitchat',
      path.join(here, 'server-process.ts'),
      { BENCH_DATA_DIR: data.dir },
      (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== ''),
    );
    const tokens = users.map((u) => u.token);
    // The senders stay here, so the schedule is kept by a process that receives little.
    const local = processes === 0 ? tokens : tokens.slice(0, SENDERS);
    const remote = processes === 0 ? [] : tokens.slice(SENDERS);
    const shares = Array.from({ length: Math.min(processes, remote.length) }, (_, k) =>
      remote.filter((_, index) => index % processes === k),
    );
    const clients = shares.map(() => startClientProcess());
    const sockets = await connectMembers(server.url, local);
    await Promise.all(
      clients.map((client, k) => {
        const connected = client.next('connected');
        client.send({
          type: 'connect',
          url: server.url,
          tokens: shares[k] ?? [],
          conversationId,
          members: step.members,
        });
        return connected;
      }),
    );
    const record = recordMembers(sockets, conversationId, step.members);

    const send = (index: number, scheduledAt: number) => {
      const socket = sockets[index % Math.min(SENDERS, sockets.length)];
      socket?.emit(
        'message:send',
        { conversationId, clientMsgId: randomUUID(), text: `${scheduledAt} bench` },
        () => undefined,
      );
    };
    const schedule = async (durationS: number) => {
      const start = epochNow();
      const total = Math.round(durationS * step.rate);
      for (let i = 0; i < total; i++) {
        const at = start + (i * 1000) / step.rate;
        const wait = at - epochNow();
        if (wait > 1) await sleep(wait);
        send(i, at);
      }
      return total;
    };
    await schedule(warmupS);
    await sleep(1000);
    // Only messages scheduled inside the measured window count (not the warm-up's backlog).
    const measuredFrom = epochNow();
    for (const client of clients) client.send({ type: 'measure' });
    const cpuBefore = process.cpuUsage();
    const clientsBefore = clients.map((c) => processCpuMs(c.child.pid ?? -1));
    const serverBefore = processCpuMs(server.pid);
    const machineBefore = machineBusyMs();
    const wallStart = performance.now();
    const sent = await schedule(seconds);
    const measuredTo = epochNow();
    const deadline = Date.now() + 10_000;
    const results = await Promise.all(
      clients.map((client, k) => {
        const result = client.next('result');
        client.send({
          type: 'finish',
          from: measuredFrom,
          to: measuredTo,
          expected: sent * (shares[k]?.length ?? 0),
          deadline,
        });
        return result;
      }),
    );
    const expected = sent * step.members; // every member's socket, the sender's own too
    const latencies = await awaitLatencies(
      record,
      measuredFrom,
      measuredTo,
      sent * local.length,
      deadline,
    );
    const wall = performance.now() - wallStart;
    const cpu = process.cpuUsage(cpuBefore);
    const serverAfter = processCpuMs(server.pid);
    const machineAfter = machineBusyMs();
    // From /proc, as the server's: the client processes' own counts stop when they answered.
    const clientCpu = clients.map((c, k) => {
      const after = processCpuMs(c.child.pid ?? -1);
      const before = clientsBefore[k];
      return after === null || before === null || before === undefined ? 0 : after - before;
    });
    for (const socket of sockets) socket.close();
    await server.stop();
    // Not push(...latencies): a client process's share (125,000 at 1,000 members) overflows the stack.
    for (const result of results) for (const latency of result.latencies) latencies.push(latency);
    latencies.sort((a, b) => a - b);
    const ownCpuMs = (cpu.user + cpu.system) / 1000;
    return {
      ...step,
      sent,
      delivered: latencies.length,
      expected,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      receipts: record.receipts + results.reduce((sum, r) => sum + r.receipts, 0),
      serverCpu:
        serverBefore === null || serverAfter === null
          ? null
          : ((serverAfter - serverBefore) / wall) * 100,
      serverCpuMsPerMessage:
        serverBefore === null || serverAfter === null ? null : (serverAfter - serverBefore) / sent,
      generatorCpu: ((ownCpuMs + clientCpu.reduce((a, b) => a + b, 0)) / wall) * 100,
      generatorCpuMsPerMessage: (ownCpuMs + clientCpu.reduce((a, b) => a + b, 0)) / sent,
      generatorMaxCpu: (Math.max(ownCpuMs, ...clientCpu) / wall) * 100,
      clientProcesses: clients.length,
      machineBusy:
        machineBefore === null || machineAfter === null
          ? null
          : ((machineAfter - machineBefore) / wall) * 100,
    };
  } finally {
    await stopAllChildren();
    data.remove();
  }
}

const fmt = (value: number | null, digits = 0) =>
  value === null || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);

export async function runGroupBench(): Promise<GroupStepResult[]> {
  const steps = stepsFromEnv();
  const seconds = Number(process.env.BENCH_GROUP_SECONDS ?? 10);
  const warmupS = Number(process.env.BENCH_GROUP_WARMUP_S ?? 2);
  const processes = clientProcessesFromEnv();
  console.log(
    `group fan-out with delivery receipts: ${steps.map((s) => `${s.members} members at ${s.rate} msg/s`).join(', ')}; ${seconds} s measured after ${warmupS} s warm-up; ${SENDERS} senders in turn (in this process), the other members in ${processes === 0 ? 'this process too' : `${processes} client processes`}; every member sends receipt:delivered as the engine does (debounced ${DELIVERED_DEBOUNCE_MS} ms; above ${LARGE_GROUP_RECEIPT_MEMBERS} members ${3 * DELIVERED_DEBOUNCE_MS}-${5 * DELIVERED_DEBOUNCE_MS} ms, at a random point)`,
  );
  console.log(
    `machine: ${cpus().length} cores, node ${process.version}; the generator (this process and its client processes, one socket per member) and the server share them, and so do other users of the machine (busy = whole machine, % of one core; gen max = the busiest generator process)`,
  );
  console.log(
    'members  rate  sent  delivered/expected   p50 ms   p99 ms   max ms  receipts  srv cpu%  srv ms/msg  gen cpu%  gen ms/msg  gen max%  busy%',
  );
  const results: GroupStepResult[] = [];
  for (const step of steps) {
    const r = await runStep(step, seconds, warmupS, processes);
    results.push(r);
    console.log(
      [
        String(r.members).padStart(7),
        String(r.rate).padStart(5),
        String(r.sent).padStart(5),
        `${r.delivered}/${r.expected}`.padStart(19),
        fmt(r.p50).padStart(8),
        fmt(r.p99).padStart(8),
        fmt(r.max).padStart(8),
        String(r.receipts).padStart(9),
        fmt(r.serverCpu).padStart(9),
        fmt(r.serverCpuMsPerMessage, 2).padStart(11),
        fmt(r.generatorCpu).padStart(9),
        fmt(r.generatorCpuMsPerMessage, 2).padStart(11),
        fmt(r.generatorMaxCpu).padStart(9),
        fmt(r.machineBusy).padStart(6),
      ].join(' '),
    );
  }
  return results;
}
