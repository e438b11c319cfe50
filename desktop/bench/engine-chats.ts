/**
 * The engine at a real account's size (npm run bench -- engine-chats; also part of `engine`): an
 * account of 1,000 direct chats on a real server. Prints the first sync of the 1,000 chats, then the
 * catch-up of 10,000 messages written while the device was offline (10 per chat), measured from the
 * engine's start until its chat list shows every chat's newest message, with the engine's CPU time.
 * The server runs in its own process (as in real use: its receipts work does not share the
 * engine's event loop), restarted on the same port and data; fixtures are written between runs
 * through the server store's own methods, as the browser suites do.
 * Knobs: BENCH_CHATS (1000), BENCH_CHAT_MESSAGES (10); BENCH_NO_RECEIPTS=1 holds back the engine's
 * delivered receipts (one server commit per chat) to show their share of the time.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../../server/src/store/sqlite/index';
import { benchTempDir, startChild, type ChildServer } from '../../server/bench/children';
import { freePort } from '../../server/test/net';
import type { ConversationView } from '../src/common/contract';
import { memorySecretStore, type SecretStore } from '../src/core/api-client';
import { ChatClient } from '../src/core/chat-client';
import { seedDirect, seedMessages, seedPerson } from '../test/seed';
import { nodeHost } from '../src/core/host.node.ts';

/** Runs `work` over `items`, `width` at a time (the store batches concurrent appends). */
async function inBatches<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += width)
    await Promise.all(items.slice(i, i + width).map(work));
}

/**
 * Starts an engine on the profile and resolves with the time until a `conversations` event shows
 * `done`, and how many list events it took. Checks only the emitted lists (no extra queries).
 */
async function timeUntilList(
  profileDir: string,
  secrets: SecretStore,
  done: (list: ConversationView[]) => boolean,
  timeoutMs = 600_000,
): Promise<{ ms: number; cpuMs: number; lists: number; client: ChatClient }> {
  const client = new ChatClient({
    host: nodeHost,
    profileDir,
    secrets,
    device: { name: 'bench', platform: 'linux' },
    sync: {
      pageSize: 200,
      ...(process.env.BENCH_NO_RECEIPTS === '1' ? { deliveredDebounceMs: 600_000 } : {}),
    },
  });
  let lists = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  const finished = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench: timed out')), timeoutMs);
    const off = client.events.on('conversations', (list) => {
      lists++;
      if (done(list)) {
        clearTimeout(timer);
        off();
        resolve(performance.now() - start);
      }
    });
  });
  await client.start();
  const ms = await finished;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, lists, client };
}

const here = path.dirname(fileURLToPath(import.meta.url));

export async function runEngineChatsBench(log: (line: string) => void = console.log) {
  const chats = Number(process.env.BENCH_CHATS ?? 1000);
  const perChat = Number(process.env.BENCH_CHAT_MESSAGES ?? 10);
  const data = benchTempDir('chitchat-engine-chats-');
  const profileDir = path.join(data.dir, 'profile');
  const dataDir = path.join(data.dir, 'server');
  const port = await freePort();
  let server: ChildServer | null = null;
  const startServerProcess = async () => {
    server = await startChild('chitchat', path.join(here, '../../server/bench/server-process.ts'), {
      BENCH_DATA_DIR: dataDir,
      BENCH_PORT: String(port),
    });
    return server;
  };
  /** CPU time of the server process since it started (it is restarted before each run). */
  const serverCpuMs = async () => {
    const stats = await server?.stats();
    return stats ? (stats.cpuUserUs + stats.cpuSystemUs) / 1000 : Number.NaN;
  };
  /** Writes fixtures with the server stopped, through its store. */
  const withStore = async (work: (store: ReturnType<typeof openSqliteStore>) => Promise<void>) => {
    await server?.stop();
    server = null;
    const store = openSqliteStore(dataDir);
    try {
      await work(store);
    } finally {
      await store.close();
    }
  };
  try {
    const { url } = await startServerProcess();
    const secrets = memorySecretStore();
    const first = new ChatClient({
      host: nodeHost,
      profileDir,
      secrets,
      device: { name: 'bench', platform: 'linux' },
    });
    const session = await first.signUp({
      serverUrl: url,
      username: `bench_chats_${process.pid}`,
      password: 'correct horse battery',
    });
    await first.stop();
    if (session.status !== 'signed_in') throw new Error('not signed in');
    const me = session.user.id;

    const seedStart = performance.now();
    const now = Date.now();
    const conversations: { id: string; peer: string }[] = [];
    await withStore(async (store) => {
      await inBatches(
        Array.from({ length: chats }, (_, i) => i),
        50,
        async (i) => {
          const peer = await seedPerson(store, `Contact ${i + 1}`);
          const id = await seedDirect(store, me, peer);
          await seedMessages(store, id, [
            { from: peer, text: `hello ${i} #0`, at: now - 86_400_000 + i },
          ]);
          conversations[i] = { id, peer };
        },
      );
    });
    log(
      `engine  chats seed       ${chats.toLocaleString('en')} chats with 1 message each in ${((performance.now() - seedStart) / 1000).toFixed(1)} s (server store)`,
    );

    // 1. A device's first sync of the account: the list, then each chat's newest page.
    await startServerProcess();
    let serverCpuBefore = await serverCpuMs();
    const firstSync = await timeUntilList(
      profileDir,
      secrets,
      (list) => list.length === chats && list.every((c) => c.lastMessage?.text?.endsWith('#0')),
    );
    const firstServerCpu = (await serverCpuMs()) - serverCpuBefore;
    await firstSync.client.idle();
    await firstSync.client.stop();
    log(
      `engine  chats first sync ${chats.toLocaleString('en')} chats in ${firstSync.ms.toFixed(0)} ms, engine CPU ${firstSync.cpuMs.toFixed(0)} ms, server CPU ${firstServerCpu.toFixed(0)} ms (${firstSync.lists} list events)`,
    );

    // 2. Offline while every chat gets `perChat` more messages; then the catch-up.
    await withStore(async (store) => {
      await inBatches(conversations, 50, async ({ id, peer }) => {
        await seedMessages(
          store,
          id,
          Array.from({ length: perChat }, (_, k) => ({
            from: peer,
            text: `news ${k + 1} #${k + 1}`,
            at: now + k,
          })),
        );
      });
    });
    await startServerProcess();
    serverCpuBefore = await serverCpuMs();
    const total = chats * perChat;
    const catchUp = await timeUntilList(
      profileDir,
      secrets,
      (list) =>
        list.length === chats && list.every((c) => c.lastMessage?.text?.endsWith(`#${perChat}`)),
    );
    const catchUpServerCpu = (await serverCpuMs()) - serverCpuBefore;
    await catchUp.client.stop();
    log(
      `engine  chats catch-up   ${total.toLocaleString('en')} messages over ${chats.toLocaleString('en')} chats in ${catchUp.ms.toFixed(0)} ms = ${Math.round(total / (catchUp.ms / 1000)).toLocaleString('en')} messages/s, engine CPU ${catchUp.cpuMs.toFixed(0)} ms, server CPU ${catchUpServerCpu.toFixed(0)} ms (${catchUp.lists} list events; aim: seconds, was 69-76 s)`,
    );
  } finally {
    await (server as ChildServer | null)?.stop();
    data.remove();
    rmSync(profileDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runEngineChatsBench();
}
