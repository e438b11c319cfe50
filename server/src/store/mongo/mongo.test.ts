import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { describeStoreContract } from '../contract';
import type { Store } from '../types';
import { openMongoStore } from './index';

// MongoDB cannot be installed on the development machines (DESIGN §8): these tests run wherever
// MONGODB_URI names a replica set (e.g. `docker compose up mongo` and
// MONGODB_URI='mongodb://127.0.0.1:27017/?replicaSet=rs0&directConnection=true'), and say plainly
// when they did not run. Each store gets a fresh database, dropped afterwards.
const uri = process.env.MONGODB_URI?.trim() || undefined;
const SKIPPED = 'skipped: MONGODB_URI is unset';

if (uri === undefined) {
  console.log(
    `MongoDB store tests ${SKIPPED} (no MongoDB here); set MONGODB_URI to a replica set to run the store contract against MongoDB.`,
  );
}

const databases = new WeakMap<Store, string>();

async function open(dbName: string): Promise<Store> {
  const store = await openMongoStore(uri ?? '', { dbName, serverSelectionTimeoutMS: 5_000 });
  databases.set(store, dbName);
  return store;
}

async function dropDatabase(dbName: string): Promise<void> {
  const connection = await mongoose.createConnection(uri ?? '', { dbName }).asPromise();
  try {
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}

const freshName = () => `chitchat_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;

describe.skipIf(uri === undefined)(
  uri === undefined ? `MongoDB store (${SKIPPED})` : 'MongoDB store',
  () => {
    describeStoreContract('mongo', {
      create: () => open(freshName()),
      async reopen(store) {
        const dbName = databases.get(store);
        if (dbName === undefined) throw new Error('unknown store');
        await store.close();
        return open(dbName);
      },
      async destroy(store) {
        await store.close();
        const dbName = databases.get(store);
        if (dbName !== undefined) await dropDatabase(dbName);
      },
    });

    describe('under concurrency (transactions on the replica set)', () => {
      const withStore = async (test: (store: Store) => Promise<void>) => {
        const dbName = freshName();
        const store = await open(dbName);
        try {
          await test(store);
        } finally {
          await store.close();
          await dropDatabase(dbName);
        }
      };
      const addUsers = async (store: Store, count: number) => {
        const ids: string[] = [];
        for (let i = 0; i < count; i++) {
          const id = randomUUID();
          await store.createUser({
            id,
            username: `u_${id.slice(0, 8)}`,
            displayName: 'U',
            passwordHash: 'h',
            createdAt: Date.now(),
          });
          ids.push(id);
        }
        return ids;
      };
      const send = (store: Store, conversationId: string, userId: string, clientMsgId: string) =>
        store.appendMessage({
          id: randomUUID(),
          userId,
          deviceId: null,
          at: Date.now(),
          conversationId,
          clientMsgId,
          text: 'hi',
          replyToSeq: null,
          attachments: [],
        });

      it('parallel sends to one conversation get gapless seqs 1..N and a stamp above the cursor before them', async () => {
        await withStore(async (store) => {
          const [a = '', b = ''] = await addUsers(store, 2);
          const { conversation } = await store.getOrCreateDirect({
            id: randomUUID(),
            userId: a,
            peerId: b,
            at: 1,
          });
          const before = await store.changeCursor();
          const sent = await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              send(store, conversation.id, i % 2 ? a : b, `m${i}`),
            ),
          );
          expect(sent.map((s) => s.event.seq).sort((x, y) => x - y)).toEqual(
            Array.from({ length: 20 }, (_, i) => i + 1),
          );
          expect((await store.getConversation(conversation.id))?.lastSeq).toBe(20);
          expect((await store.getConversation(conversation.id))?.version).toBeGreaterThan(before);
          const log = await store.eventsAfter(
            conversation.id,
            [{ joinedSeq: 1, leftSeq: null }],
            0,
            20,
            100,
          );
          expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        });
      });

      it('racing retries of one send (same clientMsgId) log one event and all answer with it', async () => {
        await withStore(async (store) => {
          const [a = '', b = ''] = await addUsers(store, 2);
          const { conversation } = await store.getOrCreateDirect({
            id: randomUUID(),
            userId: a,
            peerId: b,
            at: 1,
          });
          const answers = await Promise.all(
            Array.from({ length: 8 }, () => send(store, conversation.id, a, 'same')),
          );
          expect(new Set(answers.map((r) => r.event.id)).size).toBe(1);
          expect(answers.filter((r) => !r.duplicate)).toHaveLength(1);
          expect((await store.getConversation(conversation.id))?.lastSeq).toBe(1);
        });
      });

      it('racing get-or-create of one pair makes one direct chat', async () => {
        await withStore(async (store) => {
          const [a = '', b = ''] = await addUsers(store, 2);
          const results = await Promise.all(
            Array.from({ length: 6 }, (_, i) =>
              store.getOrCreateDirect({
                id: randomUUID(),
                userId: i % 2 ? a : b,
                peerId: i % 2 ? b : a,
                at: i,
              }),
            ),
          );
          expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
          expect(results.filter((r) => r.created)).toHaveLength(1);
        });
      });

      it('racing logins never pass the active-device cap', async () => {
        await withStore(async (store) => {
          const [a = ''] = await addUsers(store, 1);
          const created = await Promise.all(
            Array.from({ length: 10 }, () =>
              store.createDevice(
                {
                  id: randomUUID(),
                  userId: a,
                  name: 'Laptop',
                  platform: 'linux',
                  createdAt: Date.now(),
                  lastSeenAt: Date.now(),
                  refreshTokenHash: randomUUID(),
                  previousRefreshTokenHash: null,
                  rotatedAt: null,
                  revokedAt: null,
                },
                3,
              ),
            ),
          );
          expect(created.filter(Boolean)).toHaveLength(3);
          expect(await store.listActiveDevices(a)).toHaveLength(3);
        });
      });

      it('watermarks raced by older receipts never move back', async () => {
        await withStore(async (store) => {
          const [a = '', b = ''] = await addUsers(store, 2);
          const { conversation } = await store.getOrCreateDirect({
            id: randomUUID(),
            userId: a,
            peerId: b,
            at: 1,
          });
          for (let i = 0; i < 10; i++) await send(store, conversation.id, b, `m${i}`);
          await Promise.all(
            [10, 3, 7, 1, 9].map((seq) =>
              store.advanceReceipts(conversation.id, a, { deliveredSeq: seq, readSeq: seq }),
            ),
          );
          expect(await store.getMembership(conversation.id, a)).toMatchObject({
            deliveredSeq: 10,
            readSeq: 10,
            receiptSeq: 10,
          });
        });
      });
    });
  },
);
