/**
 * Property-based fuzzing of the Socket.io protocol (DESIGN.md §4, guarantee 6 of §6): random and
 * malformed payloads at every client -> server event, against a real server over real sockets.
 *
 * For every request: an ack arrives in time; it is a `Result` whose error code is one of the stable
 * `ERROR_CODES` and never `internal`; a payload the shared schema refuses is answered
 * `invalid_payload`; the socket stays connected; the process keeps answering `/healthz`.
 * After each property the store is read directly and checked: gapless seqs, well-formed messages and
 * membership periods, and nothing written except through requests that were answered `ok`.
 *
 * Seeds are random on every run; replay a failure with the seed fast-check prints:
 * `FUZZ_SEED=<seed> npx vitest run --project server server/test/fuzz.test.ts` (the server's state
 * differs from the failing run, so a race may need a few tries). `FUZZ_RUNS=<factor>` multiplies the
 * number of runs (a soak); `FUZZ_STATS=1` prints the answers per event and outcome.
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import type BetterSqlite3 from 'better-sqlite3';
import { Database } from '../src/store/sqlite/driver';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  GROUP_TITLE_MAX_LENGTH,
  MESSAGE_TEXT_MAX_LENGTH,
  PAGE_LIMIT_MAX,
  PAGE_LIMIT_MIN,
  SOCKET_MAX_PAYLOAD_BYTES,
  conversationDirectSchema,
  conversationListSchema,
  conversationMembersSchema,
  conversationSettingsSchema,
  eventsAfterSchema,
  eventsBeforeSchema,
  groupCreateSchema,
  groupLeaveSchema,
  groupUpdateSchema,
  hasUnsafeNameCharacter,
  idSchema,
  messageDeleteSchema,
  messageEditSchema,
  messageSendSchema,
  presenceWatchSchema,
  requestActionSchema,
  invitationListSchema,
  invitationActionSchema,
  receiptSchema,
  typingSchema,
  accountSetSchema,
  accountStateSchema,
  parseAccountKey,
  type AuthSession,
  isHidden,
  type ConversationEvent,
} from '@chitchat/shared';
import {
  FUZZ_EVENTS,
  REQUEST_EVENTS,
  payloadArbitraries,
  randomValue,
  type FuzzEvent,
  type FuzzPayload,
  type FuzzWorld,
} from './arbitraries';
import {
  connect,
  disconnected,
  http,
  openSocket,
  refusedHandshake,
  register,
  startServer,
  tempDir,
  uniqueName,
  type ClientSocket,
  type TestServer,
} from './harness';
import { SQLITE_FILE_NAME } from '../src/store/sqlite/index';
import type { z } from 'zod';

const RUN_FACTOR = Number(process.env.FUZZ_RUNS ?? 1);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** Runs per event; each run sends 1-3 requests at once. */
const RUNS_PER_EVENT = Math.round(150 * RUN_FACTOR);
/**
 * How long an answer may take before it counts as missing. Generous: in a full run this file
 * shares two cores with Chromium and several server processes, and a slow answer is not a lost one.
 */
const ACK_TIMEOUT_MS = 20_000;
const FUZZ_TEST_TIMEOUT_MS = 90_000;

const SCHEMAS: Record<FuzzEvent, z.ZodType> = {
  'conversation:list': conversationListSchema,
  'conversation:members': conversationMembersSchema,
  'conversation:direct': conversationDirectSchema,
  'conversation:settings': conversationSettingsSchema,
  'presence:watch': presenceWatchSchema,
  'events:after': eventsAfterSchema,
  'events:before': eventsBeforeSchema,
  'receipt:delivered': receiptSchema,
  'receipt:read': receiptSchema,
  'message:send': messageSendSchema,
  'message:edit': messageEditSchema,
  'message:delete': messageDeleteSchema,
  'group:create': groupCreateSchema,
  'group:update': groupUpdateSchema,
  'group:leave': groupLeaveSchema,
  'request:accept': requestActionSchema,
  'request:delete': requestActionSchema,
  'invitation:list': invitationListSchema,
  'invitation:accept': invitationActionSchema,
  'invitation:decline': invitationActionSchema,
  'account:state': accountStateSchema,
  'account:set': accountSetSchema,
  typing: typingSchema,
};

const fcParams = <T>(numRuns: number): fc.Parameters<T> => ({
  numRuns,
  ...(SEED !== undefined && !Number.isNaN(SEED) ? { seed: SEED } : {}),
  // A live server makes shrinking slow: bound it rather than time out the whole test.
  interruptAfterTimeLimit: FUZZ_TEST_TIMEOUT_MS - 15_000,
});

// ---------- wire helpers ----------

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function containsBinary(value: unknown, depth = 0): boolean {
  if (depth > 4_000) return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return true;
  if (Array.isArray(value)) return value.some((v) => containsBinary(v, depth + 1));
  if (typeof value === 'object' && value !== null && !(value instanceof Date))
    return Object.values(value).some((v) => containsBinary(v, depth + 1));
  return false;
}

/** The payload as the server sees it after JSON encoding (only for payloads without binary). */
function wireForm(value: unknown): unknown {
  return (JSON.parse(JSON.stringify([value])) as unknown[])[0];
}

function describePayload(value: unknown): string {
  const json = JSON.stringify([value], (_k, v: unknown) =>
    ArrayBuffer.isView(v) ? `<binary ${v.byteLength} bytes>` : v,
  );
  return json.length > 600 ? `${json.slice(0, 600)}... (${json.length} chars)` : json;
}

type Answer = { answered: true; answer: unknown } | { answered: false; reason: string };

/** Emits with an ack and a timeout; resolves with the answer or why there was none. */
function emitWithAck(
  socket: ClientSocket,
  event: string,
  args: unknown[],
  timeoutMs = ACK_TIMEOUT_MS,
): Promise<Answer> {
  return new Promise((resolve) => {
    const timed = socket.timeout(timeoutMs) as unknown as {
      emit(ev: string, ...rest: unknown[]): void;
    };
    timed.emit(event, ...args, (error: Error | null, answer: unknown) => {
      resolve(error ? { answered: false, reason: error.message } : { answered: true, answer });
    });
  });
}

const emitRaw = (socket: ClientSocket, event: string, ...args: unknown[]) =>
  (socket as unknown as { emit(ev: string, ...rest: unknown[]): void }).emit(event, ...args);

// ---------- the world ----------

interface Actor {
  name: string;
  session: AuthSession;
  socket: ClientSocket;
}

/** What the server answered `ok`, to compare with what the store holds. */
interface Ledger {
  /** Ids of every message event acked ok (setup included). */
  sentIds: Set<string>;
  /** `userId \0 clientMsgId` -> the first ok answer. */
  firstSend: Map<string, { id: string; seq: number }>;
  /** `userId \0 clientMsgId` of sends that were refused. */
  refusedSends: Set<string>;
  /** `conversationId#seq` of ok edits and deletes. */
  editDeleteSeqs: Set<string>;
  /** Conversations an ok group:create/update/leave may have written group events to. */
  groupChanged: Set<string>;
  /** Conversations created by ok answers (setup included). */
  conversations: Set<string>;
  /** Problems found while recording (idempotency violations...). */
  problems: string[];
}

const ledger: Ledger = {
  sentIds: new Set(),
  firstSend: new Map(),
  refusedSends: new Set(),
  editDeleteSeqs: new Set(),
  groupChanged: new Set(),
  conversations: new Set(),
  problems: [],
};

const setupConversationIds: string[] = [];
/** A group created fresh before each test, where every actor is still a member. */
let arenaId: string | undefined;
const createdConversationIds: string[] = [];
const errorLogs: string[] = [];
const reportedViolations = new Set<string>();
/** Answers per event and outcome, printed with FUZZ_STATS=1 (to see what the fuzz reaches). */
const stats = new Map<string, number>();

let server: TestServer;
let data: ReturnType<typeof tempDir>;
let db: BetterSqlite3.Database;
let actors: Actor[] = [];
let stranger: AuthSession;
let arbs: Record<FuzzEvent, fc.Arbitrary<FuzzPayload>>;
let validArbs: Record<FuzzEvent, fc.Arbitrary<unknown>>;

const world: FuzzWorld = {
  userIds: () => [...actors.map((a) => a.session.user.id), stranger.user.id],
  // The fresh arena twice: fuzzed leaves and removals wear the other conversations out.
  conversationIds: () =>
    arenaId === undefined ? setupConversationIds : [...setupConversationIds, arenaId, arenaId],
  createdConversationIds: () => createdConversationIds,
};

async function ensureConnected(actor: Actor): Promise<void> {
  if (actor.socket.connected) return;
  actor.socket.close();
  actor.socket = await connect(server, actor.session.accessToken);
}

function record(actor: Actor, event: FuzzEvent, payload: unknown, answer: unknown): void {
  if (!isObject(answer) || containsBinary(payload)) return;
  const p = wireForm(payload);
  if (!isObject(p)) return;
  const userId = actor.session.user.id;
  const data = isObject(answer.data) ? answer.data : {};
  if (event === 'message:send' && typeof p.clientMsgId === 'string') {
    const key = `${userId}\u0000${p.clientMsgId}`;
    if (answer.ok === true) {
      const id = String(data.id);
      ledger.sentIds.add(id);
      const first = ledger.firstSend.get(key);
      if (first === undefined) ledger.firstSend.set(key, { id, seq: Number(data.seq) });
      else if (first.id !== id || first.seq !== data.seq)
        ledger.problems.push(
          `message:send retry of ${JSON.stringify(p.clientMsgId)} answered ${JSON.stringify(data)}, first answer was ${JSON.stringify(first)}`,
        );
    } else ledger.refusedSends.add(key);
  }
  if (answer.ok !== true) return;
  if (
    (event === 'message:edit' || event === 'message:delete') &&
    typeof p.conversationId === 'string'
  )
    ledger.editDeleteSeqs.add(`${p.conversationId}#${String(data.seq)}`);
  if ((event === 'group:update' || event === 'group:leave') && typeof p.conversationId === 'string')
    ledger.groupChanged.add(p.conversationId);
  if (
    (event === 'group:create' || event === 'conversation:direct') &&
    typeof data.id === 'string'
  ) {
    if (event === 'group:create') ledger.groupChanged.add(data.id);
    if (!ledger.conversations.has(data.id)) {
      ledger.conversations.add(data.id);
      if (!setupConversationIds.includes(data.id)) createdConversationIds.push(data.id);
    }
  }
}

/** Sends one request as `actor` and records its answer in the ledger. */
async function send(actor: Actor, event: FuzzEvent, payload: unknown): Promise<Answer> {
  const answer = await emitWithAck(actor.socket, event, [payload]);
  if (answer.answered) record(actor, event, payload, answer.answer);
  const outcome = !answer.answered
    ? 'no ack'
    : isObject(answer.answer) && answer.answer.ok === true
      ? 'ok'
      : String((answer.answer as { error?: { code?: unknown } } | undefined)?.error?.code);
  const key = `${event} ${outcome}`;
  stats.set(key, (stats.get(key) ?? 0) + 1);
  return answer;
}

/** A request that must succeed (setup). */
async function must<T = Loose>(actor: Actor, event: FuzzEvent, payload: unknown): Promise<T> {
  const answer = await send(actor, event, payload);
  if (!answer.answered || !isObject(answer.answer) || answer.answer.ok !== true)
    throw new Error(`setup ${event} failed: ${JSON.stringify(answer)}`);
  return answer.answer.data as T;
}

// ---------- checks of one answer ----------

const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** What is wrong with the answer to one request, or null. */
function problemWith(event: FuzzEvent, payload: unknown, answer: Answer): string | null {
  if (!answer.answered) return `no ack (${answer.reason})`;
  const result = answer.answer;
  if (!isObject(result) || typeof result.ok !== 'boolean') return 'the ack is not a Result';
  const wire = containsBinary(payload) ? undefined : wireForm(payload);
  const schemaRefuses = wire !== undefined && !SCHEMAS[event].safeParse(wire).success;
  if (result.ok === false) {
    const error = result.error;
    if (!isObject(error)) return 'an error Result without error';
    if (!(ERROR_CODES as readonly unknown[]).includes(error.code))
      return `unknown error code ${JSON.stringify(error.code)}`;
    if (typeof error.message !== 'string' || error.message === '') return 'no error message';
    if (error.code === 'internal') return 'internal error: the server threw';
    if (schemaRefuses && error.code !== 'invalid_payload')
      return `the schema refuses this payload but the server answered ${String(error.code)}`;
    return null;
  }
  if (!('data' in result) || !isObject(result.data)) return 'an ok Result without data';
  if (schemaRefuses) return 'the schema refuses this payload but the server answered ok';
  const data = result.data;
  const p = isObject(wire) ? wire : {};
  switch (event) {
    case 'message:send':
      if (
        typeof data.id !== 'string' ||
        !isSeq(data.seq) ||
        data.seq < 1 ||
        typeof data.createdAt !== 'number'
      )
        return 'malformed send answer';
      break;
    case 'message:edit':
    case 'message:delete':
      // (Usually >= 2; an opId reused from another operation answers that operation's seq.)
      if (!isSeq(data.seq) || data.seq < 1) return 'malformed seq answer';
      break;
    case 'events:after': {
      if (!Array.isArray(data.events) || !isSeq(data.lastSeq))
        return 'malformed events:after answer';
      const seqs = (data.events as ConversationEvent[]).map((e) => e.seq);
      const limit = Math.min(PAGE_LIMIT_MAX, Math.max(PAGE_LIMIT_MIN, Number(p.limit)));
      if (seqs.length > limit)
        return `more events (${seqs.length}) than the clamped limit ${limit}`;
      if (
        seqs.some(
          (s, i) =>
            s <= Number(p.afterSeq) ||
            s > Number(data.lastSeq) ||
            (i > 0 && s <= (seqs[i - 1] as number)),
        )
      )
        return 'events:after events are not ascending within (afterSeq, lastSeq]';
      if ((data.events as ConversationEvent[]).some((e) => e.conversationId !== p.conversationId))
        return 'events of another conversation';
      break;
    }
    case 'events:before': {
      if (!Array.isArray(data.events)) return 'malformed events:before answer';
      const seqs = (data.events as ConversationEvent[]).map((e) => e.seq);
      const limit = Math.min(PAGE_LIMIT_MAX, Math.max(PAGE_LIMIT_MIN, Number(p.limit)));
      if (seqs.length > limit)
        return `more events (${seqs.length}) than the clamped limit ${limit}`;
      if (seqs.some((s, i) => s >= Number(p.beforeSeq) || (i > 0 && s >= (seqs[i - 1] as number))))
        return 'events:before events are not descending below beforeSeq';
      break;
    }
    case 'receipt:delivered':
    case 'receipt:read':
      if (!isSeq(data.deliveredSeq) || !isSeq(data.readSeq) || data.readSeq > data.deliveredSeq)
        return 'malformed receipt answer';
      break;
    case 'conversation:list':
      if (
        !Array.isArray(data.conversations) ||
        !isSeq(data.cursor) ||
        typeof data.storeEpoch !== 'string'
      )
        return 'malformed conversation:list answer';
      break;
    case 'conversation:members':
      if (!Array.isArray(data.members) || !isSeq(data.membersVersion))
        return 'malformed members answer';
      break;
    case 'presence:watch':
      if (!Array.isArray(data.presence)) return 'malformed presence answer';
      break;
    case 'invitation:list':
      if (!Array.isArray(data.invitations)) return 'malformed invitation:list answer';
      break;
    case 'account:state':
      if (!Array.isArray(data.entries) || !isSeq(data.version) || typeof data.more !== 'boolean')
        return 'malformed account:state answer';
      if ((data.entries as { version: number }[]).some((e) => e.version > Number(data.version)))
        return 'account:state entries newer than its version';
      break;
    case 'account:set':
      if (!isSeq(data.version)) return 'malformed account:set answer';
      break;
    case 'conversation:direct':
    case 'conversation:settings':
    case 'group:create':
    case 'group:update':
    case 'request:accept':
    case 'request:delete':
    case 'invitation:accept':
      if (typeof data.id !== 'string' || (data.kind !== 'direct' && data.kind !== 'group'))
        return 'malformed summary';
      break;
    case 'group:leave':
    case 'invitation:decline':
    case 'typing':
      break;
  }
  return null;
}

async function runRequests(
  actor: Actor,
  requests: readonly { event: FuzzEvent; payload: FuzzPayload }[],
): Promise<void> {
  await ensureConnected(actor);
  const answers = await Promise.all(requests.map((r) => send(actor, r.event, r.payload.payload)));
  const problems = requests.flatMap((r, i) => {
    const problem = problemWith(r.event, r.payload.payload, answers[i] as Answer);
    return problem === null
      ? []
      : [
          `${r.event} (${r.payload.kind}) ${problem}\n  payload: ${describePayload(r.payload.payload)}\n  answer: ${JSON.stringify(answers[i])}`,
        ];
  });
  if (!actor.socket.connected) problems.push(`the socket of ${actor.name} was disconnected`);
  if (ledger.problems.length > 0) problems.push(...ledger.problems.splice(0));
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

// ---------- checks of the whole server ----------

interface ConversationRow {
  id: string;
  kind: string;
  title: string | null;
  created_by: string;
  last_seq: number;
}
interface MembershipRow {
  conversation_id: string;
  user_id: string;
  role: string;
  delivered_seq: number;
  read_seq: number;
  receipt_seq: number;
  active: number;
  periods: string;
}
interface EventRow {
  conversation_id: string;
  seq: number;
  id: string;
  type: string;
  sender_user_id: string;
  client_msg_id: string | null;
}

/** Every invariant of the stored data (of one conversation when `only`); returns the violations. */
async function storeViolations(only?: string): Promise<string[]> {
  const problems: string[] = [];
  const bad = (message: string) => problems.push(message);
  const conversations = (
    only === undefined
      ? db.prepare('SELECT * FROM conversations').all()
      : db.prepare('SELECT * FROM conversations WHERE id = ?').all(only)
  ) as ConversationRow[];
  let messageCount = 0;

  for (const row of conversations) {
    const c = row.id;
    const conversation = await server.store.getConversation(c);
    if (conversation === null || conversation.lastSeq !== row.last_seq) {
      bad(`${c}: the store and the table disagree`);
      continue;
    }
    if (!ledger.conversations.has(c)) bad(`${c}: a conversation no ok request created`);
    const lastSeq = conversation.lastSeq;
    const rawCount = db
      .prepare('SELECT COUNT(*) AS n, MAX(seq) AS max FROM events WHERE conversation_id = ?')
      .get(c) as { n: number; max: number | null };
    if (rawCount.n !== lastSeq || (rawCount.max ?? 0) !== lastSeq)
      bad(`${c}: ${rawCount.n} events, max seq ${rawCount.max}, lastSeq ${lastSeq}`);
    // Read as someone in the conversation from its start: every target is visible, so no stubs.
    const events = (
      await server.store.eventsAfter(c, [{ joinedSeq: 0, leftSeq: null }], 0, lastSeq, 1_000_000)
    ).flatMap((e) => {
      if (!isHidden(e)) return [e];
      bad(`${c}#${e.seq}: a stub for a reader of the whole log`);
      return [];
    });
    events.forEach((e, i) => {
      if (e.seq !== i + 1) bad(`${c}: seq ${e.seq} at position ${i + 1} (a gap)`);
    });
    if (events.length !== lastSeq) bad(`${c}: ${events.length} events for lastSeq ${lastSeq}`);
    const bySeq = new Map(events.map((e) => [e.seq, e]));
    const memberships = db
      .prepare('SELECT * FROM memberships WHERE conversation_id = ?')
      .all(c) as MembershipRow[];
    const periodsOf = new Map<string, [number, number | null][]>();

    // Memberships: well-formed periods that match the log.
    for (const m of memberships) {
      const who = `${c}/${m.user_id}`;
      let periods: [number, number | null][];
      try {
        periods = JSON.parse(m.periods) as [number, number | null][];
      } catch {
        bad(`${who}: periods are not JSON: ${m.periods}`);
        continue;
      }
      periodsOf.set(m.user_id, periods);
      if (!Array.isArray(periods) || periods.length === 0) {
        bad(`${who}: no periods`);
        continue;
      }
      let previousLeft = 0;
      periods.forEach(([joined, left], i) => {
        const last = i === periods.length - 1;
        if (
          !Number.isSafeInteger(joined) ||
          joined < 1 ||
          joined <= previousLeft ||
          joined > Math.max(lastSeq, 1)
        )
          bad(`${who}: bad joinedSeq in ${m.periods} (lastSeq ${lastSeq})`);
        if (left === null) {
          if (!last) bad(`${who}: an open period before the last in ${m.periods}`);
        } else if (!Number.isSafeInteger(left) || left < joined || left > lastSeq) {
          bad(`${who}: bad leftSeq in ${m.periods} (lastSeq ${lastSeq})`);
        }
        previousLeft = left ?? Number.POSITIVE_INFINITY;
        if (conversation.kind === 'group') {
          const added = bySeq.get(joined);
          if (added?.type !== 'member_added' || !added.payload.userIds.includes(m.user_id))
            bad(`${who}: joinedSeq ${joined} is not their member_added`);
          if (left !== null) {
            const removed = bySeq.get(left);
            if (removed?.type !== 'member_removed' || !removed.payload.userIds.includes(m.user_id))
              bad(`${who}: leftSeq ${left} is not their member_removed`);
          }
        }
      });
      const open = periods.at(-1)?.[1] === null;
      if ((m.active === 1) !== open) bad(`${who}: active=${m.active} but periods ${m.periods}`);
      if (!['owner', 'admin', 'member'].includes(m.role)) bad(`${who}: role ${m.role}`);
      if (!(
        0 <= m.receipt_seq &&
        m.receipt_seq <= m.read_seq &&
        m.read_seq <= m.delivered_seq &&
        m.delivered_seq <= lastSeq
      ))
        bad(
          `${who}: watermarks receipt ${m.receipt_seq} read ${m.read_seq} delivered ${m.delivered_seq} lastSeq ${lastSeq}`,
        );
    }
    const active = memberships.filter((m) => m.active === 1);
    if (conversation.kind === 'direct') {
      if (
        memberships.length !== 2 ||
        active.length !== 2 ||
        memberships.some((m) => m.periods !== '[[1,null]]' || m.role !== 'member')
      )
        bad(`${c}: a direct chat's memberships are ${JSON.stringify(memberships)}`);
      if (conversation.title !== null) bad(`${c}: a direct chat with a title`);
    } else {
      const owners = active.filter((m) => m.role === 'owner').length;
      if (active.length > 0 && owners !== 1)
        bad(`${c}: ${owners} owners among ${active.length} active members`);
      const title = conversation.title;
      if (
        typeof title !== 'string' ||
        title !== title.trim() ||
        title === '' ||
        title.length > GROUP_TITLE_MAX_LENGTH ||
        hasUnsafeNameCharacter(title)
      )
        bad(`${c}: group title of ${String(title?.length)} chars: ${describePayload(title)}`);
      const first = bySeq.get(1);
      if (first?.type !== 'member_added' || first.senderUserId !== conversation.createdBy)
        bad(`${c}: seq 1 of a group is not the creator's member_added`);
    }
    const covers = (userId: string, seq: number) =>
      (periodsOf.get(userId) ?? []).some(([j, l]) => seq >= j && (l === null || seq <= l));

    // Events.
    const edits = new Map<number, ConversationEvent[]>();
    const deletes = new Map<number, ConversationEvent[]>();
    for (const e of events) {
      const at = `${c}#${e.seq} (${e.type})`;
      if (
        ['message', 'message_edited', 'message_deleted', 'conversation_renamed'].includes(e.type) &&
        !covers(e.senderUserId, e.seq)
      )
        bad(`${at}: the sender ${e.senderUserId} was not a member at that seq`);
      if (
        conversation.kind === 'direct' &&
        !['message', 'message_edited', 'message_deleted'].includes(e.type)
      )
        bad(`${at}: a group event in a direct chat`);
      if (
        e.seq > 1 &&
        !['message', 'message_edited', 'message_deleted'].includes(e.type) &&
        !ledger.groupChanged.has(c)
      )
        bad(`${at}: a group event no ok request made`);
      switch (e.type) {
        case 'message': {
          messageCount++;
          if (!ledger.sentIds.has(e.id)) bad(`${at}: a message no ok message:send answered`);
          if (!idSchema.safeParse(e.clientMsgId).success)
            bad(`${at}: clientMsgId ${JSON.stringify(e.clientMsgId)}`);
          const { text, attachments, replyToSeq } = e.payload;
          if (text !== null && (typeof text !== 'string' || text.length > MESSAGE_TEXT_MAX_LENGTH))
            bad(`${at}: text of ${String(text?.length)} chars: ${describePayload(text)}`);
          if (!Array.isArray(attachments)) bad(`${at}: attachments ${JSON.stringify(attachments)}`);
          if (e.deletedAt === null) {
            if (
              (typeof text !== 'string' || text.trim() === '') &&
              (attachments?.length ?? 0) === 0
            )
              bad(`${at}: a message without text or attachments: ${describePayload(e.payload)}`);
          } else if (text !== null || attachments.length > 0) {
            bad(`${at}: a deleted message keeps its content`);
          }
          if (
            replyToSeq !== null &&
            (!isSeq(replyToSeq) || replyToSeq >= e.seq || bySeq.get(replyToSeq)?.type !== 'message')
          )
            bad(`${at}: replyToSeq ${replyToSeq} is not an earlier message`);
          break;
        }
        case 'message_edited':
        case 'message_deleted': {
          if (!ledger.editDeleteSeqs.has(`${c}#${e.seq}`))
            bad(`${at}: no ok request answered this seq`);
          const target = bySeq.get(e.payload.targetSeq);
          if (target?.type !== 'message' || e.payload.targetSeq >= e.seq) {
            bad(`${at}: target ${e.payload.targetSeq} is not an earlier message`);
            break;
          }
          const list = e.type === 'message_edited' ? edits : deletes;
          list.set(target.seq, [...(list.get(target.seq) ?? []), e]);
          if (e.type === 'message_edited' && e.senderUserId !== target.senderUserId)
            bad(`${at}: edited by ${e.senderUserId}, sent by ${target.senderUserId}`);
          break;
        }
        case 'conversation_renamed': {
          const t = e.payload.title;
          if (
            typeof t !== 'string' ||
            t !== t.trim() ||
            t === '' ||
            t.length > GROUP_TITLE_MAX_LENGTH ||
            hasUnsafeNameCharacter(t)
          )
            bad(`${at}: title of ${String(t?.length)} chars: ${describePayload(t)}`);
          break;
        }
        case 'member_added':
        case 'member_removed':
          if (!Array.isArray(e.payload.userIds) || e.payload.userIds.length === 0)
            bad(`${at}: userIds ${JSON.stringify(e.payload.userIds)}`);
          break;
        case 'member_role':
          if (!['owner', 'admin', 'member'].includes(e.payload.role))
            bad(`${at}: role ${e.payload.role}`);
          break;
        default:
          bad(`${at}: an unknown event type`);
      }
    }
    // The title is the last rename's.
    const lastRename = events.findLast((e) => e.type === 'conversation_renamed');
    if (
      lastRename?.type === 'conversation_renamed' &&
      lastRename.payload.title !== conversation.title
    )
      bad(
        `${c}: title ${describePayload(conversation.title)} is not the last rename's ${describePayload(lastRename.payload.title)}`,
      );
    // Message state matches its edits and deletes.
    for (const e of events) {
      if (e.type !== 'message') continue;
      const at = `${c}#${e.seq}`;
      const its = edits.get(e.seq) ?? [];
      const dels = deletes.get(e.seq) ?? [];
      if (dels.length > 1) bad(`${at}: deleted ${dels.length} times`);
      if (dels.length > 0 !== (e.deletedAt !== null))
        bad(`${at}: deletedAt ${e.deletedAt} but ${dels.length} deletes`);
      const deletedAtSeq = dels[0]?.seq ?? Number.POSITIVE_INFINITY;
      if (e.editVersion !== its.length)
        bad(`${at}: editVersion ${e.editVersion} for ${its.length} edits`);
      if ((e.editedAt === null) !== (its.length === 0))
        bad(`${at}: editedAt ${e.editedAt} for ${its.length} edits`);
      its.forEach((edit, i) => {
        if (edit.type !== 'message_edited') return;
        if (edit.payload.editVersion !== i + 1)
          bad(
            `${at}: edit ${edit.seq} has editVersion ${edit.payload.editVersion}, expected ${i + 1}`,
          );
        if (edit.seq > deletedAtSeq)
          bad(`${at}: edited at ${edit.seq} after its delete at ${deletedAtSeq}`);
        const t = edit.payload.text;
        if (
          e.deletedAt !== null
            ? t !== null
            : typeof t !== 'string' || t.trim() === '' || t.length > MESSAGE_TEXT_MAX_LENGTH
        )
          bad(`${at}: edit ${edit.seq} text ${describePayload(t)}`);
      });
      const lastEdit = its.at(-1);
      if (
        e.deletedAt === null &&
        lastEdit?.type === 'message_edited' &&
        e.payload.text !== lastEdit.payload.text
      )
        bad(
          `${at}: current text ${describePayload(e.payload.text)} is not the last edit's ${describePayload(lastEdit.payload.text)}`,
        );
    }
  }

  // Nothing stored except through ok answers, and everything acked is stored.
  if (only !== undefined) return problems;
  if (messageCount !== ledger.sentIds.size)
    bad(
      `${messageCount} message events stored, ${ledger.sentIds.size} distinct ok message:send answers`,
    );
  const stored = db
    .prepare("SELECT id, sender_user_id, client_msg_id FROM events WHERE type = 'message'")
    .all() as EventRow[];
  const storedIds = new Set(stored.map((e) => e.id));
  for (const id of ledger.sentIds) if (!storedIds.has(id)) bad(`acked message ${id} is not stored`);
  const okKeys = new Set(ledger.firstSend.keys());
  const storedKeys = new Set(stored.map((e) => `${e.sender_user_id}\u0000${e.client_msg_id}`));
  for (const key of ledger.refusedSends)
    if (!okKeys.has(key) && storedKeys.has(key))
      bad(`a refused message:send was stored: ${JSON.stringify(key.split('\u0000'))}`);
  for (const id of ledger.conversations)
    if (!conversations.some((c) => c.id === id)) bad(`acked conversation ${id} is not stored`);
  problems.push(...accountStateViolations());
  return problems;
}

/**
 * The account state (DESIGN §3): every entry with a value names a message its owner may see (inside
 * their periods), and each user's version is that of their newest entry.
 */
function accountStateViolations(): string[] {
  const problems: string[] = [];
  const entries = db.prepare('SELECT user_id, key, value, version FROM account_entries').all() as {
    user_id: string;
    key: string;
    value: string | null;
    version: number;
  }[];
  const newest = new Map<string, number>();
  for (const entry of entries) {
    newest.set(entry.user_id, Math.max(newest.get(entry.user_id) ?? 0, entry.version));
    if (entry.value === null) continue;
    const target = parseAccountKey(entry.key);
    if (target === null) {
      problems.push(`account entry ${entry.key} of ${entry.user_id}: a malformed key`);
      continue;
    }
    const event = db
      .prepare('SELECT type FROM events WHERE conversation_id = ? AND seq = ?')
      .get(target.conversationId, target.seq) as { type: string } | undefined;
    const membership = db
      .prepare('SELECT periods FROM memberships WHERE conversation_id = ? AND user_id = ?')
      .get(target.conversationId, entry.user_id) as { periods: string } | undefined;
    const periods = membership ? (JSON.parse(membership.periods) as [number, number | null][]) : [];
    const inside = periods.some(([j, l]) => target.seq >= j && (l === null || target.seq <= l));
    if (event?.type !== 'message' || !inside)
      problems.push(`account entry ${entry.key} of ${entry.user_id} names no message they see`);
  }
  const versions = db.prepare('SELECT user_id, version FROM account_versions').all() as {
    user_id: string;
    version: number;
  }[];
  for (const { user_id, version } of versions)
    if ((newest.get(user_id) ?? 0) !== version)
      problems.push(
        `account version ${version} of ${user_id}, newest entry ${newest.get(user_id)}`,
      );
  return problems;
}

/** The server answers /healthz, a fresh client works, the store is sound and nothing was logged. */
async function expectHealthy(): Promise<void> {
  const health = await http(server, 'GET', '/healthz');
  expect(health.status).toBe(200);
  const fresh = await connect(server, actors[0]!.session.accessToken);
  try {
    const answer = await emitWithAck(fresh, 'conversation:list', [{}]);
    expect(answer).toMatchObject({ answered: true, answer: { ok: true } });
  } finally {
    fresh.close();
  }
  for (const actor of actors) await ensureConnected(actor);
  // Only new violations: one stored inconsistency fails the test that made it, not every later one.
  const violations = (await storeViolations()).filter((v) => !reportedViolations.has(v));
  violations.forEach((v) => reportedViolations.add(v));
  expect(violations).toEqual([]);
  // Drained, so one bug fails one test rather than every later one.
  expect(errorLogs.splice(0)).toEqual([]);
}

/** A snapshot of everything a request could write (conversations, memberships, log). */
function snapshot(): string {
  return JSON.stringify([
    db.prepare('SELECT * FROM conversations ORDER BY id').all(),
    db.prepare('SELECT * FROM memberships ORDER BY conversation_id, user_id').all(),
    db.prepare('SELECT * FROM events ORDER BY conversation_id, seq').all(),
    db.prepare('SELECT * FROM account_entries ORDER BY user_id, key').all(),
    db.prepare('SELECT * FROM account_versions ORDER BY user_id').all(),
  ]);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------- the tests ----------

describe('fuzzing every client -> server event', () => {
  beforeAll(async () => {
    data = tempDir('chitchat-fuzz-');
    // Errors the server logs (a request that threw, a failed ack...) fail the test.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        errorLogs.push(chunk.toString());
        done();
      },
    });
    server = await startServer({
      dataDir: data.dir,
      deps: { logger: pino({ level: 'error' }, sink) },
    });
    db = new Database(path.join(data.dir, SQLITE_FILE_NAME), {
      readonly: true,
      fileMustExist: true,
    });

    const sessions = await Promise.all(
      ['alice', 'bob', 'carol', 'dave'].map((name) => register(server, uniqueName(name))),
    );
    stranger = sessions[3]!;
    actors = await Promise.all(
      ['alice', 'bob', 'carol'].map(async (name, i) => ({
        name,
        session: sessions[i]!,
        socket: await connect(server, sessions[i]!.accessToken),
      })),
    );
    const [alice, bob, carol] = actors as [Actor, Actor, Actor];
    const id = (a: Actor) => a.session.user.id;
    const adopt = (conversationId: string) => {
      setupConversationIds.push(conversationId);
      createdConversationIds.splice(createdConversationIds.indexOf(conversationId), 1);
    };

    // A direct chat with a reply.
    const direct = await must<{ id: string }>(alice, 'conversation:direct', { userId: id(bob) });
    adopt(direct.id);
    await must(alice, 'message:send', {
      conversationId: direct.id,
      clientMsgId: 'setup-d1',
      text: 'hi bob',
    });
    await must(bob, 'message:send', {
      conversationId: direct.id,
      clientMsgId: 'setup-d2',
      text: 'hi alice',
    });
    await must(alice, 'message:send', {
      conversationId: direct.id,
      clientMsgId: 'setup-d3',
      text: 'how are you?',
      replyToSeq: 2,
    });
    await must(bob, 'receipt:read', { conversationId: direct.id, seq: 3 });

    // A group of three with an edit, a delete and an admin.
    const team = await must<{ id: string }>(alice, 'group:create', {
      title: 'Team',
      memberIds: [id(bob), id(carol)],
    });
    adopt(team.id);
    await must(alice, 'group:update', {
      conversationId: team.id,
      roles: [{ userId: id(bob), role: 'admin' }],
    });
    for (const [i, actor] of [alice, bob, carol, alice, bob].entries())
      await must(actor, 'message:send', {
        conversationId: team.id,
        clientMsgId: `setup-t${i}`,
        text: `team message ${i}`,
      });
    await must(bob, 'message:edit', { conversationId: team.id, seq: 4, text: 'edited by bob' });
    await must(carol, 'message:delete', { conversationId: team.id, seq: 5 });

    // A group alice is not in.
    const secret = await must<{ id: string }>(bob, 'group:create', {
      title: 'Secret',
      memberIds: [id(carol)],
    });
    adopt(secret.id);
    await must(bob, 'message:send', {
      conversationId: secret.id,
      clientMsgId: 'setup-s1',
      text: 'alice must not see this',
    });

    // A group alice has left (a former member: reads capped, writes forbidden).
    const old = await must<{ id: string }>(carol, 'group:create', {
      title: 'Old',
      memberIds: [id(alice)],
    });
    adopt(old.id);
    await must(alice, 'message:send', {
      conversationId: old.id,
      clientMsgId: 'setup-o1',
      text: 'bye',
    });
    await must(alice, 'group:leave', { conversationId: old.id });
    await must(carol, 'message:send', {
      conversationId: old.id,
      clientMsgId: 'setup-o2',
      text: 'after alice left',
    });

    ({ any: arbs, valid: validArbs } = payloadArbitraries(world));
    await expectHealthy();
  });

  beforeEach(async () => {
    // Logs of a test that already failed are not this test's.
    errorLogs.length = 0;
    const [alice, bob, carol] = actors as [Actor, Actor, Actor];
    const previous = arenaId;
    const arena = await must<{ id: string }>(alice, 'group:create', {
      title: 'Arena',
      memberIds: [bob.session.user.id, carol.session.user.id],
    });
    await must(alice, 'group:update', {
      conversationId: arena.id,
      roles: [{ userId: bob.session.user.id, role: 'admin' }],
    });
    for (const [i, actor] of [alice, bob, carol, alice, bob, carol].entries())
      await must(actor, 'message:send', {
        conversationId: arena.id,
        clientMsgId: `arena-${arena.id}-${i}`,
        text: `arena message ${i}`,
      });
    createdConversationIds.splice(createdConversationIds.indexOf(arena.id), 1);
    if (previous !== undefined) createdConversationIds.push(previous);
    arenaId = arena.id;
  });

  afterAll(async () => {
    if (process.env.FUZZ_STATS)
      console.log(
        [...stats]
          .sort()
          .map(([key, n]) => `${key}: ${n}`)
          .join('\n'),
      );
    for (const actor of actors) actor.socket.close();
    db?.close();
    await server?.stop();
    data?.remove();
  });

  const actorIndex = fc.nat({ max: 2 });

  /**
   * Inputs that once broke the server (or easily could), tried first on every run: [actor, payloads].
   * Built when the test runs, so they can aim at the fresh arena (seq 3 is alice's message there).
   */
  function examplesFor(event: FuzzEvent): [number, FuzzPayload[]][] {
    const valid = (payload: unknown): FuzzPayload => ({ kind: 'valid', payload });
    const random = (payload: unknown): FuzzPayload => ({ kind: 'random', payload });
    const arena = arenaId!;
    const common: [number, FuzzPayload[]][] = [
      [0, [random(undefined), random(null), random([]), random('')]],
      [
        1,
        [
          // An own "__proto__" key, as JSON.parse makes it on the server.
          random(JSON.parse(`{"__proto__":{"conversationId":"${arena}","seq":3,"text":"x"}}`)),
          random([{ conversationId: arena }]),
        ],
      ],
    ];
    const specific: Partial<Record<FuzzEvent, [number, FuzzPayload[]][]>> = {
      // A double click on "leave": the second one must not be `internal`.
      'group:leave': [[1, [valid({ conversationId: arena }), valid({ conversationId: arena })]]],
      'events:after': [
        [
          0,
          [
            valid({ conversationId: arena, afterSeq: 0, limit: Number.MAX_SAFE_INTEGER }),
            valid({ conversationId: arena, afterSeq: Number.MAX_SAFE_INTEGER, limit: -5 }),
          ],
        ],
      ],
    };
    return [...(specific[event] ?? []), ...common];
  }

  for (const event of FUZZ_EVENTS) {
    it(
      `${event}: random, malformed and valid payloads get a well-formed answer, never internal`,
      async () => {
        await fc.assert(
          fc.asyncProperty(
            actorIndex,
            fc.array(arbs[event], { minLength: 1, maxLength: 3 }),
            async (who, payloads) => {
              await runRequests(
                actors[who]!,
                payloads.map((payload) => ({ event, payload })),
              );
            },
          ),
          { ...fcParams<[number, FuzzPayload[]]>(RUNS_PER_EVENT), examples: examplesFor(event) },
        );
        await expectHealthy();
      },
      FUZZ_TEST_TIMEOUT_MS,
    );
  }

  it(
    'all events at once from every user (races between requests)',
    async () => {
      const request = fc
        .constantFrom(...FUZZ_EVENTS)
        .chain((event) => arbs[event].map((payload) => ({ event, payload })));
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(actorIndex, request), { minLength: 2, maxLength: 8 }),
          async (requests) => {
            await Promise.all(
              [0, 1, 2].map((who) =>
                runRequests(
                  actors[who]!,
                  requests.filter(([w]) => w === who).map(([, r]) => r),
                ),
              ),
            );
          },
        ),
        {
          ...fcParams<[[number, { event: FuzzEvent; payload: FuzzPayload }][]]>(
            Math.round(150 * RUN_FACTOR),
          ),
          // Leaving while a rename is in flight on the same device: the rename must not be `internal`.
          examples: [
            [
              [
                [
                  1,
                  {
                    event: 'group:leave',
                    payload: { kind: 'valid', payload: { conversationId: arenaId } },
                  },
                ],
                [
                  1,
                  {
                    event: 'group:update',
                    payload: {
                      kind: 'valid',
                      payload: { conversationId: arenaId, title: 'renamed' },
                    },
                  },
                ],
              ],
            ],
          ],
        },
      );
      await expectHealthy();
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'valid requests racing each other in a fresh group (double clicks, retries, two members at once)',
    async () => {
      // Events that act on a conversation; their target is replaced by a fresh group per run.
      const racing: FuzzEvent[] = [
        'message:send',
        'message:edit',
        'message:delete',
        'group:update',
        'group:leave',
        'conversation:settings',
        'receipt:read',
        'receipt:delivered',
        'typing',
      ];
      const request = fc.record({
        who: actorIndex,
        copies: fc.integer({ min: 1, max: 2 }),
        call: fc
          .constantFrom(...racing)
          .chain((event) => validArbs[event].map((payload) => ({ event, payload }))),
      });
      await fc.assert(
        fc.asyncProperty(
          actorIndex,
          fc.array(request, { minLength: 1, maxLength: 4 }),
          async (ownerIndex, requests) => {
            // Owner, admin and member, each with a message: seqs 1 (added), 2 (role), 3-5.
            const [owner, admin, member] = [0, 1, 2].map((i) => actors[(ownerIndex + i) % 3]!) as [
              Actor,
              Actor,
              Actor,
            ];
            await Promise.all(actors.map(ensureConnected));
            const group = await must<{ id: string }>(owner, 'group:create', {
              title: 'Race',
              memberIds: [admin.session.user.id, member.session.user.id],
            });
            await must(owner, 'group:update', {
              conversationId: group.id,
              roles: [{ userId: admin.session.user.id, role: 'admin' }],
            });
            for (const actor of [owner, admin, member])
              await must(actor, 'message:send', {
                conversationId: group.id,
                clientMsgId: `race-${group.id}-${actor.name}`,
                text: `race message from ${actor.name}`,
              });
            const aimed = (payload: unknown) => {
              const p: Loose = { ...(payload as Loose), conversationId: group.id };
              if (typeof p.seq === 'number' && p.seq >= 1) p.seq = 3 + (p.seq % 3);
              if (typeof p.replyToSeq === 'number') p.replyToSeq = 3 + (p.replyToSeq % 3);
              return p;
            };
            await Promise.all(
              [0, 1, 2].map((who) =>
                runRequests(
                  actors[who]!,
                  requests
                    .filter((r) => r.who === who)
                    .flatMap((r) =>
                      Array.from({ length: r.copies }, () => ({
                        event: r.call.event,
                        payload: { kind: 'valid' as const, payload: aimed(r.call.payload) },
                      })),
                    ),
                ),
              ),
            );
            const problems = await storeViolations(group.id);
            if (problems.length > 0) throw new Error(problems.join('\n'));
          },
        ),
        fcParams(Math.round(150 * RUN_FACTOR)),
      );
      await expectHealthy();
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it('text with lone surrogates (valid for the schemas) is stored exactly as answered, within limits', async () => {
    const [alice] = actors as [Actor];
    const arena = arenaId!;
    const problems: string[] = [];
    const check = async (
      what: string,
      event: FuzzEvent,
      payload: unknown,
      conversation?: string,
    ) => {
      const answer = await send(alice, event, payload);
      const problem = problemWith(event, payload, answer);
      if (problem !== null) problems.push(`${what}: ${problem}`);
      const target =
        conversation ??
        (isObject(answer) &&
        answer.answered &&
        isObject(answer.answer) &&
        isObject(answer.answer.data)
          ? String(answer.answer.data.id)
          : arena);
      problems.push(...(await storeViolations(target)).map((v) => `${what}: ${v}`));
    };
    await check(
      'send',
      'message:send',
      {
        conversationId: arena,
        clientMsgId: `lone-${arena}`,
        text: `a\ud800b${'\udc00'.repeat(100)}`,
      },
      arena,
    );
    await check('edit', 'message:edit', { conversationId: arena, seq: 3, text: 'x\udc00y' }, arena);
    await check(
      'edit to the limit',
      'message:edit',
      { conversationId: arena, seq: 3, text: '\ud800'.repeat(MESSAGE_TEXT_MAX_LENGTH) },
      arena,
    );
    await check('rename', 'group:update', { conversationId: arena, title: 'x\udc00y' }, arena);
    await check('create', 'group:create', {
      title: '\ud800'.repeat(GROUP_TITLE_MAX_LENGTH),
      memberIds: [actors[1]!.session.user.id],
    });
    // Reported here once, not again by every later test.
    (await storeViolations()).forEach((v) => reportedViolations.add(v));
    expect(problems).toEqual([]);
  });

  it(
    'requests without an ack function and unknown events are ignored; the socket stays usable',
    async () => {
      const alice = actors[0]!;
      await ensureConnected(alice);
      const before = snapshot();
      const known = new Set<string>([
        ...FUZZ_EVENTS,
        'connect',
        'connect_error',
        'disconnect',
        'disconnecting',
        'newListener',
        'removeListener',
      ]);
      const unknownEvent = fc
        .oneof(
          fc.string({ maxLength: 30 }),
          fc.constantFrom(
            'message',
            'event',
            'message:send ',
            'MESSAGE:SEND',
            'ping',
            'error',
            'conversation',
            'session:revoked',
            '__proto__',
            'constructor',
            'hasOwnProperty',
            'toString',
          ),
        )
        .filter((name) => !known.has(name));
      const strayAnswers: unknown[] = [];
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              // Known requests without an ack: dropped, nothing stored (typing is a signal: no ack needed).
              fc.constantFrom(...REQUEST_EVENTS).chain((event) =>
                arbs[event].map((p) => ({
                  event: event,
                  payload: p.payload,
                  ack: false,
                })),
              ),
              // A valid send without an ack: dropped too.
              fc.constant({
                event: 'message:send',
                payload: {
                  conversationId: setupConversationIds[0],
                  clientMsgId: 'no-ack-send',
                  text: 'never stored',
                },
                ack: false,
              }),
              fc.constant({
                event: 'typing',
                payload: { conversationId: setupConversationIds[0], typing: true },
                ack: false,
              }),
              fc
                .tuple(unknownEvent, randomValue, fc.boolean())
                .map(([event, payload, ack]) => ({ event, payload, ack })),
            ),
            { minLength: 1, maxLength: 6 },
          ),
          async (emits) => {
            await ensureConnected(alice);
            for (const { event, payload, ack } of emits) {
              if (ack)
                emitRaw(alice.socket, event, payload, (answer: unknown) =>
                  strayAnswers.push({ event, answer }),
                );
              else emitRaw(alice.socket, event, payload);
            }
            // Then a normal request on the same socket still works.
            const answer = await emitWithAck(alice.socket, 'conversation:list', [{}]);
            if (!answer.answered || !isObject(answer.answer) || answer.answer.ok !== true)
              throw new Error(`the socket is no longer usable: ${JSON.stringify(answer)}`);
            if (!alice.socket.connected) throw new Error('the socket was disconnected');
          },
        ),
        fcParams(Math.round(60 * RUN_FACTOR)),
      );
      await pause(100);
      // Unknown events are not answered (an answer, if any, must at least be an error Result).
      for (const stray of strayAnswers) {
        const answer = (stray as { answer: unknown }).answer;
        expect(
          isObject(answer) &&
            answer.ok === false &&
            isObject(answer.error) &&
            (ERROR_CODES as readonly unknown[]).includes(answer.error.code),
        ).toBe(true);
      }
      expect(snapshot()).toBe(before);
      await expectHealthy();
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it('a packet over maxHttpBufferSize closes only that socket; nothing is stored and others keep working', async () => {
    const alice = actors[0]!;
    const bob = actors[1]!;
    const before = snapshot();
    const big = await connect(server, alice.session.accessToken);
    const closed = disconnected(big);
    const answer = emitWithAck(big, 'message:send', [
      {
        conversationId: setupConversationIds[0],
        clientMsgId: 'oversized',
        text: 'x'.repeat(SOCKET_MAX_PAYLOAD_BYTES + 1),
      },
    ]);
    expect(await closed).toBe('transport close');
    expect(await answer).toMatchObject({ answered: false });
    await ensureConnected(alice);
    expect(alice.socket.connected).toBe(true);
    const stillWorks = await emitWithAck(bob.socket, 'events:after', [
      { conversationId: setupConversationIds[0], afterSeq: 0, limit: 10 },
    ]);
    expect(stillWorks).toMatchObject({ answered: true, answer: { ok: true } });
    expect(snapshot()).toBe(before);
    await expectHealthy();
  });

  it(
    'malformed Socket.io frames close at most that socket; the server keeps serving',
    async () => {
      const alice = actors[0]!;
      // Well-formed frames the server has no use for: ignored, the socket stays usable.
      const harmless = [
        '2[42,{"conversationId":"x"}]', // a numeric event name
        '2["message:send"]', // no payload, no ack
        '3999[{"ok":true}]', // an ack nobody asked for
        '2["conversation:list",{},{},{}]', // extra arguments, no ack
        '2' + JSON.stringify(['typing', { conversationId: 'x'.repeat(64), typing: true }]),
      ];
      // Malformed frames: the server may drop the connection, nothing else.
      const malformed = [
        '',
        '2',
        '2[',
        '2{}',
        '2[]',
        '2[null]',
        '2[{}]',
        '2["disconnect"]',
        '2["connect"]',
        '2["newListener",{}]',
        '9',
        'x',
        '2-1["a"]',
        '21a["conversation:list",{}]',
        '51-["message:send",{"_placeholder":true,"num":5}]',
        '5999999999-["message:send",{"_placeholder":true,"num":0}]',
        '0/elsewhere,',
        '2/elsewhere,["conversation:list",{}]', // a namespace this socket did not join
        '4"oops"',
        `2${'['.repeat(5_000)}`,
      ];
      // Requests written by hand with ack id 1: the raw answer packet must be `invalid_payload`.
      const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
      const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
      const rawRequests = [
        `21["message:send",${deepArray(100_000)}]`,
        `21["message:send",{"conversationId":${deepObject(40_000)},"clientMsgId":"raw","text":"x"}]`,
        `21["group:create",{"title":"t","memberIds":${deepArray(50_000)}}]`,
        '21["events:after",{"conversationId":"x","afterSeq":1e999,"limit":1}]',
        '21["events:after",{"conversationId":"x","afterSeq":-1e-999,"limit":1e999}]',
        '21["message:send",{"__proto__":{"conversationId":"x","clientMsgId":"y","text":"z"}}]',
        '21["group:update",{"constructor":{"prototype":{"polluted":true}},"__proto__":{"polluted":true}}]',
      ];
      for (const frame of [...harmless, ...rawRequests, ...malformed, '1']) {
        const socket = await connect(server, alice.session.accessToken);
        const packets: string[] = [];
        socket.io.engine.on('packet', (packet: { type: string; data?: unknown }) => {
          if (packet.type === 'message' && typeof packet.data === 'string')
            packets.push(packet.data);
        });
        try {
          (socket.io.engine as unknown as { write(msg: string): void }).write(frame);
          const answer = await emitWithAck(
            socket,
            'conversation:list',
            [{}],
            frame === '1' ? 500 : 2_000,
          );
          const usable = answer.answered && isObject(answer.answer) && answer.answer.ok === true;
          const shown = frame.slice(0, 80);
          if (harmless.includes(frame)) {
            expect({ shown, usable }).toEqual({ shown, usable: true });
          } else if (rawRequests.includes(frame)) {
            const raw = packets.find((p) => p.startsWith('31['));
            const result =
              raw === undefined ? undefined : (JSON.parse(raw.slice(2)) as unknown[])[0];
            expect({ shown, usable, result }).toMatchObject({
              usable: true,
              result: { ok: false, error: { code: 'invalid_payload' } },
            });
          } else if (frame === '1') {
            // The client left the namespace: the server stops serving this socket (Socket.io
            // keeps the bare connection open) and keeps serving every other one.
            expect(usable).toBe(false);
          } else {
            // Either answered normally, or the connection was closed: never a hanging socket.
            expect({ shown, outcome: usable || socket.disconnected }).toEqual({
              shown,
              outcome: true,
            });
          }
        } finally {
          socket.close();
        }
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      await expectHealthy();
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'random handshake auth is refused with a stable code',
    async () => {
      await fc.assert(
        fc.asyncProperty(randomValue, async (auth) => {
          const socket = openSocket(server, '');
          // Replace the harness' auth callback with the random value as the handshake auth.
          // (A non-object auth is a protocol error Socket.io answers by closing: wrap those.)
          (socket as unknown as { auth: unknown }).auth = isObject(wireForm(auth))
            ? auth
            : { token: auth, protocol: auth };
          const outcome = await new Promise<{ connected: boolean; message?: string }>((resolve) => {
            setTimeout(
              () => resolve({ connected: false, message: 'no answer to the handshake' }),
              3_000,
            );
            socket.once('connect', () => resolve({ connected: true }));
            socket.once('connect_error', (error) =>
              resolve({ connected: false, message: error.message }),
            );
          });
          socket.close();
          if (outcome.connected)
            throw new Error(`a random handshake was accepted: ${describePayload(auth)}`);
          if (
            !['unauthorized', 'unsupported_protocol', 'invalid_payload'].includes(
              outcome.message ?? '',
            )
          )
            throw new Error(
              `handshake refused with ${JSON.stringify(outcome.message)} for ${describePayload(auth)}`,
            );
        }),
        fcParams(Math.round(40 * RUN_FACTOR)),
      );
      // A structurally valid but forged token too.
      const refused = await refusedHandshake(server, {
        token: 'eyJhbGciOiJub25lIn0.e30.',
        protocol: 1,
      });
      expect(refused.message).toBe('unauthorized');
      await expectHealthy();
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
