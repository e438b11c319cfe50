/** Accounts, devices, admins, invite codes and two-step sign-in in the store (DESIGN §3, §12). */
import type { GroupAdds, LastSeenVisibility, UserRole } from '@chitchat/shared';
import type { ProfileChanges, ProfileFields } from './profile-types';
import type { SsoIdentity } from './sso-types';

export interface UserRecord extends ProfileFields {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
  lastSeenVisibility: LastSeenVisibility;
  groupAdds: GroupAdds;
  /**
   * Read receipts in direct chats (DESIGN §3 receiptSeq, issue #15): off, the peer sees this person's
   * messages delivered, never read, and this person sees no read ticks either. Groups always count.
   */
  readReceipts: boolean;
  /** Web Push notifications carry a one-line preview (off: the sender's name only). */
  notificationPreviews: boolean;
  role: UserRole;
  /** Set while an admin has disabled the account: no sign-in, no new device. */
  disabledAt: number | null;
  /** Set once the person deleted the account (./deletion-types.ts): a tombstone from then on. */
  deletedAt: number | null;
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
  /** Asks for `admin` (the admin CLI); the first account on an empty store is admin regardless. */
  role?: UserRole;
}

/**
 * How `registerUser` admits an account. `free`: anyone. `invite`: the first account on an empty
 * store, and after that only with `inviteCode` naming an invite that is not revoked, not expired at
 * `at` and not used up; one use of it is consumed in the transaction that creates the account.
 */
export interface Admission {
  policy: 'free' | 'invite';
  inviteCode?: string;
  at: number;
  /** Single sign-on: the provider identity, linked in the same transaction (unique; `identity`). */
  identity?: SsoIdentity;
  /**
   * A deleted account's username is free again once it was deleted at or before this time (the
   * quarantine): registering it renames the tombstone's key out of the way. Absent: never.
   */
  releaseDeletedBefore?: number;
}

export interface InviteRecord {
  code: string;
  /** The admin who made it; null when the operator did (`npm run admin`). */
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  maxUses: number;
  uses: number;
  revokedAt: number | null;
}

/** Why `createDevice` wrote nothing. */
export type DeviceRefusal = 'device_limit' | 'disabled';

/** What `setUserRole` and `setUserDisabled` did. */
export type AdminChange = 'changed' | 'unchanged' | 'not_found' | 'last_admin';

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

/** What admins do to accounts, and invite codes (DESIGN §12). */
export interface AdminStore {
  /** Every user, oldest first (the admin's list; servers of families and clubs, not millions). */
  listUsers(): Promise<UserRecord[]>;
  /**
   * Grants or removes the server-wide admin role. `last_admin` (nothing written) when it would
   * leave no admin who is not disabled.
   */
  setUserRole(id: string, role: UserRole): Promise<AdminChange>;
  /**
   * Disables (`at`) or re-enables (null) an account. Disabling the last admin who is not disabled
   * is `last_admin`. The caller revokes the account's devices after disabling; `createDevice`
   * refuses a disabled account, so no device made concurrently survives.
   */
  setUserDisabled(id: string, at: number | null): Promise<AdminChange>;
  /** Replaces the password hash; false when there is no such user. */
  setPasswordHash(id: string, passwordHash: string): Promise<boolean>;
  createInvite(invite: InviteRecord): Promise<void>;
  /** Invites not revoked, newest first (expired and used-up ones included, as they are). */
  listInvites(): Promise<InviteRecord[]>;
  getInvite(code: string): Promise<InviteRecord | null>;
  /** Marks an invite revoked; false when there is no such invite or it already was. */
  revokeInvite(code: string, at: number): Promise<boolean>;
}

/** An account's two-step sign-in (TOTP, issue #18); absent while never set up. */
export interface TwoStepRecord {
  userId: string;
  /** Base32 TOTP secret; kept readable, since every code is checked against it. */
  secret: string;
  /** Null while set up but not confirmed with a first code (not in force). */
  enabledAt: number | null;
  /** The last TOTP time step accepted: a code is never accepted twice. Null before any. */
  lastStep: number | null;
  /** Recovery codes not used yet. */
  recoveryCodesLeft: number;
}

/** Two-step sign-in state; every change is one conditional write, so racing requests agree. */
export interface TwoStepStore {
  twoStepOf(userId: string): Promise<TwoStepRecord | null>;
  /**
   * Keeps a new secret, not in force until `enableTwoStep`; replaces an earlier unconfirmed one.
   * False (nothing written) when two-step sign-in is already on.
   */
  setPendingTwoStep(userId: string, secret: string): Promise<boolean>;
  /**
   * Puts the pending `secret` in force with its recovery codes (hashes) and the time step of the
   * confirming code. False (nothing written) when that secret is not the pending one or it is on.
   */
  enableTwoStep(
    userId: string,
    input: { secret: string; at: number; step: number; recoveryCodeHashes: readonly string[] },
  ): Promise<boolean>;
  /** Accepts TOTP time step `step` once: true only when it is later than the last accepted one. */
  acceptTwoStepStep(userId: string, step: number): Promise<boolean>;
  /** Spends one unused recovery code of an account with two-step on; true exactly once per code. */
  useRecoveryCode(userId: string, codeHash: string, at: number): Promise<boolean>;
  /** Replaces every recovery code (the old ones stop working); false when two-step is off. */
  replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): Promise<boolean>;
  /** Turns two-step sign-in off (secret and recovery codes gone); false when there was none. */
  disableTwoStep(userId: string): Promise<boolean>;
}

/** Accounts, devices and the block list. */
export interface AccountStore {
  /**
   * Inserts a user as `admission` allows, atomically: the account becomes `admin` when the store
   * held no user (two racing first registrations make exactly one admin) or when `user.role` asks;
   * else `member`. Throws UniqueViolation('username') when the name is taken regardless of case,
   * StoreRefusal('invite_invalid') when the admission needs an invite and the code is not usable;
   * neither writes anything (an invite's use is only consumed with the account).
   */
  registerUser(user: NewUser, admission: Admission): Promise<UserRecord>;
  /** `registerUser` with a free admission (fixtures, tests); resolves when written. */
  createUser(user: NewUser): Promise<void>;
  getUser(id: string): Promise<UserRecord | null>;
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  findUserByUsername(username: string): Promise<UserRecord | null>;
  /** Users whose username starts with `prefix` (case-insensitive), ordered by username. */
  searchUsers(prefix: string, limit: number): Promise<UserRecord[]>;
  updateUser(
    id: string,
    changes: {
      displayName?: string;
      lastSeenVisibility?: LastSeenVisibility;
      groupAdds?: GroupAdds;
      readReceipts?: boolean;
      notificationPreviews?: boolean;
    } & ProfileChanges,
  ): Promise<void>;
  /** Adds and removes entries of `userId`'s block list; ids of unknown users are ignored. */
  updateBlocks(userId: string, block: readonly string[], unblock: readonly string[]): Promise<void>;
  blockedUserIds(userId: string): Promise<string[]>;
  /** Of `userIds`, those who have blocked `userId`. */
  usersBlocking(userId: string, userIds: readonly string[]): Promise<string[]>;

  /**
   * Inserts a device unless the user already has `maxActive` active ones or is disabled,
   * atomically. Returns null when written, else why nothing was.
   */
  createDevice(device: DeviceRecord, maxActive: number): Promise<DeviceRefusal | null>;
  getDevice(id: string): Promise<DeviceRecord | null>;
  listActiveDevices(userId: string): Promise<DeviceRecord[]>;
  /** Compare-and-set of the refresh token hash; true when it rotated. */
  rotateRefreshToken(rotation: RefreshRotation): Promise<boolean>;
  /** Marks a device revoked (idempotent); returns true when it was active. */
  revokeDevice(id: string, at: number): Promise<boolean>;
  touchDevice(id: string, at: number): Promise<void>;
}
