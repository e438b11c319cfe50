/**
 * `npm run bench [-- name ...]`: runs the named benches (all when none is named), in sequence.
 * A name selects the bench of exactly that name, or else every bench whose name contains it.
 * Each bench prints its own table and summary; a bench that throws fails the run (exit 1) after
 * the others have run. Knobs are environment variables, documented by each bench.
 */
import { runDeliveryBench, type DeliveryBenchResult } from '../server/bench/delivery';
import { runDeliveryClusterBench } from '../server/bench/delivery-cluster';
import { runFsyncBench } from '../server/bench/fsync';
import { runGroupBench } from '../server/bench/group';
import { runSendPathBench } from '../server/bench/send-path';
import { runChurnBench } from '../server/bench/churn';
import { runEngineBench, runEngineWasmBench } from '../desktop/bench/engine';
import { runEngineChatsBench } from '../desktop/bench/engine-chats';
import { runUiBench } from '../desktop/test/e2e/ui-bench';
import { runWebBench } from '../desktop/test/e2e/web-bench';

interface Bench {
  name: string;
  description: string;
  /** A part of another bench, runnable alone: a run of every bench skips it. */
  partOf?: string;
  run(): Promise<unknown>;
}

/** The delivery bench's result, when it ran: delivery-cluster takes its one-process run from it. */
let delivery: DeliveryBenchResult | undefined;

const benches: Bench[] = [
  {
    name: 'delivery',
    description:
      'server: message delivery latency under rising open-loop send rates, chitchat vs a bare Socket.io relay',
    run: async () => (delivery = await runDeliveryBench()),
  },
  {
    name: 'delivery-cluster',
    description:
      'server: the same delivery schedule with each chat across two chitchat processes sharing SQLite and Redis, vs one process',
    run: () => runDeliveryClusterBench(delivery),
  },
  {
    name: 'group',
    description:
      'server: fan-out in a 256- and a 1,000-member group whose members send delivery receipts as the engine does',
    run: () => runGroupBench(),
  },
  {
    name: 'send-path',
    description:
      'server: message:send through the service and the SQLite store without sockets, time per message by group-commit batch size',
    run: () => runSendPathBench(),
  },
  {
    name: 'fsync',
    description:
      'server: fsync/fdatasync calls per message on the send path by group-commit batch size, counted by strace -c -f (skipped, saying so, without strace)',
    run: () => runFsyncBench(),
  },
  {
    name: 'churn',
    description:
      'server: a group change, pages, summaries and /healthz after 900 remove/re-add cycles of one member, vs before',
    run: () => runChurnBench(),
  },
  {
    name: 'engine',
    description:
      'desktop engine: 10,000-message catch-up (local apply and from a real server), the same over 1,000 chats (engine-chats), first page of 100,000, search over 1,000,000',
    run: () => runEngineBench(),
  },
  {
    name: 'engine-wasm',
    description:
      "desktop engine over sqlite-wasm in Node (the browser host's SQLite, in memory): engine's local catch-up apply, first page and search, to compare with better-sqlite3",
    run: () => runEngineWasmBench(),
  },
  {
    name: 'engine-browser',
    description:
      'web app in Chromium (engine in a Worker, sqlite-wasm on OPFS): catch-up of 10,000 messages over 4 chats beside the Node host and sqlite-wasm in Node, first paint of the cached chat list after a reload',
    run: () => runWebBench(),
  },
  {
    name: 'engine-chats',
    description:
      'desktop engine: an account of 1,000 chats on a real server, first sync and the catch-up of 10,000 messages (10 per chat); part of engine',
    partOf: 'engine',
    run: () => runEngineChatsBench(),
  },
  {
    name: 'ui',
    description:
      "desktop screen in Chromium: the chat list of 1,000 chats painted after the engine's answer, frame times scrolling back 2,000 messages",
    run: () => runUiBench(),
  },
];

async function main(): Promise<number> {
  const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  if (process.argv.includes('--list')) {
    for (const bench of benches) console.log(`${bench.name.padEnd(16)} ${bench.description}`);
    return 0;
  }
  const matches = (name: string, filter: string) =>
    benches.some((bench) => bench.name === filter) ? name === filter : name.includes(filter);
  const selected =
    filters.length === 0
      ? benches.filter((bench) => bench.partOf === undefined)
      : benches.filter((bench) => filters.some((filter) => matches(bench.name, filter)));
  if (selected.length === 0) {
    console.error(
      `no bench matches ${filters.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`,
    );
    return 2;
  }
  let failed = 0;
  for (const bench of selected) {
    console.log(`\n=== bench: ${bench.name} ===`);
    const started = performance.now();
    try {
      await bench.run();
      console.log(
        `=== ${bench.name}: done in ${((performance.now() - started) / 1000).toFixed(0)} s ===`,
      );
    } catch (error) {
      failed++;
      console.error(`=== ${bench.name}: FAILED ===`);
      console.error(error);
    }
  }
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
