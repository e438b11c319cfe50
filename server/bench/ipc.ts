/** Messages between the bench's load generator and the server processes it starts. */

export interface ChildStats {
  /** process.cpuUsage() of the child: microseconds of user and system time since it started. */
  cpuUserUs: number;
  cpuSystemUs: number;
  /** performance.eventLoopUtilization() totals (milliseconds). */
  eluIdleMs: number;
  eluActiveMs: number;
  rssBytes: number;
}

export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'stats'; stats: ChildStats }
  | { type: 'error'; message: string };

export type ParentMessage = { type: 'stats' };

/** Answers the generator's stats requests; exits when the generator goes away. */
export function serveChildIpc(): void {
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stats') reply({ type: 'stats', stats: childStats() });
  });
  // The generator died or closed the channel: never outlive it.
  process.on('disconnect', () => process.exit(0));
}

export function reply(message: ChildMessage): void {
  process.send?.(message);
}

function childStats(): ChildStats {
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  return {
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    eluIdleMs: elu.idle,
    eluActiveMs: elu.active,
    rssBytes: process.memoryUsage.rss(),
  };
}
