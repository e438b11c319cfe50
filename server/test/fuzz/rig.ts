/**
 * The fuzz world: a real server on a temp SQLite file, three actors (alice, bob, carol) with live
 * sockets and a stranger, setup conversations of every kind, and a ledger of what was answered `ok`
 * that the store is checked against after every property.
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import type BetterSqlite3 from 'better-sqlite3';
import type fc from 'fast-check';
import { pino } from 'pino';
import { expect } from 'vitest';
import type { AuthSession } from '@chitchat/shared';
import { Database } from '../../src/store/sqlite/driver';
import { SQLITE_FILE_NAME } from '../../src/store/sqlite/index';
import {
  payloadArbitraries,
  type FuzzEvent,
  type FuzzPayload,
  type FuzzWorld,
} from '../arbitraries';
import {
  connect,
  http,
  register,
  startServer,
  tempDir,
  uniqueName,
  type ClientSocket,
  type TestServer,
} from '../harness';
import { problemWith } from './answers';
import { newLedger } from './ledger';
import { storeViolations } from './store-checks';
import {
  containsBinary,
  describePayload,
  emitWithAck,
  isObject,
  wireForm,
  type Answer,
  type Loose,
} from './wire';

const RUN_FACTOR = Number(process.env.FUZZ_RUNS ?? 1);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** Runs of a property, scaled by `FUZZ_RUNS`. */
export const runs = (base: number) => Math.round(base * RUN_FACTOR);
export const FUZZ_TEST_TIMEOUT_MS = 90_000;

export const fcParams = <T>(numRuns: number): fc.Parameters<T> => ({
  numRuns,
  ...(SEED !== undefined && !Number.isNaN(SEED) ? { seed: SEED } : {}),
  // A live server makes shrinking slow: bound it rather than time out the whole test.
  interruptAfterTimeLimit: FUZZ_TEST_TIMEOUT_MS - 15_000,
});

export interface Actor {
  name: string;
  session: AuthSession;
  socket: ClientSocket;
}

export class FuzzRig {
  readonly ledger = newLedger();
  readonly setupConversationIds: string[] = [];
  /** A group created fresh before each test, where every actor is still a member. */
  arenaId: string | undefined;
  readonly createdConversationIds: string[] = [];
  readonly errorLogs: string[] = [];
  readonly reportedViolations = new Set<string>();
  /** Answers per event and outcome, printed with FUZZ_STATS=1 (to see what the fuzz reaches). */
  readonly stats = new Map<string, number>();
  server!: TestServer;
  data!: ReturnType<typeof tempDir>;
  db!: BetterSqlite3.Database;
  actors: Actor[] = [];
  stranger!: AuthSession;
  arbs!: Record<FuzzEvent, fc.Arbitrary<FuzzPayload>>;
  validArbs!: Record<FuzzEvent, fc.Arbitrary<unknown>>;

  readonly world: FuzzWorld = {
    userIds: () => [...this.actors.map((a) => a.session.user.id), this.stranger.user.id],
    // The fresh arena twice: fuzzed leaves and removals wear the other conversations out.
    conversationIds: () =>
      this.arenaId === undefined
        ? this.setupConversationIds
        : [...this.setupConversationIds, this.arenaId, this.arenaId],
    createdConversationIds: () => this.createdConversationIds,
  };

  /** Starts the server and builds the setup conversations. */
  async start(): Promise<void> {
    this.data = tempDir('chitchat-fuzz-');
    // Errors the server logs (a request that threw, a failed ack...) fail the test.
    const errorLogs = this.errorLogs;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        errorLogs.push(chunk.toString());
        done();
      },
    });
    this.server = await startServer({
      dataDir: this.data.dir,
      deps: { logger: pino({ level: 'error' }, sink) },
    });
    this.db = new Database(path.join(this.data.dir, SQLITE_FILE_NAME), {
      readonly: true,
      fileMustExist: true,
    });

    const sessions = await Promise.all(
      ['alice', 'bob', 'carol', 'dave'].map((name) => register(this.server, uniqueName(name))),
    );
    this.stranger = sessions[3]!;
    this.actors = await Promise.all(
      ['alice', 'bob', 'carol'].map(async (name, i) => ({
        name,
        session: sessions[i]!,
        socket: await connect(this.server, sessions[i]!.accessToken),
      })),
    );
    const [alice, bob, carol] = this.actors as [Actor, Actor, Actor];
    const id = (a: Actor) => a.session.user.id;
    const adopt = (conversationId: string) => {
      this.setupConversationIds.push(conversationId);
      this.createdConversationIds.splice(this.createdConversationIds.indexOf(conversationId), 1);
    };

    // A direct chat with a reply.
    const direct = await this.must<{ id: string }>(alice, 'conversation:direct', {
      userId: id(bob),
    });
    adopt(direct.id);
    await this.must(alice, 'message:send', {
      conversationId: direct.id,
      clientMsgId: 'setup-d1',
      text: 'hi bob',
    });
    await this.must(bob, 'message:send', {
      conversationId: direct.id,
      clientMsgId: 'setup-d2',
      text: 'hi alice',
    });
    await this.must(alice, 'message:send', {
      conversationId: direct.id,
      clientMsgId: 'setup-d3',
      text: 'how are you?',
      replyToSeq: 2,
    });
    await this.must(bob, 'receipt:read', { conversationId: direct.id, seq: 3 });

    // A group of three with an edit, a delete and an admin.
    const team = await this.must<{ id: string }>(alice, 'group:create', {
      title: 'Team',
      memberIds: [id(bob), id(carol)],
    });
    adopt(team.id);
    await this.must(alice, 'group:update', {
      conversationId: team.id,
      roles: [{ userId: id(bob), role: 'admin' }],
    });
    for (const [i, actor] of [alice, bob, carol, alice, bob].entries())
      await this.must(actor, 'message:send', {
        conversationId: team.id,
        clientMsgId: `setup-t${i}`,
        text: `team message ${i}`,
      });
    await this.must(bob, 'message:edit', {
      conversationId: team.id,
      seq: 4,
      text: 'edited by bob',
    });
    await this.must(carol, 'message:delete', { conversationId: team.id, seq: 5 });

    // A group alice is not in.
    const secret = await this.must<{ id: string }>(bob, 'group:create', {
      title: 'Secret',
      memberIds: [id(carol)],
    });
    adopt(secret.id);
    await this.must(bob, 'message:send', {
      conversationId: secret.id,
      clientMsgId: 'setup-s1',
      text: 'alice must not see this',
    });

    // A group alice has left (a former member: reads capped, writes forbidden).
    const old = await this.must<{ id: string }>(carol, 'group:create', {
      title: 'Old',
      memberIds: [id(alice)],
    });
    adopt(old.id);
    await this.must(alice, 'message:send', {
      conversationId: old.id,
      clientMsgId: 'setup-o1',
      text: 'bye',
    });
    await this.must(alice, 'group:leave', { conversationId: old.id });
    await this.must(carol, 'message:send', {
      conversationId: old.id,
      clientMsgId: 'setup-o2',
      text: 'after alice left',
    });

    ({ any: this.arbs, valid: this.validArbs } = payloadArbitraries(this.world));
    await this.expectHealthy();
  }

  /** A fresh group where every actor is still a member (the fuzz wears the others out). */
  async newArena(): Promise<void> {
    // Logs of a test that already failed are not this test's.
    this.errorLogs.length = 0;
    const [alice, bob, carol] = this.actors as [Actor, Actor, Actor];
    const previous = this.arenaId;
    const arena = await this.must<{ id: string }>(alice, 'group:create', {
      title: 'Arena',
      memberIds: [bob.session.user.id, carol.session.user.id],
    });
    await this.must(alice, 'group:update', {
      conversationId: arena.id,
      roles: [{ userId: bob.session.user.id, role: 'admin' }],
    });
    for (const [i, actor] of [alice, bob, carol, alice, bob, carol].entries())
      await this.must(actor, 'message:send', {
        conversationId: arena.id,
        clientMsgId: `arena-${arena.id}-${i}`,
        text: `arena message ${i}`,
      });
    // Seq 9: a poll, so valid votes land (and race edits and deletes of it).
    await this.must(carol, 'message:send', {
      conversationId: arena.id,
      clientMsgId: `arena-${arena.id}-poll`,
      text: '📊 Lunch?',
      poll: { question: 'Lunch?', options: ['Tacos', 'Ramen', 'Salad'], multiple: false },
    });
    this.createdConversationIds.splice(this.createdConversationIds.indexOf(arena.id), 1);
    if (previous !== undefined) this.createdConversationIds.push(previous);
    this.arenaId = arena.id;
  }

  async stop(): Promise<void> {
    if (process.env.FUZZ_STATS)
      console.log(
        [...this.stats]
          .sort()
          .map(([key, n]) => `${key}: ${n}`)
          .join('\n'),
      );
    for (const actor of this.actors) actor.socket.close();
    this.db?.close();
    await this.server?.stop();
    this.data?.remove();
  }

  async ensureConnected(actor: Actor): Promise<void> {
    if (actor.socket.connected) return;
    actor.socket.close();
    actor.socket = await connect(this.server, actor.session.accessToken);
  }

  record(actor: Actor, event: FuzzEvent, payload: unknown, answer: unknown): void {
    if (!isObject(answer) || containsBinary(payload)) return;
    const p = wireForm(payload);
    if (!isObject(p)) return;
    const userId = actor.session.user.id;
    const data = isObject(answer.data) ? answer.data : {};
    if (event === 'message:send' && typeof p.clientMsgId === 'string') {
      const key = `${userId}\u0000${p.clientMsgId}`;
      if (answer.ok === true) {
        const id = String(data.id);
        this.ledger.sentIds.add(id);
        const first = this.ledger.firstSend.get(key);
        if (first === undefined) this.ledger.firstSend.set(key, { id, seq: Number(data.seq) });
        else if (first.id !== id || first.seq !== data.seq)
          this.ledger.problems.push(
            `message:send retry of ${JSON.stringify(p.clientMsgId)} answered ${JSON.stringify(data)}, first answer was ${JSON.stringify(first)}`,
          );
      } else this.ledger.refusedSends.add(key);
    }
    if (answer.ok !== true) return;
    if (
      (event === 'message:edit' ||
        event === 'message:delete' ||
        event === 'message:react' ||
        event === 'message:pin' ||
        event === 'poll:vote') &&
      typeof p.conversationId === 'string'
    )
      this.ledger.editDeleteSeqs.add(`${p.conversationId}#${String(data.seq)}`);
    if (
      (event === 'group:update' || event === 'group:leave') &&
      typeof p.conversationId === 'string'
    )
      this.ledger.groupChanged.add(p.conversationId);
    if (
      (event === 'group:create' || event === 'conversation:direct') &&
      typeof data.id === 'string'
    ) {
      if (event === 'group:create') this.ledger.groupChanged.add(data.id);
      if (!this.ledger.conversations.has(data.id)) {
        this.ledger.conversations.add(data.id);
        if (!this.setupConversationIds.includes(data.id)) this.createdConversationIds.push(data.id);
      }
    }
  }

  /** Sends one request as `actor` and records its answer in the ledger. */
  async send(actor: Actor, event: FuzzEvent, payload: unknown): Promise<Answer> {
    const answer = await emitWithAck(actor.socket, event, [payload]);
    if (answer.answered) this.record(actor, event, payload, answer.answer);
    const outcome = !answer.answered
      ? 'no ack'
      : isObject(answer.answer) && answer.answer.ok === true
        ? 'ok'
        : String((answer.answer as { error?: { code?: unknown } } | undefined)?.error?.code);
    const key = `${event} ${outcome}`;
    this.stats.set(key, (this.stats.get(key) ?? 0) + 1);
    return answer;
  }

  /** A request that must succeed (setup). */
  async must<T = Loose>(actor: Actor, event: FuzzEvent, payload: unknown): Promise<T> {
    const answer = await this.send(actor, event, payload);
    if (!answer.answered || !isObject(answer.answer) || answer.answer.ok !== true)
      throw new Error(`setup ${event} failed: ${JSON.stringify(answer)}`);
    return answer.answer.data as T;
  }

  // ---------- checks of one answer ----------
  async runRequests(
    actor: Actor,
    requests: readonly { event: FuzzEvent; payload: FuzzPayload }[],
  ): Promise<void> {
    await this.ensureConnected(actor);
    const answers = await Promise.all(
      requests.map((r) => this.send(actor, r.event, r.payload.payload)),
    );
    const problems = requests.flatMap((r, i) => {
      const problem = problemWith(r.event, r.payload.payload, answers[i] as Answer);
      return problem === null
        ? []
        : [
            `${r.event} (${r.payload.kind}) ${problem}\n  payload: ${describePayload(r.payload.payload)}\n  answer: ${JSON.stringify(answers[i])}`,
          ];
    });
    if (!actor.socket.connected) problems.push(`the socket of ${actor.name} was disconnected`);
    if (this.ledger.problems.length > 0) problems.push(...this.ledger.problems.splice(0));
    if (problems.length > 0) throw new Error(problems.join('\n'));
  }

  /** The server answers /healthz, a fresh client works, the store is sound and nothing was logged. */
  async expectHealthy(): Promise<void> {
    const health = await http(this.server, 'GET', '/healthz');
    expect(health.status).toBe(200);
    const fresh = await connect(this.server, this.actors[0]!.session.accessToken);
    try {
      const answer = await emitWithAck(fresh, 'conversation:list', [{}]);
      expect(answer).toMatchObject({ answered: true, answer: { ok: true } });
    } finally {
      fresh.close();
    }
    for (const actor of this.actors) await this.ensureConnected(actor);
    // Only new violations: one stored inconsistency fails the test that made it, not every later one.
    const violations = (await this.storeViolations()).filter(
      (v) => !this.reportedViolations.has(v),
    );
    violations.forEach((v) => this.reportedViolations.add(v));
    expect(violations).toEqual([]);
    // Drained, so one bug fails one test rather than every later one.
    expect(this.errorLogs.splice(0)).toEqual([]);
  }

  /** A snapshot of everything a request could write (conversations, memberships, log). */
  snapshot(): string {
    return JSON.stringify([
      this.db.prepare('SELECT * FROM conversations ORDER BY id').all(),
      this.db.prepare('SELECT * FROM memberships ORDER BY conversation_id, user_id').all(),
      this.db.prepare('SELECT * FROM events ORDER BY conversation_id, seq').all(),
      this.db.prepare('SELECT * FROM account_entries ORDER BY user_id, key').all(),
      this.db.prepare('SELECT * FROM account_versions ORDER BY user_id').all(),
    ]);
  }

  /** Every invariant of the stored data (of one conversation when `only`). */
  storeViolations(only?: string): Promise<string[]> {
    return storeViolations({ db: this.db, store: this.server.store, ledger: this.ledger }, only);
  }
}
