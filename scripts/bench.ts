/**
 * `npm run bench [-- name ...]`: runs the named benches (all when none is named), in sequence.
 * Each bench prints its own table and summary; a bench that throws fails the run (exit 1) after
 * the others have run. Knobs are environment variables, documented by each bench.
 */
import { runDeliveryBench } from '../server/bench/delivery';

interface Bench {
  name: string;
  description: string;
  run(): Promise<unknown>;
}

const benches: Bench[] = [
  {
    name: 'delivery',
    description:
      'server: message delivery latency under rising open-loop send rates, chitchat vs a bare Socket.io relay',
    run: () => runDeliveryBench(),
  },
];

async function main(): Promise<number> {
  const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  if (process.argv.includes('--list')) {
    for (const bench of benches) console.log(`${bench.name.padEnd(12)} ${bench.description}`);
    return 0;
  }
  const selected =
    filters.length === 0
      ? benches
      : benches.filter((bench) => filters.some((filter) => bench.name.includes(filter)));
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
