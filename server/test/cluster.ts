import { openSqliteStore } from '../src/store/sqlite/index';
import { tempDir } from './harness';
import { startRedis, type RedisServer } from './redis-server';
import { CLUSTER_JWT_SECRET, spawnServer, type ServerProcess } from './server-process';

/*
 * Two server processes (separate OS processes) on one SQLite file and one real redis-server: the
 * scaled mode of DESIGN §2, for the tests that drive it with socket.io clients.
 */

export const PRESENCE_TTL_S = 3;
/** Heartbeats every TTL/3 and sweeps every min(10 s, TTL/3): the worst case to see a crash. */
export const OFFLINE_WITHIN_MS = PRESENCE_TTL_S * 1000 + (PRESENCE_TTL_S * 1000) / 3;

/** Two processes compiling TypeScript at once on a busy two-core machine can take a while. */
const START_TIMEOUT_MS = 60_000;

export interface Cluster {
  a: ServerProcess;
  b: ServerProcess;
  /** The DATA_DIR both processes share (its SQLite file may be opened beside them). */
  dataDir: string;
  redis: RedisServer;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const redis = await startRedis();
  const data = tempDir('chitchat-cluster-');
  const env = {
    DATA_DIR: data.dir,
    REDIS_URL: redis.url,
    JWT_SECRET: CLUSTER_JWT_SECRET,
    PRESENCE_TTL_S: String(PRESENCE_TTL_S),
  };
  // The schema first, so that the two processes can start side by side.
  await openSqliteStore(data.dir).close();
  const started = await Promise.allSettled([
    spawnServer(env, { startTimeoutMs: START_TIMEOUT_MS }),
    spawnServer(env, { startTimeoutMs: START_TIMEOUT_MS }),
  ]);
  const [a, b] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
  if (a === undefined || b === undefined) {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis.remove();
    data.remove();
    const failure = started.find((s) => s.status === 'rejected');
    throw failure?.status === 'rejected' ? failure.reason : new Error('no server started');
  }
  return {
    a,
    b,
    dataDir: data.dir,
    redis,
    async stop() {
      await Promise.all([a.stop(), b.stop()]);
      await redis.remove();
      data.remove();
    },
  };
}
