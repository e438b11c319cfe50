/**
 * CPU counters read from /proc (Linux), so a saturated process can be measured without its help.
 * Everything returns null where /proc is not available.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU time of process `pid` (its main thread and every other thread), in ms. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after its closing ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return ((utime + stime) / TICKS_PER_SECOND) * 1000;
  } catch {
    return null;
  }
}

/** Busy CPU time of the whole machine, summed over cores, in ms. */
export function machineBusyMs(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [label, ...values] = line.trim().split(/\s+/);
    if (label !== 'cpu') return null;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
    const busy = [user, nice, system, irq, softirq, steal].reduce<number>(
      (a, b) => a + (b ?? 0),
      0,
    );
    if (!Number.isFinite(busy) || idle === undefined || iowait === undefined) return null;
    return (busy / TICKS_PER_SECOND) * 1000;
  } catch {
    return null;
  }
}
