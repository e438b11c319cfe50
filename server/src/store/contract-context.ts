import { randomUUID } from 'node:crypto';
import type { DeviceRecord, EventOrigin, NewMessage, Store } from './types';

/** What the parts of the store contract share: the store under test and three users' helpers. */
export interface ContractContext {
  /** The current test's store (a fresh one per test). */
  store: () => Store;
  /** The id of user 0, 1 or 2 (created before each test). */
  who: (i: number) => string;
  origin: (i: number, opId?: string) => EventOrigin;
  message: (conversationId: string, i: number, text: string, clientMsgId?: string) => NewMessage;
}

/**
 * The version stamps of each of the user's conversations and memberships: what decides whether a
 * summary changed, without comparing cursors (MongoDB's cursor lags, so "nothing since" would be
 * true there only after the lag).
 */
export async function stampsOf(store: Store, userId: string): Promise<Record<string, number[]>> {
  const rows = await store.changedSummaries(userId, undefined);
  return Object.fromEntries(
    rows.map((r) => [r.conversation.id, [r.conversation.version, r.membership.version]]),
  );
}

/** A device record for `userId`, active, made now (overrides win). */
export const newDevice = (userId: string, overrides: Partial<DeviceRecord> = {}): DeviceRecord => ({
  id: randomUUID(),
  userId,
  name: 'Laptop',
  platform: 'linux',
  createdAt: Date.now(),
  lastSeenAt: Date.now(),
  refreshTokenHash: randomUUID(),
  previousRefreshTokenHash: null,
  rotatedAt: null,
  revokedAt: null,
  ...overrides,
});
