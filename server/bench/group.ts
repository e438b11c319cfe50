/**
 * `npm run bench -- group`: fan-out in one big group whose members acknowledge delivery as the
 * desktop engine does (`receipt:delivered` for the newest seq, debounced 300 ms per conversation).
 *
 * The group, its users and their devices are seeded through the store's own API (no sign-ups, no
 * password hashing), then a real server runs as a child process (server-process.ts) and this
 * process connects one socket.io client per member. Senders (a few members, in turn) send at a
 * fixed open-loop rate; latency is the time from the scheduled send to each member's socket
 * receiving the event. The generator shares the machine's cores with the server, so its CPU is
 * reported next to the server's.
 *
 * Knobs: BENCH_GROUP_STEPS (default "256:100,1000:50", members:rate pairs), BENCH_GROUP_SECONDS
 * (measured seconds per step, default 10), BENCH_GROUP_WARMUP_S (default 2), BENCH_SERVER_NODE_ARGS
 * (extra node flags for the server process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", which
 * NODE_OPTIONS does not allow).
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, timeOrderedId } from '@chitchat/shared';
import { deriveKeys, loadServerSecret } from '../src/services/secrets';
import { signAccessToken } from '../src/services/tokens';
import { openSqliteStore } from '../src/store/sqlite/index';
import { benchTempDir, startChild, stopAllChildren } from './children';
import { machineBusyMs, processCpuMs } from './proc';

const here = path.dirname(fileURLToPath(import.meta.url));
const DEBOUNCE_MS = 300; // the engine's deliveredDebounceMs
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
  generatorCpu: number;
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

async function connectAll(url: string, tokens: readonly string[]): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < tokens.length; i += 50) {
    const batch = tokens.slice(i, i + 50).map(
      (token) =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connectSocket(url, {
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
            auth: { token, protocol: PROTOCOL_VERSION },
          });
          const timer = setTimeout(() => reject(new Error('connect timed out')), 30_000);
          socket.once('connect', () => {
            clearTimeout(timer);
            resolve(socket);
          });
          socket.once('connect_error', (error: Error) => {
            clearTimeout(timer);
            reject(error);
          });
        }),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

async function runStep(step: Step, seconds: number, warmupS: number): Promise<GroupStepResult> {
  const data = benchTempDir('chitchat-bench-group-');
  try {
    const { users, conversationId } = await seed(data.dir, step.members);
    const server = await startChild(
      'chitchat',
      path.join(here, 'server-process.ts'),
      { BENCH_DATA_DIR: data.dir },
      (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== ''),
    );
    const sockets = await connectAll(
      server.url,
      users.map((u) => u.token),
    );
    const latencies: number[] = [];
    // Only messages scheduled inside the measured window count (not the warm-up's backlog).
    let measuredFrom = Number.POSITIVE_INFINITY;
    let measuredTo = Number.POSITIVE_INFINITY;
    let receipts = 0;
    let delivered = 0;
    sockets.forEach((socket) => {
      let newest = 0;
      let timer: NodeJS.Timeout | undefined;
      socket.on('event', (event: { seq: number; payload?: { text?: string | null } }) => {
        const sentAt = Number(event.payload?.text?.split(' ')[0]);
        if (sentAt >= measuredFrom && sentAt < measuredTo) {
          latencies.push(performance.now() - sentAt);
          delivered++;
        }
        newest = Math.max(newest, event.seq);
        // As the engine: one delivered receipt per conversation per debounce window.
        timer ??= setTimeout(() => {
          timer = undefined;
          receipts++;
          socket.emit('receipt:delivered', { conversationId, seq: newest }, () => undefined);
        }, DEBOUNCE_MS);
      });
    });

    const send = (index: number, scheduledAt: number) => {
      const socket = sockets[index % Math.min(SENDERS, sockets.length)];
      socket?.emit(
        'message:send',
        { conversationId, clientMsgId: randomUUID(), text: `${scheduledAt} bench` },
        () => undefined,
      );
    };
    const schedule = async (durationS: number) => {
      const start = performance.now();
      const total = Math.round(durationS * step.rate);
      for (let i = 0; i < total; i++) {
        const at = start + (i * 1000) / step.rate;
        const wait = at - performance.now();
        if (wait > 1) await sleep(wait);
        send(i, at);
      }
      return total;
    };
    await schedule(warmupS);
    await sleep(1000);
    measuredFrom = performance.now();
    const cpuBefore = process.cpuUsage();
    const serverBefore = processCpuMs(server.pid);
    const machineBefore = machineBusyMs();
    const wallStart = performance.now();
    const sent = await schedule(seconds);
    measuredTo = performance.now();
    const expected = sent * step.members; // every member's socket, the sender's own too
    const deadline = performance.now() + 10_000;
    while (delivered < expected && performance.now() < deadline) await sleep(50);
    const wall = performance.now() - wallStart;
    const cpu = process.cpuUsage(cpuBefore);
    const serverAfter = processCpuMs(server.pid);
    const machineAfter = machineBusyMs();
    for (const socket of sockets) socket.close();
    await server.stop();
    latencies.sort((a, b) => a - b);
    return {
      ...step,
      sent,
      delivered,
      expected,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      receipts,
      serverCpu:
        serverBefore === null || serverAfter === null
          ? null
          : ((serverAfter - serverBefore) / wall) * 100,
      serverCpuMsPerMessage:
        serverBefore === null || serverAfter === null ? null : (serverAfter - serverBefore) / sent,
      generatorCpu: ((cpu.user + cpu.system) / 1000 / wall) * 100,
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
  console.log(
    `group fan-out with delivery receipts: ${steps.map((s) => `${s.members} members at ${s.rate} msg/s`).join(', ')}; ${seconds} s measured after ${warmupS} s warm-up; ${SENDERS} senders in turn; every member sends receipt:delivered debounced ${DEBOUNCE_MS} ms (as the engine)`,
  );
  console.log(
    `machine: ${cpus().length} cores, node ${process.version}; the generator (this process, one socket per member) and the server share them, and so do other users of the machine (busy = whole machine, % of one core)`,
  );
  console.log(
    'members  rate  sent  delivered/expected   p50 ms   p99 ms   max ms  receipts  srv cpu%  srv ms/msg  gen cpu%  busy%',
  );
  const results: GroupStepResult[] = [];
  for (const step of steps) {
    const r = await runStep(step, seconds, warmupS);
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
        fmt(r.machineBusy).padStart(6),
      ].join(' '),
    );
  }
  return results;
}
