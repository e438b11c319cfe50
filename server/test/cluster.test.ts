import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry, MessageEvent } from '@chitchat/shared';
import {
  call,
  connect,
  disconnected,
  http,
  login,
  nextEvent,
  request,
  tempDir,
  type ClientSocket,
} from './harness';
import {
  catchUp,
  collectEvents,
  direct,
  group,
  person,
  secondDevice,
  send,
  textsOf,
  type Person,
} from './fixtures';
import { OFFLINE_WITHIN_MS, PRESENCE_TTL_S, startCluster, type Cluster } from './cluster';
import { freePort, redisAvailable } from './redis-server';
import { openSqliteStore } from '../src/store/sqlite/index';
import {
  CLUSTER_JWT_SECRET,
  runServerToExit,
  spawnFrozenClient,
  type ServerProcess,
} from './server-process';

/*
 * Two server processes (separate OS processes) on one SQLite file and one real redis-server,
 * driven by socket.io clients: the scaled mode of DESIGN §2 end to end.
 */

/** These tests start their own cluster: two processes compiling at once on a busy machine. */
const CLUSTER_TEST_TIMEOUT_MS = 120_000;

const messagesOf = (events: readonly LogEntry[]) =>
  events.filter((e): e is MessageEvent => e.type === 'message');

async function readyz(server: { url: string }) {
  return http<{ status: string; checks: Record<string, string> }>(server, 'GET', '/readyz');
}

/** Polls `probe` until it returns true; fails after `timeoutMs`. For waiting on recovery. */
async function eventually(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Sends like the desktop engine's outbox: one message at a time, in order; on a lost connection
 * it connects to whichever server process is up and resends the unacked message with the same
 * clientMsgId.
 */
class OutboxClient {
  readonly acked: { clientMsgId: string; seq: number; text: string }[] = [];
  reconnects = 0;
  /** Sends repeated after a lost ack (same clientMsgId). */
  resends = 0;

  constructor(
    public socket: ClientSocket,
    private readonly token: string,
    private readonly servers: readonly { url: string }[],
  ) {}

  async sendAll(conversationId: string, texts: readonly string[], onAck?: () => void) {
    for (const text of texts) {
      const clientMsgId = randomUUID();
      for (let attempt = 1; ; attempt++) {
        if (attempt > 20) throw new Error(`gave up sending "${text}"`);
        if (attempt > 1) this.resends += 1;
        if (!this.socket.connected) await this.reconnect();
        let answer;
        try {
          answer = await request(
            this.socket,
            'message:send',
            { conversationId, clientMsgId, text },
            2_000,
          );
        } catch {
          continue; // no ack: disconnected or timed out; resend the same clientMsgId
        }
        if (!answer.ok) throw new Error(`"${text}" refused: ${answer.error.code}`);
        this.acked.push({ clientMsgId, seq: answer.data.seq, text });
        onAck?.();
        break;
      }
    }
  }

  private async reconnect() {
    this.socket.close();
    for (const server of this.servers) {
      try {
        this.socket = await connect(server, this.token);
        this.reconnects += 1;
        return;
      } catch {
        // that process is down: try the next
      }
    }
    throw new Error('no server process accepts connections');
  }
}

const suiteName = 'server/test/cluster.test.ts (two server processes + redis-server)';

describe.skipIf(!redisAvailable(suiteName))('two server processes sharing Redis and SQLite', () => {
  describe('live traffic across processes', () => {
    let cluster: Cluster;
    const sockets: ClientSocket[] = [];
    beforeAll(async () => {
      cluster = await startCluster();
    });
    afterEach(() => sockets.splice(0).forEach((s) => s.close()));
    afterAll(async () => {
      await cluster?.stop();
    });
    const on = async (server: ServerProcess, name: string) => {
      const p = await person(server, name);
      sockets.push(p.socket);
      return p;
    };

    it('both processes are ready with Redis', async () => {
      for (const server of [cluster.a, cluster.b]) {
        const ready = await readyz(server);
        expect(ready.status).toBe(200);
        expect(ready.body.checks).toEqual({ store: 'ok', redis: 'ok' });
      }
    });

    it('clients on different processes exchange messages, receipts, typing and presence', async () => {
      const alice = await on(cluster.a, 'alice');
      const bob = await on(cluster.b, 'bob');
      const alicePhone = await secondDevice(cluster.b, alice);
      sockets.push(alicePhone.socket);
      const chat = await direct(alice, bob);
      // Bob accepts alice's request (so she sees his read receipts and typing), and alice shows
      // her presence to everyone (bob is no contact of hers until she writes).
      await call(bob.socket, 'request:accept', { conversationId: chat.id });
      await http(cluster.a, 'PATCH', '/api/me', {
        token: alice.session.accessToken,
        body: { lastSeenVisibility: 'everyone' },
      });

      // Presence: each sees the other online, though their processes differ.
      const watched = await call(bob.socket, 'presence:watch', { userIds: [alice.userId] });
      expect(watched.presence).toEqual([{ userId: alice.userId, online: true, lastSeenAt: null }]);

      // A message sent on A reaches the peer on B and the sender's other device on B.
      const atBob = nextEvent(bob.socket, 'event', (e) => e.conversationId === chat.id);
      const atPhone = nextEvent(alicePhone.socket, 'event', (e) => e.conversationId === chat.id);
      const first = await send(alice, chat.id, 'hello from process A');
      expect(await atBob).toMatchObject({
        seq: first.seq,
        payload: { text: 'hello from process A' },
      });
      expect((await atPhone).seq).toBe(first.seq);

      // Receipts: bob (B) reads it; alice's devices on A and on B see that.
      const readBy = (p: Person) =>
        nextEvent(p.socket, 'receipt', (r) => r.userId === bob.userId && r.readSeq === first.seq);
      const receiptAtAlice = readBy(alice);
      const receiptAtPhone = readBy(alicePhone);
      await call(bob.socket, 'receipt:read', { conversationId: chat.id, seq: first.seq });
      expect(await receiptAtAlice).toMatchObject({ conversationId: chat.id, readSeq: first.seq });
      expect((await receiptAtPhone).readSeq).toBe(first.seq);

      // And back from B to A.
      const atAlice = nextEvent(alice.socket, 'event', (e) => e.conversationId === chat.id);
      const reply = await send(bob, chat.id, 'hi from process B');
      expect(await atAlice).toMatchObject({
        seq: reply.seq,
        payload: { text: 'hi from process B' },
      });

      // Typing from B shows on A.
      const typing = nextEvent(alice.socket, 'typing', (t) => t.userId === bob.userId);
      bob.socket.emit('typing', { conversationId: chat.id, typing: true });
      expect(await typing).toEqual({ conversationId: chat.id, userId: bob.userId, typing: true });

      // Presence transitions cross processes: alice's devices on A and B both go: offline (with a
      // last-seen time) reaches bob on B; she comes back on A: online reaches him.
      const offline = nextEvent(bob.socket, 'presence', (p) => p.userId === alice.userId);
      const before = Date.now();
      alice.socket.close();
      alicePhone.socket.close();
      const wentOffline = await offline;
      expect(wentOffline.online).toBe(false);
      expect(wentOffline.lastSeenAt).toBeGreaterThanOrEqual(before - 1000);
      const online = nextEvent(bob.socket, 'presence', (p) => p.userId === alice.userId);
      sockets.push(await connect(cluster.a, alice.session.accessToken));
      expect(await online).toEqual({ userId: alice.userId, online: true, lastSeenAt: null });
    });

    it('revoking a device through one process disconnects its socket on the other', async () => {
      const carol = await on(cluster.a, 'carol');
      const carolPhone = await secondDevice(cluster.b, carol);
      sockets.push(carolPhone.socket);
      const notice = nextEvent(carolPhone.socket, 'session:revoked');
      const closed = disconnected(carolPhone.socket);

      const route = `/api/devices/${carolPhone.session.device.id}`;
      const revoke = await http(cluster.a, 'DELETE', route, { token: carol.session.accessToken });
      expect(revoke.status).toBe(204);
      expect(await notice).toEqual({ reason: 'revoked' });
      expect(await closed).toBe('io server disconnect');
      expect(carol.socket.connected).toBe(true);
      // Neither process lets the revoked device back in.
      for (const server of [cluster.a, cluster.b]) {
        await expect(connect(server, carolPhone.session.accessToken)).rejects.toThrow(
          'unauthorized',
        );
      }
    });

    it('disabling an account through one process closes its sockets on the other at once', async () => {
      const root = await on(cluster.a, 'root');
      const erin = await on(cluster.a, 'erin');
      const erinPhone = await secondDevice(cluster.b, erin);
      sockets.push(erinPhone.socket);
      // Whoever registered first in this cluster is its admin; make root one beside them.
      const store = openSqliteStore(cluster.dataDir);
      await store.setUserRole(root.userId, 'admin');
      await store.close();
      const notices = [erin.socket, erinPhone.socket].map((s) => nextEvent(s, 'session:revoked'));
      const closed = [erin.socket, erinPhone.socket].map((s) => disconnected(s));

      const route = `/api/admin/users/${erin.userId}`;
      const answer = await http(cluster.b, 'PATCH', route, {
        token: root.session.accessToken,
        body: { disabled: true },
      });
      expect(answer.status).toBe(200);
      expect(await Promise.all(notices)).toEqual([{ reason: 'disabled' }, { reason: 'disabled' }]);
      expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
      expect(root.socket.connected).toBe(true);
    });

    it('both processes write the one SQLite file at once: every message stored once, seqs gapless', async () => {
      const dave = await on(cluster.a, 'dave');
      const erin = await on(cluster.b, 'erin');
      const frank = await on(cluster.a, 'frank');
      const chat = await group(dave, [erin, frank], 'busy');
      const perSender = 60;
      const liveAtFrank = collectEvents(
        frank.socket,
        chat.id,
        perSender * 2,
        (e) => e.type === 'message',
        20_000,
      );

      // Every send in flight at once, from both processes.
      const burst = (p: Person, label: string) =>
        Promise.all(Array.from({ length: perSender }, (_, i) => send(p, chat.id, `${label} ${i}`)));
      const [fromDave, fromErin] = await Promise.all([burst(dave, 'dave'), burst(erin, 'erin')]);
      const ackedSeqs = [...fromDave, ...fromErin].map((a) => a.seq);
      expect(new Set(ackedSeqs).size).toBe(perSender * 2);

      const log = await catchUp(frank.socket, chat.id, 0);
      const seqs = log.events.map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: log.lastSeq }, (_, i) => i + 1));
      const messages = messagesOf(log.events);
      expect(messages).toHaveLength(perSender * 2);
      expect(messages.map((m) => m.seq).sort((x, y) => x - y)).toEqual(
        [...ackedSeqs].sort((x, y) => x - y),
      );
      // Live fan-out from both processes reached frank: each message once.
      const live = await liveAtFrank;
      expect(new Set(live.map((e) => e.seq)).size).toBe(perSender * 2);
    });

    // Last: it stops process B.
    it('a process stopped with SIGTERM exits cleanly, even with a frozen client, and its users are shown offline at once', async () => {
      const grace = await on(cluster.b, 'grace');
      const henry = await on(cluster.a, 'henry');
      const chat = await direct(henry, grace);
      await call(grace.socket, 'request:accept', { conversationId: chat.id });
      // Grace's other device on B stops answering: the drain must not wait for it.
      const gracePhone = await login(cluster.b, grace.session.user.username);
      const frozen = await spawnFrozenClient(cluster.b.url, gracePhone.accessToken);
      try {
        frozen.freeze();
        await call(henry.socket, 'presence:watch', { userIds: [grace.userId] });
        const offline = nextEvent(henry.socket, 'presence', (p) => p.userId === grace.userId);
        const stoppedAt = Date.now();
        expect(await cluster.b.stop()).toBe(0);
        expect(await offline).toMatchObject({ online: false });
        // Announced on the way out, not found later by a sweep (that takes most of the TTL).
        expect(Date.now() - stoppedAt).toBeLessThan((PRESENCE_TTL_S * 1000 * 2) / 3);
        expect(henry.socket.connected).toBe(true);
      } finally {
        await frozen.kill();
      }
    });
  });

  it(
    'kill -9 of a process while clients send: they move to the other, resend, catch up; nothing acked is lost or doubled; its users go offline within the TTL',
    async () => {
      const cluster = await startCluster();
      const sockets: ClientSocket[] = [];
      try {
        const { a, b } = cluster;
        const alice = await person(a, 'alice');
        const erin = await person(a, 'erin');
        const carol = await person(a, 'carol'); // stays on A, never reconnects
        const bob = await person(b, 'bob');
        sockets.push(alice.socket, erin.socket, carol.socket, bob.socket);
        const chat = await direct(alice, bob);
        const room = await group(erin, [bob, alice], 'room');
        // Carol accepts bob's chat: he is her contact and may watch her.
        const withCarol = await direct(bob, carol);
        await call(carol.socket, 'request:accept', { conversationId: withCarol.id });
        await call(bob.socket, 'presence:watch', { userIds: [carol.userId] });

        const count = 40;
        const aliceOutbox = new OutboxClient(alice.socket, alice.session.accessToken, [b, a]);
        const erinOutbox = new OutboxClient(erin.socket, erin.session.accessToken, [b, a]);
        let acks = 0;
        let killedAt = 0;
        let killing: Promise<void> | undefined;
        const killMidway = () => {
          acks += 1;
          // Once both have sent a few, while they keep sending.
          if (acks === 15 && killing === undefined) {
            killedAt = Date.now();
            killing = a.crash();
          }
        };
        const carolOffline = nextEvent(
          bob.socket,
          'presence',
          (p) => p.userId === carol.userId && !p.online,
          OFFLINE_WITHIN_MS + 5_000,
        );
        const texts = (who: string) => Array.from({ length: count }, (_, i) => `${who} ${i}`);
        // Bob, on the surviving process, writes into the direct chat all along.
        const bobSends = async () => {
          for (const text of texts('bob')) await send(bob, chat.id, text);
        };
        await Promise.all([
          aliceOutbox.sendAll(chat.id, texts('alice'), killMidway),
          erinOutbox.sendAll(room.id, texts('erin'), killMidway),
          bobSends(),
        ]);
        await killing;
        sockets.push(aliceOutbox.socket, erinOutbox.socket);
        expect(killedAt).toBeGreaterThan(0);
        expect([aliceOutbox.reconnects, erinOutbox.reconnects]).toEqual([1, 1]);
        // At least one message was in flight when the process died, and was sent again.
        expect(aliceOutbox.resends + erinOutbox.resends).toBeGreaterThanOrEqual(1);

        for (const [outbox, conversationId, who] of [
          [aliceOutbox, chat.id, alice],
          [erinOutbox, room.id, erin],
        ] as const) {
          // Every acked message exists exactly once, in the order it was sent, at its acked seq.
          const log = await catchUp(bob.socket, conversationId, 0);
          const messages = messagesOf(log.events).filter((m) => m.senderUserId === who.userId);
          expect(messages.map((m) => m.payload.text)).toEqual(
            texts(who === alice ? 'alice' : 'erin'),
          );
          expect(messages.map((m) => m.seq)).toEqual(outbox.acked.map((x) => x.seq));
          expect(messages.map((m) => m.clientMsgId)).toEqual(
            outbox.acked.map((x) => x.clientMsgId),
          );
          const seqs = log.events.map((e) => e.seq);
          expect(seqs).toEqual(Array.from({ length: log.lastSeq }, (_, i) => i + 1));
          // The sender, now on the other process, catches up to the same log.
          const theirs = await catchUp(outbox.socket, conversationId, 0);
          expect(messagesOf(theirs.events).map((e) => e.id)).toEqual(
            messagesOf(log.events).map((e) => e.id),
          );
        }
        const chatLog = await catchUp(aliceOutbox.socket, chat.id, 0);
        expect(
          messagesOf(chatLog.events)
            .filter((m) => m.senderUserId === bob.userId)
            .map((m) => m.payload.text),
        ).toEqual(texts('bob'));

        // Carol was only on the killed process: bob (on B) is told she is offline, with the time
        // her entry expired, once it has and the next sweep has run.
        const offline = await carolOffline;
        const tookMs = Date.now() - killedAt;
        expect(tookMs).toBeLessThanOrEqual(OFFLINE_WITHIN_MS + 1_000);
        expect(offline.lastSeenAt).toBeGreaterThan(killedAt - 1_000);
        expect(offline.lastSeenAt).toBeLessThanOrEqual(killedAt + PRESENCE_TTL_S * 1000);
        const looked = await call(bob.socket, 'presence:watch', { userIds: [carol.userId] });
        expect(looked.presence).toEqual([
          { userId: carol.userId, online: false, lastSeenAt: offline.lastSeenAt },
        ]);
        console.log(`kill -9: carol shown offline after ${tookMs} ms (TTL ${PRESENCE_TTL_S} s)`);
      } finally {
        sockets.forEach((s) => s.close());
        await cluster.stop();
      }
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );

  it(
    'restarting Redis mid-run: each process keeps serving its own clients and stays ready (degraded), recovers; no stored message is lost and fan-out resumes',
    async () => {
      const cluster = await startCluster();
      const sockets: ClientSocket[] = [];
      try {
        const { a, b, redis } = cluster;
        const alice = await person(a, 'alice');
        const alicePhone = await secondDevice(a, alice);
        const bob = await person(b, 'bob');
        sockets.push(alice.socket, alicePhone.socket, bob.socket);
        const chat = await direct(alice, bob);
        const atBob = nextEvent(bob.socket, 'event', (e) => e.conversationId === chat.id);
        await send(alice, chat.id, 'before the outage');
        await atBob;

        const outage = Array.from({ length: 10 }, (_, i) => `during the outage ${i}`);
        // What A hands to Redis while it is down waits in A's queue and reaches bob once it is back.
        const lateAtBob = collectEvents(
          bob.socket,
          chat.id,
          outage.length,
          (e) => e.type === 'message' && outage.includes(e.payload.text ?? ''),
          20_000,
        );

        await redis.stop();
        // Every process sees the outage, and none leaves the load balancer over it: each still
        // serves its own sockets (the 'degraded' answer is 200).
        await eventually('A and B report Redis down', async () =>
          (await Promise.all([readyz(a), readyz(b)])).every((r) => r.body.status === 'degraded'),
        );
        for (const server of [a, b]) {
          const answer = await readyz(server);
          expect(answer.status).toBe(200);
          expect(answer.body).toEqual({
            status: 'degraded',
            checks: { store: 'ok', redis: 'failing' },
          });
        }

        // A keeps serving its own clients: messages are stored and reach alice's phone on A live,
        // and sign-ins work (rate limits fall back to this process's own counts).
        const atPhone = collectEvents(alicePhone.socket, chat.id, outage.length);
        const acked = [];
        for (const text of outage) acked.push(await send(alice, chat.id, text));
        expect((await atPhone).map((e) => e.seq)).toEqual(acked.map((x) => x.seq));
        const newcomer = await person(a, 'newcomer');
        sockets.push(newcomer.socket);

        await redis.start();
        await eventually('both processes are ready again', async () => {
          const answers = await Promise.all([readyz(a), readyz(b)]);
          return answers.every((r) => r.body.status === 'ready');
        });

        // Nothing stored was lost: bob (on B) catches up on every message.
        const log = await catchUp(bob.socket, chat.id, 0);
        expect(messagesOf(log.events).map((m) => m.payload.text)).toEqual([
          'before the outage',
          ...outage,
        ]);

        expect(textsOf(await lateAtBob)).toEqual(outage);

        // Live fan-out across processes works again, both ways (a probe is resent until Redis has
        // carried one: waiting for recovery, bounded).
        const probe = async (from: Person, to: Person, label: string) => {
          for (let attempt = 1; attempt <= 10; attempt++) {
            const text = `${label} ${attempt}`;
            const arrived = nextEvent(
              to.socket,
              'event',
              (e) => e.type === 'message' && e.payload.text === text,
              1_000,
            );
            await send(from, chat.id, text);
            try {
              await arrived;
              return attempt;
            } catch {
              // not carried yet
            }
          }
          throw new Error(`${label}: fan-out did not resume`);
        };
        expect(await probe(alice, bob, 'A to B')).toBeLessThanOrEqual(10);
        expect(await probe(bob, alice, 'B to A')).toBeLessThanOrEqual(10);

        // Presence is rebuilt in the new Redis: alice (on A) shows online to bob (on B).
        await eventually('alice shows online again', async () => {
          const seen = await call(bob.socket, 'presence:watch', { userIds: [alice.userId] });
          return seen.presence[0]?.online === true;
        });
      } finally {
        sockets.forEach((s) => s.close());
        await cluster.stop();
      }
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );
});

describe('scaled mode start-up', () => {
  it('Redis unreachable at start: exits with a message naming REDIS_URL', async () => {
    const data = tempDir();
    try {
      const port = await freePort();
      const { code, output } = await runServerToExit({
        PORT: String(await freePort()),
        DATA_DIR: data.dir,
        REDIS_URL: `redis://:hunter2@127.0.0.1:${port}`,
        JWT_SECRET: CLUSTER_JWT_SECRET,
        LOG_LEVEL: 'info',
      });
      expect(code).toBe(1);
      expect(output).toContain(`Cannot reach Redis at REDIS_URL=redis://:***@127.0.0.1:${port}`);
      expect(output).toContain('ECONNREFUSED');
      expect(output).not.toContain('hunter2');
      expect(output).not.toContain('chitchat server listening');
    } finally {
      data.remove();
    }
  });
});
