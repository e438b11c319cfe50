import type { ClientSession, Connection } from 'mongoose';
import { DURABLE_WRITE_CONCERN } from './durability';

/** Runs `work` in one transaction and resolves with its result after the commit. */
export type Transact = <T>(work: (session: ClientSession) => Promise<T>) => Promise<T>;

/**
 * Transactions read a snapshot and commit with majority write concern, journaled, so an
 * acknowledged write survives a failover and a power cut (an acked message is durable, DESIGN §6.1).
 */
export const TRANSACTION_OPTIONS = {
  readConcern: { level: 'snapshot' },
  writeConcern: DURABLE_WRITE_CONCERN,
  readPreference: 'primary',
} as const;

/**
 * Transactions on `connection`'s replica set. `withTransaction` retries the whole callback on a
 * TransientTransactionError (a write conflict with a concurrent transaction, a failover) and the
 * commit on UnknownTransactionCommitResult, so callbacks must be free of side effects outside the
 * session and must let every error through (never swallow one inside).
 */
export function transactor(connection: Connection): Transact {
  return async (work) => {
    const session = await connection.startSession();
    try {
      return await session.withTransaction(() => work(session), TRANSACTION_OPTIONS);
    } finally {
      await session.endSession();
    }
  };
}
