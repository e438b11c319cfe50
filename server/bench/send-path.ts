/**
 * Send-path bench: `message:send` through the messaging service and the SQLite store, without
 * sockets, to see what storage costs per message. clientMsgIds are time-ordered, as the app makes them. 50 direct chats (100 users); each round sends one
 * message in `batch` chats at once, as the group commit sees them arriving in one event-loop turn
 * under load. Prints, per batch size, the time per message on the server's thread (wall) and the
 * process CPU per message (which includes the background checkpoint thread).
 *
 * Knobs (environment): BENCH_SEND_PATH_MESSAGES (per batch size, default 40,000),
 * BENCH_SEND_PATH_BATCHES (default 1,16,64).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { timeOrderedId } from '@chitchat/shared';
import { createMessagingService } from '../src/services/messaging';
import type { Fanout } from '../src/services/fanout';
import { RAISED_RATE_LIMITS } from '../src/config';
import { deviceRateLimits } from '../src/services/device-limits';
import { openSqliteStore } from '../src/store/sqlite/index';

export interface SendPathResult {
  batch: number;
  messages: number;
  wallUsPerMessage: number;
  cpuUsPerMessage: number;
}

const CHATS = 50;

export interface SendPath {
  /** Sends `count` messages, `batch` at a time (one group commit each). */
  run(count: number): Promise<void>;
  /** Fan-out deliveries so far (none means nothing was sent). */
  delivered(): number;
  /** The store connection's journal mode and `synchronous` level. */
  settings(): { journalMode: string; synchronous: number };
  close(): Promise<void>;
}

/** A fresh SQLite store in a temp directory with the bench's chats, behind the messaging service. */
export async function openSendPath(batch: number): Promise<SendPath> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chitchat-send-path-'));
  const store = openSqliteStore(dir);
  const close = async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const users: string[] = [];
    for (let i = 0; i < 2 * CHATS; i++) {
      const id = randomUUID();
      users.push(id);
      await store.createUser({
        id,
        username: `bench_${i}`,
        displayName: `Bench ${i}`,
        passwordHash: 'not used',
        createdAt: Date.now(),
      });
    }
    const chats: string[] = [];
    for (let k = 0; k < CHATS; k++) {
      const { conversation } = await store.getOrCreateDirect({
        id: randomUUID(),
        userId: users[2 * k] ?? '',
        peerId: users[2 * k + 1] ?? '',
        at: Date.now(),
      });
      chats.push(conversation.id);
    }
    let delivered = 0;
    const fanout: Fanout = {
      toUsers: (userIds) => {
        delivered += userIds.length;
      },
      toPresenceWatchers() {},
      stopPresenceWatch() {},
      stopWatching() {},
      presenceWatchers: async () => [],
    };
    const messaging = createMessagingService({
      store,
      fanout,
      limits: deviceRateLimits(RAISED_RATE_LIMITS),
    });
    let round = 0;
    const run = async (count: number) => {
      for (let sent = 0; sent < count; sent += batch, round++) {
        await Promise.all(
          Array.from({ length: batch }, (_, j) => {
            const chat = (round * batch + j) % CHATS;
            const sender = users[2 * chat + (round % 2)] ?? '';
            return messaging.send(
              { userId: sender, deviceId: `device-of-${sender}` },
              {
                conversationId: chats[chat] ?? '',
                clientMsgId: timeOrderedId(),
                text: 'a message of an everyday length, like this one',
              },
            );
          }),
        );
      }
    };
    return { run, delivered: () => delivered, settings: store.connectionSettings, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function measure(batch: number, messages: number): Promise<SendPathResult> {
  const sendPath = await openSendPath(batch);
  try {
    await sendPath.run(Math.min(4_000, messages)); // warm-up: caches, JIT, the checkpoint thread
    const cpu = process.cpuUsage();
    const started = performance.now();
    await sendPath.run(messages);
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    if (sendPath.delivered() === 0) throw new Error('nothing was delivered');
    return {
      batch,
      messages,
      wallUsPerMessage: (wallMs * 1000) / messages,
      cpuUsPerMessage: (used.user + used.system) / messages,
    };
  } finally {
    await sendPath.close();
  }
}

export async function runSendPathBench(): Promise<SendPathResult[]> {
  const messages = Number(process.env.BENCH_SEND_PATH_MESSAGES ?? 40_000);
  const batches = (process.env.BENCH_SEND_PATH_BATCHES ?? '1,16,64')
    .split(',')
    .map((b) => Number(b.trim()))
    .filter((b) => Number.isInteger(b) && b > 0);
  console.log(
    `send path: messaging service + SQLite store, no sockets; ${CHATS} direct chats, ${messages} messages per batch size`,
  );
  console.log('batch   wall us/msg   cpu us/msg (all threads)   msgs/s on one thread');
  const results: SendPathResult[] = [];
  for (const batch of batches) {
    const result = await measure(batch, messages);
    results.push(result);
    console.log(
      `${String(batch).padStart(5)}   ${result.wallUsPerMessage.toFixed(1).padStart(11)}   ${result.cpuUsPerMessage.toFixed(1).padStart(24)}   ${Math.round(
        1e6 / result.wallUsPerMessage,
      )
        .toLocaleString('en-US')
        .padStart(20)}`,
    );
  }
  return results;
}
