/**
 * The members of the group bench (group.ts) as the desktop engine behaves: one websocket-only
 * socket.io client per member, each acknowledging delivery with `receipt:delivered` for the newest
 * seq, debounced per conversation by the engine's own rule (deliveredReceiptDelayMs: longer, at a
 * random point, in groups above LARGE_GROUP_RECEIPT_MEMBERS). Used by the bench's own process (the senders) and by its client
 * processes (group-clients.ts, the other members), so every member costs the same wherever it runs.
 *
 * Latency is the receiving socket's clock minus the send's scheduled time, both on the machine's
 * wall clock (`epochNow`), since the sender and the receiver may be different processes.
 */
import { io as connectSocket, type Socket } from 'socket.io-client';
import { DELIVERED_DEBOUNCE_MS, PROTOCOL_VERSION, deliveredReceiptDelayMs } from '@chitchat/shared';

/** Milliseconds since the epoch with sub-millisecond resolution, comparable across processes. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

export async function connectMembers(url: string, tokens: readonly string[]): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < tokens.length; i += 50) {
    const batch = tokens.slice(i, i + 50).map(
      (token) =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connectSocket(url, {
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
            auth: { token, protocol: PROTOCOL_VERSION },
          });
          const timer = setTimeout(() => reject(new Error('connect timed out')), 30_000);
          socket.once('connect', () => {
            clearTimeout(timer);
            resolve(socket);
          });
          socket.once('connect_error', (error: Error) => {
            clearTimeout(timer);
            reject(error);
          });
        }),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

/** What the members of one process saw: the latency of each event, keyed by its send time. */
export interface MemberRecord {
  /** Scheduled send time (epoch ms) and latency (ms) of each event received, in pairs. */
  sentAt: number[];
  latency: number[];
  receipts: number;
}

/**
 * Listens on every member socket: records latencies and sends delivery receipts as the engine
 * does in a group of `memberCount` members.
 */
export function recordMembers(
  sockets: readonly Socket[],
  conversationId: string,
  memberCount: number,
): MemberRecord {
  const record: MemberRecord = { sentAt: [], latency: [], receipts: 0 };
  for (const socket of sockets) {
    let newest = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('event', (event: { seq: number; payload?: { text?: string | null } }) => {
      const sentAt = Number(event.payload?.text?.split(' ')[0]);
      if (Number.isFinite(sentAt)) {
        record.sentAt.push(sentAt);
        record.latency.push(epochNow() - sentAt);
      }
      newest = Math.max(newest, event.seq);
      // As the engine (receipt-sender.ts): one delivered receipt per conversation per wait.
      timer ??= setTimeout(() => {
        timer = undefined;
        record.receipts++;
        socket.emit('receipt:delivered', { conversationId, seq: newest }, () => undefined);
      }, deliveredReceiptDelayMs(memberCount, DELIVERED_DEBOUNCE_MS));
    });
  }
  return record;
}

/** The latencies of the events sent in [from, to). */
export function latenciesWithin(record: MemberRecord, from: number, to: number): number[] {
  const out: number[] = [];
  record.sentAt.forEach((sentAt, i) => {
    if (sentAt >= from && sentAt < to) out.push(record.latency[i] ?? Number.NaN);
  });
  return out;
}

/**
 * The latencies of the events sent in [from, to), once `expected` of them arrived or at
 * `deadline`. Each poll looks only at the events that arrived since the last one: rescanning a
 * process's whole record (125,000 events at 1,000 members) every 50 ms took about a second of the
 * client process's CPU per step (its profile), while the step's last events were still arriving.
 */
export async function awaitLatencies(
  record: MemberRecord,
  from: number,
  to: number,
  expected: number,
  deadline: number,
): Promise<number[]> {
  let seen = 0;
  let scanned = 0;
  for (;;) {
    for (; scanned < record.sentAt.length; scanned++) {
      const sentAt = record.sentAt[scanned] ?? Number.NaN;
      if (sentAt >= from && sentAt < to) seen++;
    }
    if (seen >= expected || Date.now() >= deadline) return latenciesWithin(record, from, to);
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
  }
}

/** Messages between group.ts and its client processes (group-clients.ts). */
export type ToClients =
  | { type: 'connect'; url: string; tokens: string[]; conversationId: string; members: number }
  /** Start of the measured window: the CPU counted from here. */
  | { type: 'measure' }
  /** End of the sends: answer once `expected` events sent in [from, to) arrived, or at `deadline`. */
  | { type: 'finish'; from: number; to: number; expected: number; deadline: number };

export type FromClients =
  | { type: 'connected' }
  | { type: 'result'; latencies: number[]; receipts: number; cpuMs: number }
  | { type: 'error'; message: string };
