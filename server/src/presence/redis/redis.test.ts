import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { redisAvailable, startRedis, type RedisServer } from '../../../test/redis-server';
import { createLogger } from '../../logger';
import { openRedisConnection } from '../../redis';
import { describePresenceContract } from '../contract';
import type { PresenceChange } from '../types';
import { redisPresence, type RedisPresence } from './index';

const logger = createLogger('silent');

/** Resolves once `changes` holds `count` entries; fails after `timeoutMs`. */
async function changesReach(changes: readonly PresenceChange[], count: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (changes.length < count) {
    if (Date.now() > deadline) throw new Error(`got ${changes.length} of ${count} changes`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const TTL_MS = 30_000;
/** Timers that never fire within a test: heartbeats and sweeps are called by hand. */
const BY_HAND = 3_600_000;

describe.skipIf(!redisAvailable('server/src/presence/redis (Redis presence)'))(
  'Redis presence',
  () => {
    let redis: RedisServer;
    const clients: Redis[] = [];
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      clients.forEach((client) => client.disconnect());
      await redis?.remove();
    });

    /** A connection as the server opens it: commands fail fast while Redis is away. */
    async function connection(): Promise<Redis> {
      const client = await openRedisConnection(redis.url, {
        name: 'test',
        logger,
        queueWhileDown: false,
      });
      clients.push(client);
      return client;
    }

    /** A presence whose heartbeat and sweep run only by hand, and the changes it announces. */
    async function presenceByHand(options: { keyPrefix?: string; now?: () => number } = {}) {
      const changes: PresenceChange[] = [];
      const presence = redisPresence(await connection(), {
        ttlMs: TTL_MS,
        heartbeatMs: BY_HAND,
        sweepMs: BY_HAND,
        keyPrefix: options.keyPrefix ?? `test:${randomUUID()}:`,
        logger,
        ...(options.now !== undefined ? { now: options.now } : {}),
      });
      presence.onChange((change) => changes.push(change));
      return { presence, changes };
    }

    describePresenceContract('redis', {
      async create() {
        return redisPresence(await connection(), {
          ttlMs: TTL_MS,
          keyPrefix: `test:${randomUUID()}:`,
          logger,
        });
      },
    });

    describe('across processes', () => {
      let clock: number;
      let keyPrefix: string;
      const started: RedisPresence[] = [];
      /** One server process's presence, sharing Redis (and the clock) with the others. */
      async function processPresence() {
        const one = await presenceByHand({ keyPrefix, now: () => clock });
        started.push(one.presence);
        return one;
      }
      beforeEach(() => {
        clock = 1_000_000;
        keyPrefix = `test:${randomUUID()}:`;
      });
      afterEach(async () => {
        await Promise.all(started.splice(0).map((p) => p.close()));
      });

      it('a user connected through two processes stays online until both connections close; each transition is reported once', async () => {
        const a = await processPresence();
        const b = await processPresence();
        const u = randomUUID();
        const results = await Promise.all([
          a.presence.connected(u, 'a1'),
          b.presence.connected(u, 'b1'),
        ]);
        expect(results.filter((r) => r.cameOnline)).toHaveLength(1);
        expect(await a.presence.disconnected(u, 'a1', clock)).toEqual({ wentOffline: false });
        expect((await b.presence.lookup([u])).get(u)).toEqual({ online: true, lastSeenAt: null });
        clock += 5_000;
        expect(await b.presence.disconnected(u, 'b1', clock)).toEqual({ wentOffline: true });
        expect((await a.presence.lookup([u])).get(u)).toEqual({ online: false, lastSeenAt: clock });
      });

      it('the entries of a crashed process expire: exactly one sweeper reports the user offline, last seen at the expiry', async () => {
        const crashed = await processPresence();
        const b = await processPresence();
        const c = await processPresence();
        const u = randomUUID();
        const connectedAt = clock;
        await crashed.presence.connected(u, 'x1');
        await crashed.presence.close(); // no more heartbeats, and no disconnect: a crash

        clock = connectedAt + TTL_MS - 1;
        await Promise.all([b.presence.sweep(), c.presence.sweep()]);
        expect([...b.changes, ...c.changes]).toEqual([]);
        expect((await b.presence.lookup([u])).get(u)).toEqual({ online: true, lastSeenAt: null });

        clock = connectedAt + TTL_MS + 1;
        // Offline (with the expiry as last seen) as soon as it expired, even before a sweep.
        expect((await b.presence.lookup([u])).get(u)).toEqual({
          online: false,
          lastSeenAt: connectedAt + TTL_MS,
        });
        await Promise.all([b.presence.sweep(), c.presence.sweep()]);
        expect([...b.changes, ...c.changes]).toEqual([
          { userId: u, online: false, lastSeenAt: connectedAt + TTL_MS },
        ]);
        // Swept once: a later sweep finds nothing.
        clock += TTL_MS;
        await Promise.all([b.presence.sweep(), c.presence.sweep()]);
        expect([...b.changes, ...c.changes]).toHaveLength(1);
      });

      it("a user with a live connection elsewhere stays online when another process's entries expire", async () => {
        const crashed = await processPresence();
        const b = await processPresence();
        const u = randomUUID();
        await crashed.presence.connected(u, 'x1');
        await crashed.presence.close();
        clock += TTL_MS / 2;
        await b.presence.connected(u, 'b1');
        clock += TTL_MS / 2 + 1;
        await b.presence.sweep();
        expect(b.changes).toEqual([]);
        expect((await b.presence.lookup([u])).get(u)).toEqual({ online: true, lastSeenAt: null });
      });

      it('heartbeats keep the entries of a live process from expiring', async () => {
        const a = await processPresence();
        const b = await processPresence();
        const u = randomUUID();
        await a.presence.connected(u, 'a1');
        for (let beat = 0; beat < 5; beat++) {
          clock += TTL_MS / 3;
          await a.presence.heartbeat();
          await b.presence.sweep();
        }
        expect(b.changes).toEqual([]);
        expect(a.changes).toEqual([]);
        expect((await b.presence.lookup([u])).get(u)).toEqual({ online: true, lastSeenAt: null });
      });

      it('the last-seen time stays in Redis for processes started later', async () => {
        const a = await processPresence();
        const u = randomUUID();
        await a.presence.connected(u, 'a1');
        await a.presence.disconnected(u, 'a1', clock + 42);
        await a.presence.close();
        const later = await processPresence();
        expect((await later.presence.lookup([u])).get(u)).toEqual({
          online: false,
          lastSeenAt: clock + 42,
        });
      });
    });

    it('Redis restarted: answers from this process meanwhile, then puts its connections back and replays the disconnects it missed', async () => {
      const { presence, changes } = await presenceByHand();
      try {
        const [stays, leaves, arrives] = [randomUUID(), randomUUID(), randomUUID()];
        await presence.connected(stays, 's1');
        await presence.connected(leaves, 'l1');

        await redis.stop();
        // While Redis is away: what this process knows, at once, and no announcements.
        const leftAt = Date.now();
        expect(await presence.disconnected(leaves, 'l1', leftAt)).toEqual({ wentOffline: false });
        expect(await presence.connected(arrives, 'a1')).toEqual({ cameOnline: false });
        expect(Object.fromEntries(await presence.lookup([stays, leaves, arrives]))).toEqual({
          [stays]: { online: true, lastSeenAt: null },
          [leaves]: { online: false, lastSeenAt: null },
          [arrives]: { online: true, lastSeenAt: null },
        });
        expect(changes).toEqual([]);

        // Back, empty: the connection's 'ready' puts everything back without waiting for a beat.
        await redis.start();
        await changesReach(changes, 2);
        expect(changes).toEqual(
          expect.arrayContaining([
            { userId: stays, online: true, lastSeenAt: null },
            { userId: arrives, online: true, lastSeenAt: null },
          ]),
        );
        // The missed disconnect of someone Redis no longer knows of announces nothing more.
        expect(changes.filter((c) => c.userId === leaves)).toEqual([]);
        expect(Object.fromEntries(await presence.lookup([stays, arrives]))).toEqual({
          [stays]: { online: true, lastSeenAt: null },
          [arrives]: { online: true, lastSeenAt: null },
        });
      } finally {
        await presence.close();
      }
    });

    it('Redis restarted with its data: a disconnect missed meanwhile is announced once it is back', async () => {
      const { presence, changes } = await presenceByHand();
      try {
        const [stays, leaves] = [randomUUID(), randomUUID()];
        await presence.connected(stays, 's1');
        await presence.connected(leaves, 'l1');
        await redis.stop({ save: true });
        const leftAt = Date.now();
        expect(await presence.disconnected(leaves, 'l1', leftAt)).toEqual({ wentOffline: false });

        await redis.start();
        await changesReach(changes, 1);
        expect(changes).toEqual([{ userId: leaves, online: false, lastSeenAt: leftAt }]);
        expect(Object.fromEntries(await presence.lookup([stays, leaves]))).toEqual({
          [stays]: { online: true, lastSeenAt: null },
          [leaves]: { online: false, lastSeenAt: leftAt },
        });
      } finally {
        await presence.close();
      }
    });
  },
);
