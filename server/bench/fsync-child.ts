/**
 * The process the fsync bench runs under strace: the send path (messaging service + SQLite store,
 * see send-path.ts) sending BENCH_FSYNC_MESSAGES messages, BENCH_FSYNC_BATCH per group commit
 * (0 messages: set-up and close only, the baseline the parent subtracts). Prints one JSON line.
 */
import { openSendPath } from './send-path';

async function main(): Promise<void> {
  const batch = Number(process.env.BENCH_FSYNC_BATCH ?? '1');
  const messages = Number(process.env.BENCH_FSYNC_MESSAGES ?? '0');
  const sendPath = await openSendPath(batch);
  const settings = sendPath.settings();
  await sendPath.run(messages);
  await sendPath.close();
  console.log(JSON.stringify({ batch, messages, ...settings }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
