import type { LastSeenVisibility } from '@chitchat/shared';

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
  lastSeenVisibility: LastSeenVisibility;
}

export interface DeviceRecord {
  id: string;
  userId: string;
  name: string;
  platform: string;
  createdAt: number;
  lastSeenAt: number;
  refreshTokenHash: string;
  previousRefreshTokenHash: string | null;
  rotatedAt: number | null;
  revokedAt: number | null;
}

export interface NewUser {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
}

export interface RefreshRotation {
  deviceId: string;
  /** The hash the device must still hold, or the rotation does not happen (compare-and-set). */
  expectedHash: string;
  newHash: string;
  rotatedAt: number;
}

/** Thrown by stores when a unique constraint refuses a write (for example a taken username). */
export class UniqueViolation extends Error {
  override name = 'UniqueViolation';
  constructor(readonly constraint: string) {
    super(`unique constraint violated: ${constraint}`);
  }
}

/** Accounts, devices and the block list. */
export interface AccountStore {
  /** Inserts a user; throws UniqueViolation('username') when the name is taken regardless of case. */
  createUser(user: NewUser): Promise<void>;
  getUser(id: string): Promise<UserRecord | null>;
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  findUserByUsername(username: string): Promise<UserRecord | null>;
  /** Users whose username starts with `prefix` (case-insensitive), ordered by username. */
  searchUsers(prefix: string, limit: number): Promise<UserRecord[]>;
  updateUser(
    id: string,
    changes: { displayName?: string; lastSeenVisibility?: LastSeenVisibility },
  ): Promise<void>;
  /** Adds and removes entries of `userId`'s block list; ids of unknown users are ignored. */
  updateBlocks(userId: string, block: readonly string[], unblock: readonly string[]): Promise<void>;
  blockedUserIds(userId: string): Promise<string[]>;
  /** Of `userIds`, those who have blocked `userId`. */
  usersBlocking(userId: string, userIds: readonly string[]): Promise<string[]>;

  /**
   * Inserts a device unless the user already has `maxActive` active ones, atomically.
   * Returns false (and writes nothing) at the limit.
   */
  createDevice(device: DeviceRecord, maxActive: number): Promise<boolean>;
  getDevice(id: string): Promise<DeviceRecord | null>;
  listActiveDevices(userId: string): Promise<DeviceRecord[]>;
  /** Compare-and-set of the refresh token hash; true when it rotated. */
  rotateRefreshToken(rotation: RefreshRotation): Promise<boolean>;
  /** Marks a device revoked (idempotent); returns true when it was active. */
  revokeDevice(id: string, at: number): Promise<boolean>;
  touchDevice(id: string, at: number): Promise<void>;
}

export interface StoreLifecycle {
  /** Random id created with the store; changes only when the data is restored or rebuilt. */
  storeEpoch(): string;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type Store = AccountStore & StoreLifecycle;
