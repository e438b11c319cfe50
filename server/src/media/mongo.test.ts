import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { mongoStoreParts, openMongoStore, type MongoStoreParts } from '../store/mongo/index';
import type { Store } from '../store/types';
import {
  describeGridFsContract,
  describeMediaContract,
  gridFsInventory,
  type MediaPair,
  type MediaPairFactory,
} from './contract';
import { describeProfilePhotoContract } from './contract-photos';
import { describeSweepRaceContract } from './contract-sweep-race';
import { databaseOf, openGridFsMediaStore } from './gridfs';
import { openMongoMediaIndex, readableReferences, referencing } from './mongo-index';
import { openMongoMedia } from './open';

// MongoDB cannot be installed on the development machines (DESIGN §8): these tests run wherever
// MONGODB_URI names a replica set (see docs/operations.md, "Using your own MongoDB"), and say
// plainly when they did not run. Each pair gets a fresh database, dropped afterwards.
const uri = process.env.MONGODB_URI?.trim() || undefined;
const SKIPPED = 'skipped: MONGODB_URI is unset';

if (uri === undefined) {
  console.log(
    `MongoDB media tests ${SKIPPED} (no MongoDB here); set MONGODB_URI to a replica set to run the media contract against MongoDB + GridFS.`,
  );
}

const freshName = () => `chitchat_media_${randomUUID().replaceAll('-', '').slice(0, 16)}`;

async function openStore(dbName: string): Promise<{ store: Store; parts: MongoStoreParts }> {
  const store = await openMongoStore(uri ?? '', { dbName, serverSelectionTimeoutMS: 5_000 });
  const parts = mongoStoreParts(store);
  if (parts === undefined) throw new Error('the MongoDB store has no parts');
  return { store, parts };
}

async function dropDatabase(dbName: string): Promise<void> {
  const connection = await mongoose.createConnection(uri ?? '', { dbName }).asPromise();
  try {
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}

const databases = new WeakMap<MediaPair, string>();

describe.skipIf(uri === undefined)(
  uri === undefined ? `MongoDB media (${SKIPPED})` : 'MongoDB media',
  () => {
    const factory: MediaPairFactory = {
      async create() {
        const dbName = freshName();
        const { store, parts } = await openStore(dbName);
        const pair: MediaPair = {
          store,
          index: await openMongoMediaIndex(parts.connection, parts.models),
          blobs: await openGridFsMediaStore(databaseOf(parts.connection)),
          inventory: () => gridFsInventory(databaseOf(parts.connection)),
        };
        databases.set(pair, dbName);
        return pair;
      },
      async destroy(pair) {
        await pair.index.close();
        await pair.store.close();
        const dbName = databases.get(pair);
        if (dbName !== undefined) await dropDatabase(dbName);
      },
    };
    describeMediaContract('mongo + gridfs', factory);
    describeProfilePhotoContract('mongo + gridfs', factory);
    describeSweepRaceContract('mongo + gridfs', factory);

    const withStore = async (test: (store: Store, parts: MongoStoreParts) => Promise<void>) => {
      const dbName = freshName();
      const { store, parts } = await openStore(dbName);
      try {
        await test(store, parts);
      } finally {
        await store.close();
        await dropDatabase(dbName);
      }
    };

    describeGridFsContract('MongoDB', {
      async open() {
        const dbName = freshName();
        const connection = await mongoose.createConnection(uri ?? '', { dbName }).asPromise();
        return {
          db: databaseOf(connection),
          async close() {
            await connection.dropDatabase();
            await connection.close();
          },
        };
      },
    });

    describe('index use (explain)', () => {
      const indexesIn = (plan: unknown): string[] => {
        if (typeof plan !== 'object' || plan === null) return [];
        const own =
          'indexName' in plan && typeof plan.indexName === 'string' ? [plan.indexName] : [];
        return [...own, ...Object.values(plan).flatMap(indexesIn)];
      };

      it('finds the messages that attach a media id through an index', async () => {
        await withStore(async (_store, { models }) => {
          const filter = readableReferences('m1', [
            { conversationId: 'g', periods: [{ joinedSeq: 1, leftSeq: null }] },
          ]);
          const lookup: unknown = await models.Event.find(referencing('m1')).explain();
          expect(indexesIn(lookup)).toContain('event_attachments');
          // Either index serves this one (the planner picks by the data); never a collection scan.
          const readable: unknown = await models.Event.find(filter ?? {}).explain();
          expect(indexesIn(readable)).not.toEqual([]);
        });
      });
    });

    describe('wiring (media/open.ts)', () => {
      it('opens media on the store connection; closing it leaves the store working', async () => {
        await withStore(async (store) => {
          const media = await openMongoMedia(
            store,
            { MEDIA_MAX_BYTES: 1e6 },
            createLogger('silent'),
          );
          await store.createUser({
            id: 'alice',
            username: 'alice',
            displayName: 'A',
            passwordHash: 'x',
            createdAt: 0,
          });
          const text = Buffer.from('hello\n');
          const answer = await media.service.upload(
            { userId: 'alice', deviceId: 'd' },
            Readable.from([text]),
            {
              name: 'hello.txt',
              declaredMime: 'text/plain',
            },
          );
          const record = await media.service.readable('alice', answer.id);
          expect(await buffer(await media.service.open(record.storageKey))).toEqual(text);
          await media.close();
          await store.ping();
          expect(await store.getUser('alice')).not.toBeNull();
        });
      });

      it('migration 2 adds event_attachments to a database made before it', async () => {
        const dbName = freshName();
        let { store, parts } = await openStore(dbName);
        try {
          await parts.models.Event.collection.dropIndex('event_attachments');
          await parts.models.Meta.updateOne({ _id: 'store' }, { $set: { schemaVersion: 1 } });
          await store.close();
          ({ store, parts } = await openStore(dbName));
          const names = (await parts.models.Event.collection.indexes()).map((i) => i.name);
          expect(names).toContain('event_attachments');
          const meta = await parts.models.Meta.findById('store').lean();
          expect(meta?.schemaVersion).toBe(2);
        } finally {
          await store.close();
          await dropDatabase(dbName);
        }
      });
    });
  },
);
