/**
 * Engine benchmarks (npm run bench -- engine): applying a 10,000-message catch-up, the first page of
 * a conversation holding 100,000 messages, and local search over 1,000,000 messages. Prints figures;
 * asserts nothing. Sizes can be lowered for a quick look: BENCH_SEARCH_MESSAGES=100000.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ConversationEvent, ConversationSummary } from '@chitchat/shared';
import { LocalStore } from '../src/core/local-store/index';

const WORDS = (
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

function sentence(next: () => number): string {
  const length = 4 + Math.floor(next() * 12);
  const words: string[] = [];
  for (let i = 0; i < length; i++) words.push(WORDS[Math.floor(next() * WORDS.length)] ?? 'word');
  return words.join(' ');
}

const summary = (id: string): ConversationSummary => ({
  id,
  kind: 'direct',
  title: null,
  avatar: null,
  status: 'active',
  role: 'member',
  muted: false,
  lastSeq: 0,
  lastEvent: null,
  lastActivityAt: 0,
  unreadCount: 0,
  deliveredSeq: 0,
  readSeq: 0,
  memberCount: 2,
  membersVersion: 1,
  createdAt: 0,
});

function messages(
  conversationId: string,
  from: number,
  count: number,
  next: () => number,
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
      payload: { text: sentence(next), replyToSeq: null, attachments: [] },
      editedAt: null,
      editVersion: 0,
      deletedAt: null,
    });
  }
  return events;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function fill(
  store: LocalStore,
  conversations: number,
  perConversation: number,
  next: () => number,
  batch = 5_000,
) {
  for (let c = 0; c < conversations; c++) {
    const id = `conv-${c}`;
    store.applySummary(summary(id));
    for (let seq = 1; seq <= perConversation; seq += batch) {
      store.appendEvents(id, messages(id, seq, Math.min(batch, perConversation - seq + 1), next));
    }
  }
}

export async function runEngineBench(log: (line: string) => void = console.log): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-engine-bench-'));
  const next = random(42);
  try {
    // 1. Catch-up: 10,000 messages arriving as 50 pages of 200, one transaction per page.
    {
      const store = new LocalStore(path.join(dir, 'catchup.sqlite'), 'me');
      store.applySummary(summary('c'));
      const pages: ConversationEvent[][] = [];
      for (let seq = 1; seq <= 10_000; seq += 200) pages.push(messages('c', seq, 200, next));
      const start = performance.now();
      for (const page of pages) store.appendEvents('c', page);
      const ms = performance.now() - start;
      log(
        `engine  catch-up apply   10,000 messages in ${ms.toFixed(0)} ms = ${Math.round(10_000 / (ms / 1000)).toLocaleString('en')} messages/s (aim > 20,000)`,
      );
      store.close();
    }

    // 2. First page of a conversation holding 100,000 messages (from the local cache).
    {
      const store = new LocalStore(path.join(dir, 'page.sqlite'), 'me');
      fill(store, 1, 100_000, next);
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
      const store = new LocalStore(path.join(dir, 'search.sqlite'), 'me');
      const fillStart = performance.now();
      fill(store, 100, Math.floor(total / 100), next, 10_000);
      const fillS = (performance.now() - fillStart) / 1000;
      log(
        `engine  search index     ${total.toLocaleString('en')} messages indexed in ${fillS.toFixed(1)} s`,
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
      ];
      const times: number[] = [];
      for (let round = 0; round < 25; round++) {
        for (const q of queries) {
          const start = performance.now();
          store.search(q, 30);
          times.push(performance.now() - start);
        }
      }
      times.sort((a, b) => a - b);
      log(
        `engine  search (30 hits) over ${total.toLocaleString('en')}: p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms (aim p99 < 20 ms)`,
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
