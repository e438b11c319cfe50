import { randomUUID } from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PUSH_CHAT_WINDOW_MS } from '../src/services/web-push';
import { direct, group, person, send, type Person } from './fixtures';
import { browserKeys, opened, startPushService, type BrowserKeys } from './push-service';
import {
  call,
  connect,
  http,
  login,
  register,
  startServer,
  tempDir,
  type TestServer,
} from './harness';
import webpush from 'web-push';
import { testConfig, type Config } from '../src/config';
import { createLogger } from '../src/logger';
import { connectRedis } from '../src/redis';
import { redisAvailable, startRedis, type RedisServer } from './redis-server';
import { CLUSTER_JWT_SECRET } from './server-process';

const PUBLIC_URL = 'https://chat.example.org';

describe('Web Push (issue #17)', () => {
  let server: TestServer;
  let service: Awaited<ReturnType<typeof startPushService>>;
  const open: Person[] = [];

  beforeEach(async () => {
    service = await startPushService();
    server = await startServer({
      config: { PUBLIC_URL, WEB_PUSH_ALLOW_LOOPBACK: true },
    });
  });
  afterEach(async () => {
    for (const p of open.splice(0)) p.socket.close();
    await server.stop();
    await service.close();
  });

  const someone = async (name: string) => {
    const p = await person(server, name);
    open.push(p);
    return p;
  };

  /** Subscribes the person's device to `/push/<path>` of the local service, and takes it offline. */
  async function subscribeOffline(p: Person, path: string): Promise<BrowserKeys> {
    const keys = browserKeys();
    const answer = await http(server, 'PUT', '/api/push/subscription', {
      token: p.session.accessToken,
      body: { endpoint: `${service.origin}/push/${path}`, keys: keys.json },
    });
    expect(answer.status).toBe(204);
    const gone = new Promise<void>((resolve) => p.socket.once('disconnect', () => resolve()));
    p.socket.disconnect();
    await gone;
    return keys;
  }

  it('a message to an offline device arrives as a push signed with VAPID and encrypted to it', async () => {
    const alice = await someone('alice');
    const bob = await someone('bob');
    const chat = await direct(bob, alice);
    const keys = await subscribeOffline(alice, 'alice');
    const key = await http<{ publicKey: string }>(server, 'GET', '/api/push/key', {
      token: bob.session.accessToken,
    });
    expect(key.status).toBe(200);
    expect(key.body.publicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);

    const sent = await send(bob, chat.id, 'Hello there\n  second line');
    const request = await service.next('/push/alice');

    // VAPID (RFC 8292): a JWT for the push service's origin, signed by the key browsers were given.
    const authorization = request.headers.authorization ?? '';
    const match = /^vapid t=([^,]+), k=(\S+)$/.exec(authorization);
    expect(match?.[2]).toBe(key.body.publicKey);
    const raw = Buffer.from(key.body.publicKey, 'base64url');
    const publicKey = await importJWK(
      {
        kty: 'EC',
        crv: 'P-256',
        x: raw.subarray(1, 33).toString('base64url'),
        y: raw.subarray(33).toString('base64url'),
      },
      'ES256',
    );
    const { payload: claims } = await jwtVerify(match?.[1] ?? '', publicKey, {
      audience: service.origin,
      subject: PUBLIC_URL,
    });
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
    expect(Number(request.headers.ttl)).toBeGreaterThan(0);
    expect(request.headers.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);

    expect(opened(request, keys)).toEqual({
      type: 'message',
      conversationId: chat.id,
      seq: sent.seq,
      senderName: bob.session.user.displayName,
      conversationTitle: null,
      preview: 'Hello there second line',
      tag: `chat:${chat.id}`,
    });
  });

  it('the ack of a send never waits for the push service', async () => {
    const alice = await someone('alice');
    const bob = await someone('bob');
    const chat = await direct(bob, alice);
    await subscribeOffline(alice, 'slow');
    service.statusOf.set('/push/slow', 'hold');
    const acked = await send(bob, chat.id, 'are you there?');
    const held = await service.next('/push/slow');
    expect(acked.seq).toBeGreaterThan(0);
    held.answer(201);
    await server.app.pushesSettled();
  });

  it('a device with a live socket gets no push; the same account offline elsewhere does', async () => {
    const alice = await someone('alice');
    const bob = await someone('bob');
    const chat = await direct(bob, alice);
    // Alice's phone subscribes and goes offline; her laptop subscribes and stays connected.
    const phone = await login(server, alice.session.user.username);
    const phoneSocket = await connect(server, phone.accessToken);
    open.push({ session: phone, userId: alice.userId, socket: phoneSocket });
    const phoneKeys = await subscribeOffline(
      { session: phone, userId: alice.userId, socket: phoneSocket },
      'phone',
    );
    const laptop = await http(server, 'PUT', '/api/push/subscription', {
      token: alice.session.accessToken,
      body: { endpoint: `${service.origin}/push/laptop`, keys: browserKeys().json },
    });
    expect(laptop.status).toBe(204);

    const sent = await send(bob, chat.id, 'hi');
    expect(opened(await service.next('/push/phone'), phoneKeys).seq).toBe(sent.seq);
    await server.app.pushesSettled();
    expect(service.to('/push/laptop')).toHaveLength(0);
  });

  it('a muted chat sends nothing, except a message that mentions the person (as the desktop app)', async () => {
    const alice = await someone('alice');
    const bob = await someone('bob');
    const team = await group(bob, [alice], 'Team');
    await call(alice.socket, 'conversation:settings', { conversationId: team.id, muted: true });
    const keys = await subscribeOffline(alice, 'alice');

    await send(bob, team.id, 'lunch?');
    await server.app.pushesSettled();
    expect(service.to('/push/alice')).toHaveLength(0);

    const mention = await call(bob.socket, 'message:send', {
      conversationId: team.id,
      clientMsgId: randomUUID(),
      text: '@Alice lunch?',
      mentions: [alice.userId],
    });
    const payload = opened(await service.next('/push/alice'), keys);
    expect(payload).toMatchObject({
      seq: mention.seq,
      conversationTitle: 'Team',
      preview: '@Alice lunch?',
    });
  });

  it('previews off (PATCH /api/me) leave the sender and drop the text', async () => {
    const alice = await someone('alice');
    const bob = await someone('bob');
    const chat = await direct(bob, alice);
    const me = await http<{ notificationPreviews: boolean }>(server, 'PATCH', '/api/me', {
      token: alice.session.accessToken,
      body: { notificationPreviews: false },
    });
    expect(me.status).toBe(200);
    expect(me.body.notificationPreviews).toBe(false);
    const keys = await subscribeOffline(alice, 'alice');
    await send(bob, chat.id, 'a secret');
    const payload = opened(await service.next('/push/alice'), keys);
    expect(payload.preview).toBeNull();
    expect(payload.senderName).toBe(bob.session.user.displayName);
  });

  it('a blocked sender in a shared group pushes nothing', async () => {
    const alice = await someone('alice');
    const bob = await someone('bob');
    const carol = await someone('carol');
    const team = await group(carol, [alice, bob], 'Team');
    const blocked = await http(server, 'PATCH', '/api/me', {
      token: alice.session.accessToken,
      body: { block: [bob.userId] },
    });
    expect(blocked.status).toBe(200);
    await subscribeOffline(alice, 'alice');
    await send(bob, team.id, 'from bob');
    await server.app.pushesSettled();
    expect(service.to('/push/alice')).toHaveLength(0);
    // The same group still notifies for others.
    await send(carol, team.id, 'from carol');
    await service.next('/push/alice');
  });

  it(`a burst in one chat is one push per device (${PUSH_CHAT_WINDOW_MS} ms window); another chat gets its own`, async () => {
    const alice = await someone('alice');
    const bob = await someone('bob');
    const carol = await someone('carol');
    const fromBob = await direct(bob, alice);
    const fromCarol = await direct(carol, alice);
    const keys = await subscribeOffline(alice, 'alice');
    const first = await send(bob, fromBob.id, 'one');
    for (const text of ['two', 'three', 'four']) await send(bob, fromBob.id, text);
    await server.app.pushesSettled();
    expect(service.to('/push/alice')).toHaveLength(1);
    expect(opened(await service.next('/push/alice'), keys).seq).toBe(first.seq);
    await send(carol, fromCarol.id, 'hello from carol');
    expect(opened(await service.next('/push/alice'), keys).conversationId).toBe(fromCarol.id);
  });

  it('a 410 from the push service removes the subscription; other failures keep it, all counted', async () => {
    const alice = await someone('alice');
    const bob = await someone('bob');
    const carol = await someone('carol');
    const dan = await someone('dan');
    await subscribeOffline(alice, 'gone');
    await subscribeOffline(dan, 'broken');
    service.statusOf.set('/push/gone', 410);
    service.statusOf.set('/push/broken', 500);
    await send(bob, (await direct(bob, alice)).id, 'hi');
    await send(carol, (await direct(carol, dan)).id, 'hi');
    await server.app.pushesSettled();
    expect(service.to('/push/gone')).toHaveLength(1);
    expect(await server.store.pushSubscriptionsOf([alice.userId])).toEqual([]);
    expect(await server.store.pushSubscriptionsOf([dan.userId])).toHaveLength(1);

    const metricsPort = await server.app.listenMetrics(0, '127.0.0.1');
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(text).toMatch(/chitchat_web_push_total\{outcome="gone"\} 1/);
    expect(text).toMatch(/chitchat_web_push_total\{outcome="failed"\} 1/);
  });

  it("a revoked device's subscription is gone, and it gets no push", async () => {
    const alice = await someone('alice');
    const bob = await someone('bob');
    const chat = await direct(bob, alice);
    const phone = await login(server, alice.session.user.username);
    const phoneSocket = await connect(server, phone.accessToken);
    await subscribeOffline({ session: phone, userId: alice.userId, socket: phoneSocket }, 'phone');
    expect(await server.store.pushSubscriptionsOf([alice.userId])).toHaveLength(1);
    const revoked = await http(server, 'DELETE', `/api/devices/${phone.device.id}`, {
      token: alice.session.accessToken,
    });
    expect(revoked.status).toBe(204);
    expect(await server.store.pushSubscriptionsOf([alice.userId])).toEqual([]);
    expect(await server.store.removePushSubscription(phone.device.id)).toBe(false);
    await send(bob, chat.id, 'hi');
    await server.app.pushesSettled();
    expect(service.to('/push/phone')).toHaveLength(0);
  });

  it('DELETE /api/push/subscription stops pushes to the calling device', async () => {
    const alice = await someone('alice');
    const bob = await someone('bob');
    const chat = await direct(bob, alice);
    await subscribeOffline(alice, 'alice');
    const removed = await http(server, 'DELETE', '/api/push/subscription', {
      token: alice.session.accessToken,
    });
    expect(removed.status).toBe(204);
    await send(bob, chat.id, 'hi');
    await server.app.pushesSettled();
    expect(service.to('/push/alice')).toHaveLength(0);
  });

  it('refuses endpoints that are not public https addresses, keys that are not P-256, strangers', async () => {
    const alice = await someone('alice');
    const put = (body: unknown) =>
      http<{ error: { code: string } }>(server, 'PUT', '/api/push/subscription', {
        token: alice.session.accessToken,
        body,
      });
    const keys = browserKeys().json;
    for (const endpoint of [
      'http://push.example.org/x',
      'https://10.0.0.1/x',
      'https://192.168.1.1/x',
      'https://[fe80::1]/x',
      'https://user:pw@push.example.org/x',
      'ftp://push.example.org/x',
      'not a url',
      `https://push.example.org/${'a'.repeat(3000)}`,
    ]) {
      const answer = await put({ endpoint, keys });
      expect(answer.status, endpoint).toBe(400);
      expect(answer.body.error.code).toBe('invalid_payload');
    }
    for (const bad of [
      { ...keys, p256dh: `B${'A'.repeat(86)}` },
      { ...keys, p256dh: keys.p256dh.slice(1) },
      { ...keys, auth: 'short' },
      { p256dh: keys.p256dh },
      {},
    ]) {
      expect((await put({ endpoint: 'https://push.example.org/x', keys: bad })).status).toBe(400);
    }
    expect((await put({ endpoint: 'https://push.example.org/x' })).status).toBe(400);
    expect((await put('junk')).status).toBe(400);
    const stranger = await http(server, 'PUT', '/api/push/subscription', {
      body: { endpoint: 'https://push.example.org/x', keys },
    });
    expect(stranger.status).toBe(401);
    expect((await http(server, 'GET', '/api/push/key')).status).toBe(401);
    // Nothing was kept; a public https endpoint is.
    expect(await server.store.pushSubscriptionsOf([alice.userId])).toEqual([]);
    expect((await put({ endpoint: 'https://push.example.org/x', keys })).status).toBe(204);
    expect(await server.store.pushSubscriptionsOf([alice.userId])).toHaveLength(1);
  });
});

describe('Web Push settings', () => {
  const started: TestServer[] = [];
  afterEach(async () => {
    for (const s of started.splice(0)) await s.stop();
  });
  const start = async (options: Parameters<typeof startServer>[0]) => {
    const s = await startServer(options);
    started.push(s);
    return s;
  };

  it('without an https PUBLIC_URL there is no Web Push: the routes answer 404', async () => {
    const server = await start({ config: { PUBLIC_URL: 'http://localhost:3000' } });
    const alice = await register(server);
    const key = await http<{ error: { code: string } }>(server, 'GET', '/api/push/key', {
      token: alice.accessToken,
    });
    expect(key.status).toBe(404);
    expect(key.body.error.code).toBe('not_found');
  });

  it('loopback and plain http endpoints only where WEB_PUSH_ALLOW_LOOPBACK allows them', async () => {
    const server = await start({ config: { PUBLIC_URL } });
    const alice = await register(server);
    const answer = await http(server, 'PUT', '/api/push/subscription', {
      token: alice.accessToken,
      body: { endpoint: 'http://127.0.0.1:9/push', keys: browserKeys().json },
    });
    expect(answer.status).toBe(400);
    const https = await http(server, 'PUT', '/api/push/subscription', {
      token: alice.accessToken,
      body: { endpoint: 'https://127.0.0.1/push', keys: browserKeys().json },
    });
    expect(https.status).toBe(400);
  });

  it('subscription changes are rate limited per device (RATE_LIMIT_PUSH per minute)', async () => {
    const server = await start({ config: { PUBLIC_URL, RATE_LIMIT_PUSH: 2 } });
    const alice = await register(server);
    const put = () =>
      http(server, 'PUT', '/api/push/subscription', {
        token: alice.accessToken,
        body: { endpoint: 'https://push.example.org/x', keys: browserKeys().json },
      });
    expect((await put()).status).toBe(204);
    expect((await put()).status).toBe(204);
    const third = await put();
    expect(third.status).toBe(429);
  });

  it('the VAPID key pair is generated once into DATA_DIR and kept across restarts', async () => {
    const first = await start({ config: { PUBLIC_URL } });
    const alice = await register(first);
    const before = await http<{ publicKey: string }>(first, 'GET', '/api/push/key', {
      token: alice.accessToken,
    });
    await first.stop();
    started.splice(started.indexOf(first), 1);
    const second = await start({ dataDir: first.dataDir, config: { PUBLIC_URL } });
    const after = await http<{ publicKey: string }>(second, 'GET', '/api/push/key', {
      token: alice.accessToken,
    });
    expect(after.body.publicKey).toBe(before.body.publicKey);
  });
});

describe.skipIf(!redisAvailable('server/test/web-push.test.ts (Web Push across processes)'))(
  'Web Push in the scaled mode (two apps, one Redis)',
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

    it('a device live on another process gets no push; an offline one does, with the shared key', async () => {
      const service = await startPushService();
      cleanups.push(service.close);
      const data = tempDir();
      cleanups.push(data.remove);
      const vapid = webpush.generateVAPIDKeys();
      const config: Partial<Config> = {
        REDIS_URL: redis.url,
        JWT_SECRET: CLUSTER_JWT_SECRET,
        PUBLIC_URL,
        WEB_PUSH_ALLOW_LOOPBACK: true,
        VAPID_PUBLIC_KEY: vapid.publicKey,
        VAPID_PRIVATE_KEY: vapid.privateKey,
      };
      const keyPrefix = `test:${randomUUID()}:`;
      const start = async () => {
        const scaled = await connectRedis(testConfig(config), createLogger('silent'), {
          keyPrefix,
        });
        const server = await startServer({ dataDir: data.dir, config, deps: scaled.deps });
        cleanups.push(async () => {
          await server.stop();
          await scaled.close();
        });
        return server;
      };
      const a = await start();
      const b = await start();

      // Alice's laptop is connected to B; her phone is offline. Bob writes through A.
      const alice = await person(b, 'alice');
      const bob = await person(a, 'bob');
      cleanups.push(
        () => alice.socket.close(),
        () => bob.socket.close(),
      );
      const chat = await direct(bob, alice);
      const laptop = await http(b, 'PUT', '/api/push/subscription', {
        token: alice.session.accessToken,
        body: { endpoint: `${service.origin}/push/laptop`, keys: browserKeys().json },
      });
      expect(laptop.status).toBe(204);
      const phone = await login(b, alice.session.user.username);
      const phoneKeys = browserKeys();
      const subscribed = await http(a, 'PUT', '/api/push/subscription', {
        token: phone.accessToken,
        body: { endpoint: `${service.origin}/push/phone`, keys: phoneKeys.json },
      });
      expect(subscribed.status).toBe(204);
      for (const server of [a, b]) {
        const key = await http<{ publicKey: string }>(server, 'GET', '/api/push/key', {
          token: bob.session.accessToken,
        });
        expect(key.body.publicKey).toBe(vapid.publicKey);
      }

      const sent = await send(bob, chat.id, 'across processes');
      expect(opened(await service.next('/push/phone'), phoneKeys).seq).toBe(sent.seq);
      await a.app.pushesSettled();
      await b.app.pushesSettled();
      expect(service.to('/push/laptop')).toHaveLength(0);
    });
  },
);
