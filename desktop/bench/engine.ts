/**
 * Engine benchmarks (npm run bench -- engine): applying a 10,000-message catch-up, the first page of
 * a conversation holding 100,000 messages, and local search over 1,000,000 messages, all of chat text
 * in a mix of scripts (chat-text.ts). Prints figures; asserts nothing. Sizes can be lowered for a
 * quick look: BENCH_SEARCH_MESSAGES=100000.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ConversationEvent } from '@chitchat/shared';
import { summaryOf } from '../test/factories';
import { randomUUID } from 'node:crypto';
import { call, connect, http, startServer } from '@chitchat/server/testing';
import { memorySecretStore } from '../src/core/api-client';
import { ChatClient } from '../src/core/chat-client';
import { LocalStore } from '../src/core/local-store/index';
import { nodeSqlDriver } from '../src/core/local-store/driver.node.ts';
import type { SqlDriver } from '../src/core/local-store/sql';
import { loadSqliteWasm, wasmSqlDriver } from '../src/core/local-store/sqlite-wasm';
import { runEngineChatsBench } from './engine-chats';
import { MIXED_QUERIES, mixedSentenceMaker } from './chat-text';
import { nodeHost } from '../src/core/host.node.ts';

const COMMON = (
  'the quick brown fox jumps over lazy dog meeting tomorrow lunch dinner coffee project deadline ' +
  'review release bug fix deploy server client message photo video call holiday weekend family ' +
  'birthday party football match weather rain sunny train station airport hotel booking price ' +
  'invoice payment budget report draft slides agenda minutes follow plan idea question answer'
).split(' ');

/** A deterministic pseudo-random generator, so every run indexes the same text. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A vocabulary shaped like real chat text: a few very common words and a long tail (Zipf's law,
 * 20,000 words), so that search costs are what people's own histories produce.
 */
function vocabulary(next: () => number): { words: string[]; cumulative: number[] } {
  const syllables = [
    'ka',
    'lo',
    'mi',
    'ne',
    'ru',
    'sa',
    'ti',
    'vo',
    'ze',
    'ba',
    'do',
    'fe',
    'gi',
    'ho',
    'ju',
    'pe',
  ];
  const words = [...COMMON];
  while (words.length < 20_000) {
    const length = 2 + Math.floor(next() * 3);
    let word = '';
    for (let i = 0; i < length; i++)
      word += syllables[Math.floor(next() * syllables.length)] ?? 'x';
    words.push(word);
  }
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= words.length; rank++) {
    total += 1 / rank ** 1.07;
    cumulative.push(total);
  }
  return { words, cumulative: cumulative.map((c) => c / total) };
}

function sentenceMaker(next: () => number) {
  const { words, cumulative } = vocabulary(next);
  const pick = () => {
    const r = next();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 1) < r) lo = mid + 1;
      else hi = mid;
    }
    return words[lo] ?? 'word';
  };
  return () => {
    const length = 4 + Math.floor(next() * 12);
    const parts: string[] = [];
    for (let i = 0; i < length; i++) parts.push(pick());
    return parts.join(' ');
  };
}

const summary = (id: string) => summaryOf({ id });

function messages(
  conversationId: string,
  from: number,
  count: number,
  sentence: () => string,
): ConversationEvent[] {
  const events: ConversationEvent[] = [];
  for (let i = 0; i < count; i++) {
    const seq = from + i;
    events.push({
      id: `${conversationId}-${seq}`,
      conversationId,
      seq,
      type: 'message',
      senderUserId: seq % 2 === 0 ? 'me' : 'peer',
      senderDeviceId: null,
      createdAt: 1_700_000_000_000 + seq * 1000,
      clientMsgId: `c-${conversationId}-${seq}`,
      payload: { text: sentence(), replyToSeq: null, attachments: [] },
      editedAt: null,
      editVersion: 0,
      deletedAt: null,
    });
  }
  return events;
}

/** CPU time of this process since `start` (user and system), in ms. */
const cpuMs = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function fill(
  store: LocalStore,
  conversations: number,
  perConversation: number,
  sentence: () => string,
  batch = 5_000,
) {
  for (let c = 0; c < conversations; c++) {
    const id = `conv-${c}`;
    store.applySummary(summary(id));
    for (let seq = 1; seq <= perConversation; seq += batch) {
      store.appendEvents(
        id,
        messages(id, seq, Math.min(batch, perConversation - seq + 1), sentence),
      );
    }
  }
}

/** Resolves once `check` holds, re-checking after each engine event. */
function waitFor(
  client: ChatClient,
  check: () => Promise<boolean>,
  timeoutMs = 120_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('bench: timed out'));
    }, timeoutMs);
    let done = false;
    const evaluate = () => {
      void check().then((ok) => {
        if (ok && !done) {
          done = true;
          clearTimeout(timer);
          off();
          resolve();
        }
      });
    };
    const offs = [
      client.events.on('messages', evaluate),
      client.events.on('conversations', evaluate),
    ];
    const off = () => offs.forEach((o) => o());
    evaluate();
  });
}

/**
 * `engine-wasm` (npm run bench -- engine-wasm): the local parts (catch-up apply, first page,
 * search) over sqlite-wasm in Node, the browser host's SQLite, on its in-memory file system; the
 * same figures as `engine` prints for better-sqlite3 on a file, to set side by side.
 */
export async function runEngineWasmBench(log: (line: string) => void = console.log): Promise<void> {
  const driver = wasmSqlDriver(await loadSqliteWasm(), { kind: 'memory' });
  log(`engine  SQLite driver: ${driver.name}`);
  await runEngineBench(log, { driver, network: false });
}

export async function runEngineBench(
  log: (line: string) => void = console.log,
  /** The SQLite of the local parts; `network: false` skips the parts that run a whole engine. */
  options: { driver?: SqlDriver; network?: boolean } = {},
): Promise<void> {
  const driver = options.driver ?? nodeSqlDriver;
  const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-engine-bench-'));
  const next = random(42);
  // Chat text in a realistic mix of scripts (chat-text.ts).
  const latin = sentenceMaker(next);
  const sentence = mixedSentenceMaker(next, latin);
  try {
    // 1. Catch-up: 10,000 messages arriving as 50 pages of 200, one transaction per page.
    {
      const store = new LocalStore(driver.openDatabase(path.join(dir, 'catchup.sqlite')), 'me');
      store.applySummary(summary('c'));
      const pages: ConversationEvent[][] = [];
      for (let seq = 1; seq <= 10_000; seq += 200) pages.push(messages('c', seq, 200, sentence));
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      for (const page of pages) store.appendEvents('c', page);
      const ms = performance.now() - start;
      const cpu = cpuMs(cpuStart);
      // CPU time too: on a shared machine the wall time also counts other processes' turns.
      log(
        `engine  catch-up apply   10,000 messages in ${ms.toFixed(0)} ms = ${Math.round(10_000 / (ms / 1000)).toLocaleString('en')} messages/s (aim > 20,000); CPU ${cpu.toFixed(0)} ms = ${Math.round(10_000 / (cpu / 1000)).toLocaleString('en')} messages/s`,
      );
      store.close();
    }

    // 1b. The same over the network: an engine that was offline catches up 10,000 messages from a
    // real server (events:after pages of 500, each applied in one transaction).
    if (options.network !== false) {
      // The harness raises every rate limit.
      const server = await startServer();
      const profileDir = path.join(dir, 'profile');
      const secrets = memorySecretStore();
      const client = new ChatClient({
        host: nodeHost,
        profileDir,
        secrets,
        device: { name: 'bench', platform: 'linux' },
        sync: { pageSize: 500 },
      });
      try {
        await client.signUp({
          serverUrl: server.url,
          username: `bench_reader_${process.pid}`,
          password: 'correct horse battery',
        });
        const writer = await http<{ accessToken: string; user: { id: string } }>(
          server,
          'POST',
          '/api/auth/register',
          {
            body: { username: `bench_writer_${process.pid}`, password: 'correct horse battery' },
          },
        );
        const socket = await connect(server, writer.body.accessToken);
        const session = await client.getSession();
        if (session.status !== 'signed_in') throw new Error('not signed in');
        const chat = await call(socket, 'conversation:direct', { userId: session.user.id });
        await call(socket, 'message:send', {
          conversationId: chat.id,
          clientMsgId: randomUUID(),
          text: 'hello',
        });
        // The reader has applied the first message: from here on, it catches up page by page.
        await waitFor(
          client,
          async () =>
            (await client.openConversation(chat.id).catch(() => null))?.messages.length === 1,
        );
        await client.stop();
        const before = new LocalStore(
          nodeSqlDriver.openDatabase(
            path.join(
              profileDir,
              'accounts',
              readdirSync(path.join(profileDir, 'accounts')).find((f) => f.endsWith('.sqlite')) ??
                '',
            ),
          ),
          session.user.id,
        );
        const lastSeqBefore = before.conversation(chat.id)?.last_seq ?? 0;
        before.close();
        if (lastSeqBefore !== 1)
          throw new Error(`the reader had applied ${lastSeqBefore} messages before going offline`);
        // 10,000 messages while the reader is offline, written 100 at a time.
        const total = 10_000;
        for (let i = 0; i < total; i += 100) {
          await Promise.all(
            Array.from({ length: 100 }, (_, j) =>
              call(socket, 'message:send', {
                conversationId: chat.id,
                clientMsgId: randomUUID(),
                text: `${sentence()} #${i + j}`,
              }),
            ),
          );
        }
        socket.close();
        const reader = new ChatClient({
          host: nodeHost,
          profileDir,
          secrets,
          device: { name: 'bench', platform: 'linux' },
          sync: { pageSize: 500 },
        });
        const start = performance.now();
        await reader.start();
        await waitFor(
          reader,
          async () =>
            (await reader.openConversation(chat.id, 1)).messages[0]?.text?.endsWith(
              `#${total - 1}`,
            ) === true,
        );
        const ms = performance.now() - start;
        log(
          `engine  catch-up network 10,000 messages from a real server in ${ms.toFixed(0)} ms = ${Math.round(total / (ms / 1000)).toLocaleString('en')} messages/s (connect, list, 20 pages of 500)`,
        );
        await reader.stop();
        const after = new LocalStore(
          nodeSqlDriver.openDatabase(
            path.join(
              profileDir,
              'accounts',
              readdirSync(path.join(profileDir, 'accounts')).find((f) => f.endsWith('.sqlite')) ??
                '',
            ),
          ),
          session.user.id,
        );
        const stored = after.db
          .prepare<[string], { n: number }>(
            'SELECT COUNT(*) AS n FROM events WHERE conversation_id = ?',
          )
          .get(chat.id)?.n;
        after.close();
        if (stored !== total + 1)
          throw new Error(`the reader holds ${stored} messages, not ${total + 1}`);
      } finally {
        await client.stop();
        await server.stop();
      }
    }

    // 1c. An account of 1,000 chats: its first sync, and 10,000 messages caught up over them.
    if (options.network !== false) await runEngineChatsBench(log);

    // 2. First page of a conversation holding 100,000 messages (from the local cache).
    {
      const store = new LocalStore(driver.openDatabase(path.join(dir, 'page.sqlite')), 'me');
      fill(store, 1, 100_000, sentence);
      const times: number[] = [];
      for (let i = 0; i < 20; i++) store.latestEvents('conv-0', 50); // warm the page cache
      for (let i = 0; i < 500; i++) {
        const start = performance.now();
        store.latestEvents('conv-0', 50);
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      log(
        `engine  first page (50)  of 100,000: p50 ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms (aim < 5 ms)`,
      );
      store.close();
    }

    // 3. Search over 1,000,000 messages in 100 conversations.
    {
      const total = Number(process.env.BENCH_SEARCH_MESSAGES ?? 1_000_000);
      const store = new LocalStore(driver.openDatabase(path.join(dir, 'search.sqlite')), 'me');
      const fillStart = performance.now();
      const fillCpu = process.cpuUsage();
      fill(store, 100, Math.floor(total / 100), sentence, 10_000);
      const fillS = (performance.now() - fillStart) / 1000;
      log(
        `engine  search index     ${total.toLocaleString('en')} messages indexed in ${fillS.toFixed(1)} s (CPU ${(cpuMs(fillCpu) / 1000).toFixed(1)} s)`,
      );
      const queries = [
        'coffee',
        'dead',
        'meeting tomorrow',
        'inv',
        'holiday weekend family',
        'qu',
        'rain',
        'deploy server fix',
        ...MIXED_QUERIES,
      ];
      const times: number[] = [];
      const cpuTimes: number[] = [];
      for (let round = 0; round < 25; round++) {
        for (const q of queries) {
          const start = performance.now();
          const cpuStart = process.cpuUsage();
          store.search(q, 30);
          cpuTimes.push(cpuMs(cpuStart));
          times.push(performance.now() - start);
        }
      }
      if (process.env.BENCH_SEARCH_DETAIL === '1') {
        for (const q of queries) {
          const each: number[] = [];
          for (let i = 0; i < 10; i++) {
            const start = performance.now();
            store.search(q, 30);
            each.push(performance.now() - start);
          }
          each.sort((a, b) => a - b);
          log(
            `engine    "${q}": median ${percentile(each, 50).toFixed(2)} ms, max ${percentile(each, 100).toFixed(2)} ms`,
          );
        }
      }
      times.sort((a, b) => a - b);
      cpuTimes.sort((a, b) => a - b);
      log(
        `engine  search (30 hits) over ${total.toLocaleString('en')}: p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms (aim p99 < 20 ms); CPU p50 ${percentile(cpuTimes, 50).toFixed(2)} ms, p99 ${percentile(cpuTimes, 99).toFixed(2)} ms`,
      );
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runEngineBench();
}
