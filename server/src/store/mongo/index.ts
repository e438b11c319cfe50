import { randomUUID } from 'node:crypto';
import mongoose, { type ConnectOptions, type Connection } from 'mongoose';
import type { Logger } from '../../logger';
import type { Store } from '../types';
import { mongoAccountStore } from './accounts';
import { mongoAdminStore } from './admin';
import { mongoAccountStateStore } from './account-state';
import { mongoConversationStore } from './conversations';
import { DURABLE_WRITE_CONCERN, MAJORITY_READ_CONCERN } from './durability';
import { migrate } from './migrations';
import { mongoPlayStore } from './plays';
import { mongoGroupLinkStore } from './group-links';
import { mongoProfileStore } from './profiles';
import { mongoTwoStepStore } from './two-step';
import { mongoSsoStore } from './sso';
import { mongoPushStore } from './push';
import { mongoAccountDeletionStore } from './deletion';
import { mongoRelationshipStore } from './relationships';
import { defineModels, META_STORE_ID, type MongoModels } from './schemas';
import { transactor } from './transaction';

/** The database used when MONGODB_URI names none. */
export const DEFAULT_DATABASE_NAME = 'chitchat';

export interface MongoStoreOptions {
  /** Overrides the database named in the URI (tests use a fresh one each). */
  dbName?: string;
  /**
   * How long to look for a usable server before giving up (also bounds a readiness check); default
   * the URI's `serverSelectionTimeoutMS`, else 10 s.
   */
  serverSelectionTimeoutMS?: number;
  logger?: Logger;
}

/** What a store opened by `openMongoStore` runs on, for the parts that share its connection. */
export interface MongoStoreParts {
  connection: Connection;
  models: MongoModels;
}

const partsOfStore = new WeakMap<Store, MongoStoreParts>();

/**
 * The connection and models of a store opened by `openMongoStore` (undefined for any other store).
 * Media in scaled mode keeps its index and bytes in the same database, on the same connection, and
 * authorizes downloads by the store's events and memberships. Kept beside the `Store` interface
 * rather than in it, so services still cannot tell which store they run on.
 */
export const mongoStoreParts = (store: Store): MongoStoreParts | undefined =>
  partsOfStore.get(store);

/** The MongoDB store could not be opened; the message says what to check. */
export class MongoStoreError extends Error {
  override name = 'MongoStoreError';
}

/** The URI without its password, for messages and logs. */
export const redactUri = (uri: string): string => uri.replace(/\/\/[^@/]*@/, '//***@');

/** The database named in the URI's path, if any. */
export function databaseNameOf(uri: string): string | undefined {
  const path = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(uri)?.[1];
  return path === undefined || path === '' ? undefined : decodeURIComponent(path);
}

/**
 * The options of the store's connection. Every operation outside a transaction (transactions set
 * their own, see transaction.ts) writes with `{ w: 'majority', j: true }` and reads with majority
 * read concern, whatever the URI says: durability is not the operator's choice (DESIGN §6.1).
 */
export function mongoConnectionOptions(
  uri: string,
  dbName: string,
  options: Pick<MongoStoreOptions, 'serverSelectionTimeoutMS'> = {},
): ConnectOptions {
  return {
    dbName,
    // An option given here would override the URI's own, so the default applies only without one.
    ...(options.serverSelectionTimeoutMS !== undefined ||
    !/[?&]serverSelectionTimeoutMS=/i.test(uri)
      ? { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000 }
      : {}),
    writeConcern: { ...DURABLE_WRITE_CONCERN },
    readConcern: { ...MAJORITY_READ_CONCERN },
    // Collections and indexes are created by the migrations, in order, not lazily.
    autoIndex: false,
    autoCreate: false,
    // A command while disconnected fails at once instead of waiting in a hidden queue.
    bufferCommands: false,
  };
}

/**
 * The scaled-mode store: MongoDB, which must be a replica set (or a sharded cluster) because every
 * write that allocates seqs is a multi-document transaction. Creates the collections, indexes and
 * the store epoch on first start, and runs pending migrations.
 */
export async function openMongoStore(uri: string, options: MongoStoreOptions = {}): Promise<Store> {
  const where = redactUri(uri);
  const dbName = options.dbName ?? databaseNameOf(uri) ?? DEFAULT_DATABASE_NAME;
  let connection: Connection;
  try {
    connection = mongoose.createConnection(uri, mongoConnectionOptions(uri, dbName, options));
  } catch (error) {
    throw new MongoStoreError(
      `MONGODB_URI is not a usable MongoDB URI (${where}): ${message(error)}`,
    );
  }

  try {
    await connection.asPromise();
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw new MongoStoreError(
      `Cannot reach MongoDB at ${where}: ${message(error)}. Check MONGODB_URI, that the server runs and accepts connections from here, and the credentials.`,
    );
  }
  // Listened to only once open: a failed first connection is reported once, by the error above.
  const logger = options.logger;
  const listeners = {
    error: (error: unknown) => logger?.error({ err: error }, 'MongoDB connection error'),
    disconnected: () => logger?.warn({ uri: where }, 'MongoDB disconnected'),
    reconnected: () => logger?.info({ uri: where }, 'MongoDB reconnected'),
  };
  for (const [event, listener] of Object.entries(listeners)) connection.on(event, listener);
  const closeQuietly = async () => {
    for (const [event, listener] of Object.entries(listeners)) connection.off(event, listener);
    await connection.close();
  };

  try {
    await requireTransactions(connection, where);
    const models = defineModels(connection);
    let epoch = await migrate(models);
    const transact = transactor(connection);
    logger?.info({ uri: where, db: dbName, storeEpoch: epoch }, 'MongoDB store opened');
    const store: Store = {
      ...mongoAccountStore(models, transact),
      ...mongoAdminStore(models, transact),
      ...mongoConversationStore(models, transact),
      ...mongoRelationshipStore(models, transact),
      ...mongoAccountStateStore(models, transact),
      ...mongoPlayStore(models),
      ...mongoGroupLinkStore(models),
      ...mongoTwoStepStore(models),
      ...mongoSsoStore(models),
      ...mongoProfileStore(models),
      ...mongoPushStore(models),
      ...mongoAccountDeletionStore(models, transact),
      storeEpoch: () => epoch,
      async rotateStoreEpoch() {
        const next = randomUUID();
        await models.Meta.updateOne({ _id: META_STORE_ID }, { $set: { epoch: next } });
        epoch = next;
        return next;
      },
      async ping() {
        await database(connection).command({ ping: 1 });
      },
      async close() {
        await closeQuietly();
      },
    };
    partsOfStore.set(store, { connection, models });
    return store;
  } catch (error) {
    await closeQuietly().catch(() => undefined);
    if (error instanceof MongoStoreError) throw error;
    throw new MongoStoreError(`Cannot open the MongoDB store at ${where}: ${message(error)}`);
  }
}

/** Refuses a standalone server: seq allocation needs multi-document transactions. */
async function requireTransactions(connection: Connection, where: string): Promise<void> {
  const hello = await database(connection).admin().command({ hello: 1 });
  const replicaSet = typeof hello.setName === 'string';
  const router = hello.msg === 'isdbgrid';
  if (!replicaSet && !router) {
    throw new MongoStoreError(
      `MongoDB at ${where} is a standalone server, but the store needs transactions: run it as a replica set (mongod --replSet rs0, then rs.initiate() once) and name the set in MONGODB_URI (?replicaSet=rs0).`,
    );
  }
}

function database(connection: Connection) {
  const db = connection.db;
  if (db === undefined) throw new MongoStoreError('The MongoDB connection is not open.');
  return db;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
