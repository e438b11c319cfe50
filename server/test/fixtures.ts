import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import type { AuthSession, LogEntry, ConversationSummary } from '@chitchat/shared';
import {
  call,
  connect,
  login,
  startServer,
  register,
  uniqueName,
  type ClientSocket,
  type TestServer,
} from './harness';

export interface Person {
  session: AuthSession;
  userId: string;
  socket: ClientSocket;
}

export interface World {
  /** Alice has two devices: `alice` (laptop) and `alice2` (phone). */
  alice: Person;
  alice2: Person;
  bob: Person;
  carol: Person;
  close(): void;
}

export async function person(server: { url: string }, name: string): Promise<Person> {
  const session = await register(server, uniqueName(name));
  return { session, userId: session.user.id, socket: await connect(server, session.accessToken) };
}

export async function secondDevice(server: { url: string }, of: Person): Promise<Person> {
  const session = await login(server, of.session.user.username);
  return { session, userId: session.user.id, socket: await connect(server, session.accessToken) };
}

export async function world(server: TestServer): Promise<World> {
  const alice = await person(server, 'alice');
  const alice2 = await secondDevice(server, alice);
  const bob = await person(server, 'bob');
  const carol = await person(server, 'carol');
  return {
    alice,
    alice2,
    bob,
    carol,
    close() {
      for (const p of [alice, alice2, bob, carol]) p.socket.close();
    },
  };
}

export const direct = (from: Person, to: Person): Promise<ConversationSummary> =>
  call(from.socket, 'conversation:direct', { userId: to.userId });

export const group = (
  owner: Person,
  members: Person[],
  title = 'Group',
): Promise<ConversationSummary> =>
  call(owner.socket, 'group:create', { title, memberIds: members.map((m) => m.userId) });

export const send = (
  from: Person,
  conversationId: string,
  text: string,
  clientMsgId = randomUUID(),
) => call(from.socket, 'message:send', { conversationId, clientMsgId, text });

/** Collects every `event` a socket receives, in arrival order. */
export function recorder(socket: ClientSocket) {
  const events: LogEntry[] = [];
  const listener = (event: LogEntry) => events.push(event);
  socket.on('event', listener);
  return {
    events,
    of: (conversationId: string) => events.filter((e) => e.conversationId === conversationId),
    stop: () => socket.off('event', listener),
  };
}

/** Resolves once `count` events of the conversation have arrived on the socket. */
export function collectEvents(
  socket: ClientSocket,
  conversationId: string,
  count: number,
  match: (event: LogEntry) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<LogEntry[]> {
  return new Promise((resolve, reject) => {
    const events: LogEntry[] = [];
    const timer = setTimeout(() => {
      socket.off('event', listener);
      reject(new Error(`got ${events.length} of ${count} events`));
    }, timeoutMs);
    const listener = (event: LogEntry) => {
      if (event.conversationId !== conversationId || !match(event)) return;
      events.push(event);
      if (events.length === count) {
        clearTimeout(timer);
        socket.off('event', listener);
        resolve(events);
      }
    };
    socket.on('event', listener);
  });
}

/** Pages through `events:after` from `afterSeq` until the answer's lastSeq, as a client catches up. */
export async function catchUp(
  socket: ClientSocket,
  conversationId: string,
  afterSeq: number,
  limit = 50,
) {
  const events: LogEntry[] = [];
  let progress = afterSeq;
  for (;;) {
    const page = await call(socket, 'events:after', { conversationId, afterSeq: progress, limit });
    events.push(...page.events);
    progress = page.events.at(-1)?.seq ?? page.lastSeq;
    if (progress >= page.lastSeq) return { events, lastSeq: page.lastSeq };
  }
}

export const textsOf = (events: readonly LogEntry[]) =>
  events.flatMap((e) => (e.type === 'message' ? [e.payload.text] : []));

/**
 * A fresh server (SQLite on a temp file) and world for each test of the calling describe block,
 * handed to `use` before the test and closed after it.
 */
export function worldPerTest(
  use: (server: TestServer, w: World) => void,
  options: Parameters<typeof startServer>[0] = {},
): void {
  let current: { server: TestServer; w: World } | null = null;
  beforeEach(async () => {
    const server = await startServer(options);
    current = { server, w: await world(server) };
    use(current.server, current.w);
  });
  afterEach(async () => {
    current?.w.close();
    await current?.server.stop();
    current = null;
  });
}

/**
 * The seqs of each `events:after` page from the start of the log, `limit` at a time, as a client
 * catching up walks it: until a page comes back short.
 */
export async function seqPagesAfter(
  socket: ClientSocket,
  conversationId: string,
  limit: number,
): Promise<number[][]> {
  const pages: number[][] = [];
  let progress = 0;
  for (;;) {
    const page = await call(socket, 'events:after', { conversationId, afterSeq: progress, limit });
    pages.push(page.events.map((e) => e.seq));
    progress = page.events.at(-1)?.seq ?? page.lastSeq;
    if (page.events.length < limit) break;
  }
  return pages;
}
