/** The delivery bench's targets: the chitchat server (one or more child processes) and the bare Socket.io relay, with their users' sockets (see delivery.ts). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connectSocket, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type AuthSession,
  type ConversationSummary,
  type Result,
} from '@chitchat/shared';
import { benchTempDir, startChild, type ChildServer } from './children';

// Targets: a server plus one connected socket per user, behind one interface
// ------------------------------------------------------------------------------------------------

type AnySocket = Socket;
type AckFn = (ok: boolean, code?: string) => void;

export interface Target {
  label: string;
  /** The server processes (one, or the cluster's), each answering stats over IPC. */
  servers: ChildServer[];
  /** Further processes whose CPU counts as the server side's (the cluster's redis-server). */
  helpers: Helper[];
  sockets: AnySocket[];
  /** peerOf[i]: the user index user i sends to. */
  peerOf: number[];
  send(sender: number, clientMsgId: string, text: string, ack: AckFn): void;
  /** Receives (receiver index, clientMsgId) for every `event` any socket gets. */
  onDeliver: (receiver: number, clientMsgId: string) => void;
  disconnects: string[];
  /** Sends of timed steps not acked yet (late acks of an overloaded step included). */
  inflight: number;
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

function openSocket(url: string, auth: Record<string, unknown>): AnySocket {
  return connectSocket(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth,
  });
}

async function connected(socket: AnySocket, label: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label}: connect timed out`)), 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      clearTimeout(timer);
      reject(new Error(`${label}: connect_error ${error.message} ${JSON.stringify(error.data)}`));
    });
  });
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T, index);
      }
    }),
  );
  return results;
}

function wireSockets(target: Target): void {
  target.sockets.forEach((socket, index) => {
    socket.on('event', (event: { clientMsgId?: unknown }) => {
      if (typeof event.clientMsgId === 'string') target.onDeliver(index, event.clientMsgId);
    });
    socket.on('disconnect', (reason: string) => {
      target.disconnects.push(`user ${index}: ${reason}`);
    });
  });
}

async function closeSockets(sockets: AnySocket[]): Promise<void> {
  for (const socket of sockets) {
    socket.removeAllListeners();
    socket.close();
  }
}

/** A process serving the servers (redis-server), named in the output. */
export interface Helper {
  name: string;
  pid: number;
}

/** How the chitchat target is laid out: one process, or several sharing one DATA_DIR and Redis. */
export interface ChitchatTopology {
  label: string;
  /** Server processes; user i connects to (and registers on) process i % processes. */
  processes: number;
  /** Added to every server process's environment (BENCH_REDIS_URL, BENCH_JWT_SECRET). */
  env?: Record<string, string>;
  /** Processes serving the servers whose CPU counts as theirs (redis-server). */
  helpers?: Helper[];
}

export const ONE_PROCESS: ChitchatTopology = { label: 'chitchat', processes: 1 };

/**
 * The real chitchat server on `topology.processes` processes sharing one fresh SQLite DATA_DIR.
 * Users 2k and 2k+1 share a direct chat; with two processes they sit on different ones, so every
 * delivery crosses from one process to the other.
 */
export async function chitchatTarget(
  pairs: number,
  topology: ChitchatTopology = ONE_PROCESS,
): Promise<Target> {
  const { dir: dataDir, remove: removeDir } = benchTempDir('chitchat-bench-');
  const servers: ChildServer[] = [];
  const sockets: AnySocket[] = [];
  const stopServers = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    // BENCH_SERVER_PROF=<dir>: write a V8 CPU profile of each chitchat server there on exit.
    const profileDir = process.env.BENCH_SERVER_PROF;
    // One after the other: the first migrates the fresh SQLite file before it reports ready (it
    // listens), and only then may the next open it.
    for (let p = 0; p < topology.processes; p++) {
      servers.push(
        await startChild(
          topology.processes === 1 ? 'chitchat server' : `chitchat server ${p + 1}`,
          path.join(here, 'server-process.ts'),
          { ...topology.env, BENCH_DATA_DIR: dataDir },
          profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [],
        ),
      );
    }
    const urlOf = (user: number) => (servers[user % servers.length] as ChildServer).url;
    const users = 2 * pairs;
    const sessions = await inBatches(
      Array.from({ length: users }, (_, i) => i),
      4,
      async (i) => {
        const response = await fetch(`${urlOf(i)}/api/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            username: `bench_user_${i}`,
            password: 'bench password 1234',
            device: { name: 'bench', platform: 'linux' },
          }),
        });
        const body: unknown = await response.json();
        if (response.status !== 201)
          throw new Error(`register bench_user_${i}: ${response.status} ${JSON.stringify(body)}`);
        return body as AuthSession;
      },
    );
    for (const [i, session] of sessions.entries()) {
      const socket = openSocket(urlOf(i), {
        token: session.accessToken,
        protocol: PROTOCOL_VERSION,
      });
      sockets.push(socket);
      await connected(socket, `chitchat socket ${i}`);
    }
    // User 2k and 2k+1 share a direct chat; the first of them opens it.
    const peerOf = Array.from({ length: users }, (_, i) => (i % 2 === 0 ? i + 1 : i - 1));
    const conversationOf = new Array<string>(users);
    for (let k = 0; k < pairs; k++) {
      const a = 2 * k;
      const b = a + 1;
      const answer = (await (sockets[a] as AnySocket)
        .timeout(10_000)
        .emitWithAck('conversation:direct', {
          userId: (sessions[b] as AuthSession).user.id,
        })) as Result<ConversationSummary>;
      if (!answer.ok)
        throw new Error(`conversation:direct failed: ${answer.error.code} ${answer.error.message}`);
      conversationOf[a] = answer.data.id;
      conversationOf[b] = answer.data.id;
    }
    const target: Target = {
      label: topology.label,
      servers,
      helpers: topology.helpers ?? [],
      sockets,
      peerOf,
      disconnects: [],
      inflight: 0,
      onDeliver: () => {},
      send(sender, clientMsgId, text, ack) {
        (sockets[sender] as AnySocket).emit(
          'message:send',
          { conversationId: conversationOf[sender], clientMsgId, text },
          (answer: Result<unknown>) => {
            if (answer.ok) ack(true);
            else ack(false, answer.error.code);
          },
        );
      },
      async close() {
        await closeSockets(sockets);
        await stopServers();
        removeDir();
      },
    };
    wireSockets(target);
    return target;
  } catch (error) {
    await closeSockets(sockets);
    await stopServers();
    removeDir();
    throw error;
  }
}

export async function relayTarget(pairs: number): Promise<Target> {
  let server: ChildServer | undefined;
  const sockets: AnySocket[] = [];
  try {
    server = await startChild('bare relay', path.join(here, 'relay-process.ts'));
    const users = 2 * pairs;
    for (let i = 0; i < users; i++) {
      const socket = openSocket(server.url, { userId: `u${i}` });
      sockets.push(socket);
      await connected(socket, `relay socket ${i}`);
    }
    const peerOf = Array.from({ length: users }, (_, i) => (i % 2 === 0 ? i + 1 : i - 1));
    const target: Target = {
      label: 'bare relay',
      servers: [server],
      helpers: [],
      sockets,
      peerOf,
      disconnects: [],
      inflight: 0,
      onDeliver: () => {},
      send(sender, clientMsgId, text, ack) {
        (sockets[sender] as AnySocket).emit(
          'message:send',
          {
            to: `u${peerOf[sender]}`,
            conversationId: `pair-${sender >> 1}`,
            clientMsgId,
            text,
          },
          (answer: Result<unknown>) => {
            if (answer.ok) ack(true);
            else ack(false, answer.error.code);
          },
        );
      },
      async close() {
        await closeSockets(sockets);
        await server?.stop();
      },
    };
    wireSockets(target);
    return target;
  } catch (error) {
    await closeSockets(sockets);
    await server?.stop();
    throw error;
  }
}
