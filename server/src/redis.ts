import { Redis } from 'ioredis';
import type { AppDeps } from './app';
import type { Config } from './config';
import type { ReadinessCheck } from './http/health';
import type { Logger } from './logger';
import {
  redisPresence,
  type RedisPresence,
  type RedisPresenceOptions,
} from './presence/redis/index';
import { redisStreamsAdapter } from './realtime/redis-adapter';
import { redisAuthRateLimits, redisSearchRateLimit } from './services/rate-limits';

/** Redis could not be reached at start-up; the message names REDIS_URL and what to do. */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** The URL with any password replaced, for logs and error messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** How long `/readyz` waits for Redis to answer a PING. */
const READINESS_TIMEOUT_MS = 1_000;
/** How long a graceful shutdown waits for Redis to take the last commands. */
const QUIT_TIMEOUT_MS = 2_000;

/**
 * Opens a connection and waits until it is ready. A connection that cannot be made throws a
 * RedisUnavailableError; once made, ioredis reconnects by itself after any loss, and the loss and
 * the recovery are logged once each.
 */
export async function openRedisConnection(
  url: string,
  options: {
    /** Shown in logs and as the Redis CLIENT name (`chitchat-<name>`). */
    name: string;
    logger: Logger;
    /** Queue commands while disconnected (the adapter) rather than fail them at once. */
    queueWhileDown: boolean;
  },
): Promise<Redis> {
  const { name, logger, queueWhileDown } = options;
  // Not lazy: the adapter duplicates this client, and a lazy duplicate whose first connect fails
  // would reject inside the adapter, where nothing catches it.
  const client = new Redis(url, {
    connectionName: `chitchat-${name}`,
    // Presence and rate limits answer from local state when Redis is down, so their commands fail
    // fast instead of queueing. The adapter's packets queue until Redis is back (bounded by the
    // adapter), which is what lets live fan-out ride out a Redis restart.
    enableOfflineQueue: queueWhileDown,
    maxRetriesPerRequest: queueWhileDown ? null : 1,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => {
        client.off('error', reject);
        resolve();
      });
      client.once('error', reject);
    });
  } catch (error) {
    client.disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    throw new RedisUnavailableError(
      `Cannot reach Redis at REDIS_URL=${redactRedisUrl(url)} (${reason}). ` +
        'Start Redis or correct REDIS_URL; unset REDIS_URL to run a single node with in-memory presence.',
    );
  }
  let lost = false;
  client.on('error', (error: Error) => {
    if (!lost) logger.warn({ err: error, redis: name }, 'Redis connection failing; retrying');
    lost = true;
  });
  client.on('close', () => {
    if (!lost) logger.warn({ redis: name }, 'Redis connection lost; reconnecting');
    lost = true;
  });
  client.on('ready', () => {
    if (lost) logger.info({ redis: name }, 'Redis connection restored');
    lost = false;
  });
  return client;
}

async function quit(client: Redis): Promise<void> {
  // A goodbye is not a lost connection: no warning for it.
  client.removeAllListeners('close');
  if (client.status === 'ready') {
    const timer = new Promise<void>((resolve) => setTimeout(resolve, QUIT_TIMEOUT_MS).unref());
    await Promise.race([client.quit().catch(() => undefined), timer]);
  }
  client.disconnect();
}

/**
 * `/readyz` reports Redis failing while any of the connections is down or Redis does not answer
 * quickly, as `degraded`: still ready, since every replica shares the one Redis and each can
 * serve its own sockets meanwhile (what it hands to other processes waits in its queue).
 */
export function redisReadiness(clients: readonly Redis[]): ReadinessCheck {
  return {
    name: 'redis',
    required: false,
    async check() {
      const down = clients.find((client) => client.status !== 'ready');
      if (down !== undefined) throw new Error(`Redis connection is ${down.status}`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not answer within ${READINESS_TIMEOUT_MS} ms`)),
          READINESS_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([Promise.all(clients.map((client) => client.ping())), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export interface ScaledRedis {
  /** The parts of createApp's deps that Redis provides. */
  deps: Required<Pick<AppDeps, 'adapter' | 'authLimits' | 'searchLimit' | 'readinessChecks'>> & {
    presence: RedisPresence;
  };
  /** Stops presence and closes the connections; call after the app has closed. */
  close(): Promise<void>;
}

/**
 * The scaled mode's shared state: Redis presence (entries with a TTL and a sweep), the Socket.io
 * streams adapter (fan-out to every process) and the auth rate limits. Throws a
 * RedisUnavailableError when Redis cannot be reached now. A loss later is ridden out: `/readyz`
 * fails, each process keeps serving its own clients (presence from its own connections, rate limits
 * counted per process, broadcasts delivered locally and queued for Redis), and everything resumes
 * when ioredis reconnects.
 */
export async function connectRedis(
  config: Pick<Config, 'REDIS_URL' | 'RATE_LIMIT_AUTH' | 'RATE_LIMIT_SEARCH' | 'PRESENCE_TTL_S'>,
  logger: Logger,
  options: { keyPrefix?: string; presence?: Partial<RedisPresenceOptions> } = {},
): Promise<ScaledRedis> {
  const url = config.REDIS_URL;
  if (url === undefined) throw new Error('connectRedis needs REDIS_URL');
  const keyPrefix = options.keyPrefix ?? 'chitchat:';
  const commands = await openRedisConnection(url, {
    name: 'commands',
    logger,
    queueWhileDown: false,
  });
  let streams: Redis;
  try {
    streams = await openRedisConnection(url, { name: 'streams', logger, queueWhileDown: true });
  } catch (error) {
    commands.disconnect();
    throw error;
  }
  const presence = redisPresence(commands, {
    ttlMs: config.PRESENCE_TTL_S * 1000,
    keyPrefix: `${keyPrefix}presence:`,
    logger,
    ...options.presence,
  });
  return {
    deps: {
      adapter: redisStreamsAdapter(streams, logger, { streamName: `${keyPrefix}socket.io` }),
      presence,
      authLimits: redisAuthRateLimits(commands, config.RATE_LIMIT_AUTH, keyPrefix),
      searchLimit: redisSearchRateLimit(commands, config.RATE_LIMIT_SEARCH, keyPrefix),
      readinessChecks: [redisReadiness([commands, streams])],
    },
    async close() {
      await presence.close();
      await Promise.all([quit(commands), quit(streams)]);
    },
  };
}
