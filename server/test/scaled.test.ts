import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceInfo } from '@chitchat/shared';
import { testConfig, type Config } from '../src/config';
import { createLogger } from '../src/logger';
import { redisPresence, type RedisPresenceOptions } from '../src/presence/redis/index';
import { connectRedis, openRedisConnection } from '../src/redis';
import { direct, person } from './fixtures';
import { call, disconnected, http, nextEvent, register, startServer, tempDir } from './harness';
import { redisAvailable, startRedis, type RedisServer } from './redis-server';
import { CLUSTER_JWT_SECRET } from './server-process';

/*
 * The scaled mode's wiring (connectRedis: Redis presence, the streams adapter, Redis rate limits)
 * with two apps in this process sharing one SQLite file and one redis-server: the parts that are
 * easier to show without separate OS processes (cluster.test.ts has those).
 */

const logger = createLogger('silent');
const BY_HAND = 3_600_000;

describe.skipIf(!redisAvailable('server/test/scaled.test.ts (scaled mode wiring)'))(
  'scaled mode wiring, two apps in one process',
  () => {
    let redis: RedisServer;
    const cleanups: (() => unknown)[] = [];
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });
    afterAll(async () => {
      await redis?.remove();
    });

    /** Two "processes" (apps) on one data directory and one Redis, isolated by a key prefix. */
    async function twoApps(
      overrides: Partial<Config> = {},
      presence: Partial<RedisPresenceOptions> = {},
    ) {
      const data = tempDir();
      cleanups.push(data.remove);
      const keyPrefix = `test:${randomUUID()}:`;
      const config: Partial<Config> = {
        REDIS_URL: redis.url,
        JWT_SECRET: CLUSTER_JWT_SECRET,
        ...overrides,
      };
      const start = async () => {
        const scaled = await connectRedis(testConfig(config), logger, { keyPrefix, presence });
        const server = await startServer({ dataDir: data.dir, config, deps: scaled.deps });
        let stopped = false;
        const stop = async () => {
          if (stopped) return;
          stopped = true;
          await server.stop();
          await scaled.close();
        };
        cleanups.push(stop);
        return { ...server, scaled, stop };
      };
      const a = await start();
      const b = await start();
      return { a, b, keyPrefix };
    }

    it('sign-in attempts are counted across processes', async () => {
      const { a, b } = await twoApps({ RATE_LIMIT_AUTH: 3 });
      const attempt = (server: { url: string }) =>
        http(server, 'POST', '/api/auth/register', {
          body: { username: `u_${randomUUID().slice(0, 8)}`, password: 'correct horse battery' },
        });
      expect((await attempt(a)).status).toBe(201);
      expect((await attempt(b)).status).toBe(201);
      expect((await attempt(a)).status).toBe(201);
      const refused = await attempt(b);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ error: { code: 'rate_limited' } });
      expect((await attempt(a)).status).toBe(429);
    });

    it('a process shutting down closes only its own sockets and announces its users offline at once', async () => {
      const { a, b } = await twoApps();
      const alice = await person(a, 'alice');
      const bob = await person(b, 'bob');
      cleanups.push(
        () => alice.socket.close(),
        () => bob.socket.close(),
      );
      const chat = await direct(bob, alice);
      await call(alice.socket, 'request:accept', { conversationId: chat.id });
      await call(bob.socket, 'presence:watch', { userIds: [alice.userId] });
      const offline = nextEvent(bob.socket, 'presence', (p) => p.userId === alice.userId);
      const closed = disconnected(alice.socket);

      await a.stop();
      expect(await closed).toBe('io server disconnect');
      // Announced by the process going away, well before its entries would expire (45 s).
      expect(await offline).toMatchObject({ userId: alice.userId, online: false });
      expect(bob.socket.connected).toBe(true);
      expect((await http(b, 'GET', '/readyz')).status).toBe(200);
    });

    it("another process's sweep announces a dead process's users offline, and nothing of a `nobody` user", async () => {
      let clock = Date.now();
      const { a, keyPrefix } = await twoApps(
        {},
        { now: () => clock, heartbeatMs: BY_HAND, sweepMs: BY_HAND },
      );
      const bob = await person(a, 'bob');
      cleanups.push(() => bob.socket.close());
      const alice = await register(a);
      const carol = await register(a);
      await http(a, 'PATCH', '/api/me', {
        token: carol.accessToken,
        body: { lastSeenVisibility: 'nobody' },
      });
      await http(a, 'PATCH', '/api/me', {
        token: alice.accessToken,
        body: { lastSeenVisibility: 'everyone' },
      });
      await call(bob.socket, 'conversation:direct', { userId: alice.user.id });
      await call(bob.socket, 'conversation:direct', { userId: carol.user.id });

      // Alice and carol are connected to a process that then dies without a word.
      const deadConnection = await openRedisConnection(redis.url, {
        name: 'dead',
        logger,
        queueWhileDown: false,
      });
      cleanups.push(() => deadConnection.disconnect());
      const dead = redisPresence(deadConnection, {
        ttlMs: 45_000,
        keyPrefix: `${keyPrefix}presence:`,
        logger,
        now: () => clock,
        heartbeatMs: BY_HAND,
        sweepMs: BY_HAND,
      });
      const expiresAt = clock + 45_000;
      await dead.connected(alice.user.id, 'dead-1');
      await dead.connected(carol.user.id, 'dead-2');
      await dead.close();
      const watched = await call(bob.socket, 'presence:watch', {
        userIds: [alice.user.id, carol.user.id],
      });
      // `nobody` hides the online state too: carol is left out of the answer.
      expect(watched.presence).toEqual([{ userId: alice.user.id, online: true, lastSeenAt: null }]);

      const updates: PresenceInfo[] = [];
      bob.socket.on('presence', (p) => updates.push(p));
      const aliceOffline = nextEvent(bob.socket, 'presence', (p) => p.userId === alice.user.id);
      clock = expiresAt + 1;
      await a.scaled.deps.presence.sweep();
      expect(await aliceOffline).toEqual({
        userId: alice.user.id,
        online: false,
        lastSeenAt: expiresAt,
      });
      await a.scaled.deps.presence.sweep();
      await call(bob.socket, 'conversation:list', {});
      expect(updates.map((u) => u.userId)).toEqual([alice.user.id]);
    });
  },
);
