/**
 * Membership churn bench: one member of a group is removed and re-added `BENCH_CHURN_CYCLES`
 * times (default 900), over real sockets against a real server (SQLite on a temp file, rate
 * limits raised). Then prints, as medians of `BENCH_CHURN_SAMPLES` (default 20):
 * - a group change (a rename, pushed to every member with fresh summaries),
 * - that member's pages: `events:after` from 0 and near the end, `events:before` from the end,
 * - their `conversation:list` (a summary reads the preview and the unread count over the periods),
 * - `/healthz` answered while a change runs (what everyone else waits).
 * The figures before the cycles are the baseline; after them they should stay of the same order.
 */
import { performance } from 'node:perf_hooks';
import { call, connect, http, register, startServer } from '../test/harness';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export interface ChurnFigures {
  periods: number;
  changeMs: number;
  pageFromStartMs: number;
  pageAtEndMs: number;
  pageBeforeMs: number;
  listMs: number;
  healthzDuringChangeMs: number;
}

export async function runChurnBench(): Promise<ChurnFigures[]> {
  const cycles = Number(process.env.BENCH_CHURN_CYCLES ?? 900);
  const samples = Number(process.env.BENCH_CHURN_SAMPLES ?? 20);
  const server = await startServer();
  try {
    const [owner, churned, other] = await Promise.all([
      register(server),
      register(server),
      register(server),
    ]);
    const ownerSocket = await connect(server, owner.accessToken);
    const churnedSocket = await connect(server, churned.accessToken);
    const group = await call(ownerSocket, 'group:create', {
      title: 'Churn',
      memberIds: [churned.user.id, other.user.id],
    });
    const conversationId = group.id;
    let renames = 0;

    const measure = async (): Promise<ChurnFigures> => {
      const membership = await server.store.getMembership(conversationId, churned.user.id);
      const lastSeq = (await server.store.getConversation(conversationId))?.lastSeq ?? 0;
      const figures = {
        change: [] as number[],
        fromStart: [] as number[],
        atEnd: [] as number[],
        before: [] as number[],
        list: [] as number[],
        healthz: [] as number[],
      };
      for (let i = 0; i < samples; i++) {
        const change = call(ownerSocket, 'group:update', {
          conversationId,
          title: `Rename ${++renames}`,
        });
        const started = performance.now();
        const health = http(server, 'GET', '/healthz').then(() => performance.now() - started);
        await change;
        figures.change.push(performance.now() - started);
        figures.healthz.push(await health);
        figures.fromStart.push(
          await timed(() =>
            call(churnedSocket, 'events:after', { conversationId, afterSeq: 0, limit: 100 }),
          ),
        );
        figures.atEnd.push(
          await timed(() =>
            call(churnedSocket, 'events:after', {
              conversationId,
              afterSeq: Math.max(0, lastSeq - 100),
              limit: 100,
            }),
          ),
        );
        figures.before.push(
          await timed(() =>
            call(churnedSocket, 'events:before', {
              conversationId,
              beforeSeq: Number.MAX_SAFE_INTEGER,
              limit: 100,
            }),
          ),
        );
        figures.list.push(await timed(() => call(churnedSocket, 'conversation:list', {})));
      }
      return {
        periods: membership?.periods.length ?? 0,
        changeMs: median(figures.change),
        pageFromStartMs: median(figures.fromStart),
        pageAtEndMs: median(figures.atEnd),
        pageBeforeMs: median(figures.before),
        listMs: median(figures.list),
        healthzDuringChangeMs: median(figures.healthz),
      };
    };

    const results = [await measure()];
    const started = performance.now();
    for (let i = 0; i < cycles; i++) {
      await call(ownerSocket, 'group:update', { conversationId, remove: [churned.user.id] });
      await call(ownerSocket, 'group:update', { conversationId, add: [churned.user.id] });
    }
    const churnS = (performance.now() - started) / 1000;
    results.push(await measure());

    console.log(
      `${cycles} remove/re-add cycles in ${churnS.toFixed(1)} s; medians of ${samples} samples (ms):`,
    );
    console.table(
      results.map((r) => ({
        periods: r.periods,
        'group change': r.changeMs.toFixed(2),
        '/healthz during it': r.healthzDuringChangeMs.toFixed(2),
        'events:after from 0': r.pageFromStartMs.toFixed(2),
        'events:after at end': r.pageAtEndMs.toFixed(2),
        'events:before newest': r.pageBeforeMs.toFixed(2),
        'conversation:list': r.listMs.toFixed(2),
      })),
    );
    ownerSocket.close();
    churnedSocket.close();
    return results;
  } finally {
    await server.stop();
  }
}
