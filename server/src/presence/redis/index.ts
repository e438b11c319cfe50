import type { Redis } from 'ioredis';
import type { Logger } from '../../logger';
import type { Presence, PresenceChange } from '../types';
import { definePresenceScripts } from './scripts';

export interface RedisPresenceOptions {
  /** How long an entry lives without a heartbeat. */
  ttlMs: number;
  /** How often this process refreshes its connections' entries; default a third of the TTL. */
  heartbeatMs?: number;
  /** How often this process sweeps expired entries; default min(10 s, a third of the TTL). */
  sweepMs?: number;
  /** Prefix of every key; default `chitchat:presence:`. */
  keyPrefix?: string;
  logger: Logger;
  now?: () => number;
}

export interface RedisPresence extends Presence {
  /** Refreshes this process's entries (and replays disconnects Redis missed); runs on a timer. */
  heartbeat(): Promise<void>;
  /** Drops every expired entry and reports the users that went offline; runs on a timer. */
  sweep(): Promise<void>;
}

/** Expired index entries handled per sweep round trip. */
const SWEEP_BATCH = 500;

/**
 * Presence shared by every server process through Redis: one entry per connection, with an
 * expiry that the owning process pushes forward on a heartbeat. When a process dies its entries
 * stop being refreshed, and whichever process sweeps next takes its users offline (last seen: the
 * expiry). While Redis is unreachable, this process answers from its own connections and puts
 * them back in Redis (announcing what changed) as soon as Redis is back.
 */
export function redisPresence(client: Redis, options: RedisPresenceOptions): RedisPresence {
  const { ttlMs, logger } = options;
  const heartbeatMs = options.heartbeatMs ?? Math.floor(ttlMs / 3);
  const sweepMs = options.sweepMs ?? Math.min(10_000, Math.floor(ttlMs / 3));
  const prefix = options.keyPrefix ?? 'chitchat:presence:';
  const now = options.now ?? Date.now;
  const expiryKey = `${prefix}expiry`;
  const connsKey = (userId: string) => `${prefix}conns:${userId}`;
  const lastSeenKey = (userId: string) => `${prefix}lastseen:${userId}`;
  const keysOf = (userId: string) => [connsKey(userId), expiryKey, lastSeenKey(userId)] as const;
  definePresenceScripts(client);

  /** This process's open connections: connection id -> user id. */
  const local = new Map<string, string>();
  /** Disconnects that could not reach Redis, replayed when it is back. */
  const missedDisconnects = new Map<string, { userId: string; at: number }>();
  let listener: (change: PresenceChange) => void = () => undefined;
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const ready = () => client.status === 'ready';

  /**
   * Runs background work at most once at a time (a call while it runs schedules one more run), and
   * keeps track of it for close().
   */
  const exclusive = (name: string, work: () => Promise<void>) => {
    let running: Promise<void> | null = null;
    let again = false;
    const run = (): Promise<void> => {
      if (closed) return Promise.resolve();
      if (running !== null) {
        again = true;
        return running;
      }
      const current = work()
        .catch((error: unknown) => {
          // Redis going away mid-way is expected; the next round (or the 'ready' event) retries.
          logger.debug({ err: error }, `presence ${name} failed`);
        })
        .finally(() => {
          inFlight.delete(current);
          running = null;
          if (again) {
            again = false;
            void run();
          }
        });
      running = current;
      inFlight.add(current);
      return current;
    };
    return run;
  };

  const announceOffline = (userId: string, lastSeen: string | null) => {
    if (lastSeen !== null) listener({ userId, online: false, lastSeenAt: Number(lastSeen) });
  };

  const heartbeat = exclusive('heartbeat', async () => {
    if (!ready()) return;
    // Built and sent without an await in between, so a disconnect either precedes the snapshot
    // (and is not refreshed) or follows the refresh on the same connection (and removes it).
    const entries = [...local];
    if (entries.length > 0) {
      const at = now();
      const pipeline = client.pipeline();
      for (const [connectionId, userId] of entries) {
        pipeline.chitchatPresenceConnect(...keysOf(userId), userId, connectionId, at + ttlMs, at);
      }
      const results = (await pipeline.exec()) ?? [];
      results.forEach(([error, cameOnline], index) => {
        const userId = entries[index]?.[1];
        // An entry that had expired or vanished (a Redis restart) is back: the user is online again.
        if (error === null && cameOnline === 1 && userId !== undefined) {
          listener({ userId, online: true, lastSeenAt: null });
        }
      });
    }
    // After the refresh, so a user who reconnected during the outage is not shown offline between.
    for (const [connectionId, { userId, at }] of missedDisconnects) {
      const lastSeen = await client.chitchatPresenceDisconnect(
        ...keysOf(userId),
        userId,
        connectionId,
        at,
        now(),
      );
      missedDisconnects.delete(connectionId);
      announceOffline(userId, lastSeen);
    }
  });

  const sweep = exclusive('sweep', async () => {
    if (!ready()) return;
    const at = now();
    for (;;) {
      const members = await client.zrangebyscore(expiryKey, '-inf', at, 'LIMIT', 0, SWEEP_BATCH);
      const byUser = new Map<string, string[]>();
      for (const member of members) {
        const userId = member.slice(0, Math.max(0, member.indexOf(' ')));
        byUser.set(userId, [...(byUser.get(userId) ?? []), member]);
      }
      for (const [userId, expired] of byUser) {
        announceOffline(
          userId,
          await client.chitchatPresenceSweep(...keysOf(userId), userId, at, ...expired),
        );
      }
      if (members.length < SWEEP_BATCH) return;
    }
  });

  const heartbeatTimer = setInterval(() => void heartbeat(), heartbeatMs);
  const sweepTimer = setInterval(() => void sweep(), sweepMs);
  heartbeatTimer.unref();
  sweepTimer.unref();
  // Back from an outage: put this process's connections back at once rather than at the next beat.
  const onReady = () => void heartbeat();
  client.on('ready', onReady);

  /** What this process alone knows, for answers while Redis is unreachable. */
  const localLookup = (userIds: readonly string[]) => {
    const online = new Set(local.values());
    return new Map(
      userIds.map((id) => [id, { online: online.has(id), lastSeenAt: null as number | null }]),
    );
  };

  return {
    async connected(userId, connectionId) {
      local.set(connectionId, userId);
      if (!ready()) return { cameOnline: false };
      try {
        const at = now();
        const cameOnline = await client.chitchatPresenceConnect(
          ...keysOf(userId),
          userId,
          connectionId,
          at + ttlMs,
          at,
        );
        return { cameOnline: cameOnline === 1 };
      } catch (error) {
        // The next heartbeat registers the connection and announces the user if that is news.
        logger.debug({ err: error, userId }, 'presence connect not recorded in Redis');
        return { cameOnline: false };
      }
    },

    async disconnected(userId, connectionId, at) {
      local.delete(connectionId);
      if (!ready()) {
        missedDisconnects.set(connectionId, { userId, at });
        return { wentOffline: false };
      }
      try {
        const lastSeen = await client.chitchatPresenceDisconnect(
          ...keysOf(userId),
          userId,
          connectionId,
          at,
          now(),
        );
        return { wentOffline: lastSeen !== null };
      } catch (error) {
        logger.debug({ err: error, userId }, 'presence disconnect not recorded in Redis');
        missedDisconnects.set(connectionId, { userId, at });
        return { wentOffline: false };
      }
    },

    async lookup(userIds) {
      if (userIds.length === 0) return new Map();
      if (!ready()) return localLookup(userIds);
      try {
        const pipeline = client.pipeline();
        for (const userId of userIds) {
          pipeline.zrevrange(connsKey(userId), 0, 0, 'WITHSCORES');
          pipeline.get(lastSeenKey(userId));
        }
        const results = (await pipeline.exec()) ?? [];
        const at = now();
        return new Map(
          userIds.map((userId, index) => {
            const [latestError, latest] = results[index * 2] ?? [null, null];
            const [seenError, seen] = results[index * 2 + 1] ?? [null, null];
            const failure = latestError ?? seenError;
            if (failure !== null) throw failure;
            const expiresAt =
              Array.isArray(latest) && latest.length === 2 ? Number(latest[1]) : null;
            const online = expiresAt !== null && expiresAt > at;
            // An expired entry no sweep has reached yet still tells when the user was last there.
            const lastSeenAt = online
              ? null
              : Math.max(typeof seen === 'string' ? Number(seen) : -1, expiresAt ?? -1);
            return [userId, { online, lastSeenAt: lastSeenAt === -1 ? null : lastSeenAt }];
          }),
        );
      } catch (error) {
        logger.warn({ err: error }, 'presence lookup failed in Redis; answering from this process');
        return localLookup(userIds);
      }
    },

    onChange(next) {
      listener = next;
    },

    heartbeat,
    sweep,

    async close() {
      closed = true;
      clearInterval(heartbeatTimer);
      clearInterval(sweepTimer);
      client.off('ready', onReady);
      await Promise.allSettled([...inFlight]);
    },
  };
}
