import type { GroupAdds, LastSeenVisibility, ProfileAudience, UserRole } from '@chitchat/shared';
import { isUniqueError, type SqliteDatabase } from './database';
import { groupCommit } from './group-commit';
import {
  StoreRefusal,
  UniqueViolation,
  type AccountStore,
  type Admission,
  type DeviceRecord,
  type DeviceRefusal,
  type NewUser,
  type RefreshRotation,
  type UserRecord,
} from '../types';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  created_at: number;
  last_seen_visibility: LastSeenVisibility;
  group_adds: GroupAdds;
  read_receipts: 0 | 1;
  photo: string | null;
  about: string;
  photo_visibility: ProfileAudience;
  about_visibility: ProfileAudience;
  notification_previews: 0 | 1;
  role: UserRole;
  disabled_at: number | null;
  deleted_at: number | null;
}

interface DeviceRow {
  id: string;
  user_id: string;
  name: string;
  platform: string;
  created_at: number;
  last_seen_at: number;
  refresh_token_hash: string;
  previous_refresh_token_hash: string | null;
  rotated_at: number | null;
  revoked_at: number | null;
}

export const toUser = (row: UserRow): UserRecord => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  passwordHash: row.password_hash,
  createdAt: row.created_at,
  lastSeenVisibility: row.last_seen_visibility,
  groupAdds: row.group_adds,
  readReceipts: row.read_receipts === 1,
  photo: row.photo,
  about: row.about,
  photoVisibility: row.photo_visibility,
  aboutVisibility: row.about_visibility,
  notificationPreviews: row.notification_previews === 1,
  role: row.role,
  disabledAt: row.disabled_at,
  deletedAt: row.deleted_at,
});

const toDevice = (row: DeviceRow): DeviceRecord => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  platform: row.platform,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  refreshTokenHash: row.refresh_token_hash,
  previousRefreshTokenHash: row.previous_refresh_token_hash,
  rotatedAt: row.rotated_at,
  revokedAt: row.revoked_at,
});

export const usernameKey = (username: string): string => username.toLowerCase();

/** Escapes LIKE wildcards so a prefix search matches literally. */
const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function sqliteAccountStore(
  db: SqliteDatabase,
  hooks: { afterCommit?: () => void } = {},
): AccountStore {
  const statements = {
    insertUser: db.prepare(
      `INSERT INTO users (id, username, username_key, display_name, password_hash, created_at, role)
       VALUES (@id, @username, @usernameKey, @displayName, @passwordHash, @createdAt, @role)`,
    ),
    insertIdentity: db.prepare(
      'INSERT INTO sso_identities (issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?)',
    ),
    anyUser: db.prepare<[], { id: string }>('SELECT id FROM users LIMIT 1'),
    // One use of a usable invite; no row changes when it is unknown, revoked, expired or used up.
    consumeInvite: db.prepare(
      `UPDATE invites SET uses = uses + 1
       WHERE code = ? AND revoked_at IS NULL AND expires_at > ? AND uses < max_uses`,
    ),
    userById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    // A deleted account is found by nobody (its key stays reserved until the quarantine ends).
    userByKey: db.prepare<[string], UserRow>(
      'SELECT * FROM users WHERE username_key = ? AND deleted_at IS NULL',
    ),
    searchUsers: db.prepare<[string, number], UserRow>(
      `SELECT * FROM users WHERE username_key LIKE ? ESCAPE '\\' AND deleted_at IS NULL
       ORDER BY username_key LIMIT ?`,
    ),
    // After the quarantine a deleted account's username is free: its key moves out of the way
    // (to one no username can be, since keys of real ones never hold ':').
    releaseKey: db.prepare(
      `UPDATE users SET username_key = 'deleted:' || id
       WHERE username_key = ? AND deleted_at IS NOT NULL AND deleted_at <= ?`,
    ),
    insertBlock: db.prepare(
      `INSERT OR IGNORE INTO blocks (user_id, blocked_user_id, created_at)
       SELECT ?, id, ? FROM users WHERE id = ?`,
    ),
    deleteBlock: db.prepare('DELETE FROM blocks WHERE user_id = ? AND blocked_user_id = ?'),
    blockedIds: db.prepare<[string], { blocked_user_id: string }>(
      'SELECT blocked_user_id FROM blocks WHERE user_id = ? ORDER BY created_at',
    ),
    blockers: db.prepare<[string], { user_id: string }>(
      'SELECT user_id FROM blocks WHERE blocked_user_id = ?',
    ),
    countActiveDevices: db.prepare<[string], { n: number }>(
      'SELECT COUNT(*) AS n FROM devices WHERE user_id = ? AND revoked_at IS NULL',
    ),
    userDisabledAt: db.prepare<[string], { disabled_at: number | null }>(
      'SELECT disabled_at FROM users WHERE id = ?',
    ),
    insertDevice: db.prepare(
      `INSERT INTO devices (id, user_id, name, platform, created_at, last_seen_at, refresh_token_hash,
         previous_refresh_token_hash, rotated_at, revoked_at)
       VALUES (@id, @userId, @name, @platform, @createdAt, @lastSeenAt, @refreshTokenHash,
         @previousRefreshTokenHash, @rotatedAt, @revokedAt)`,
    ),
    deviceById: db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?'),
    activeDevices: db.prepare<[string], DeviceRow>(
      'SELECT * FROM devices WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at, id',
    ),
    rotate: db.prepare(
      `UPDATE devices SET previous_refresh_token_hash = refresh_token_hash, refresh_token_hash = @newHash,
         rotated_at = @rotatedAt, last_seen_at = MAX(last_seen_at, @rotatedAt)
       WHERE id = @deviceId AND refresh_token_hash = @expectedHash AND revoked_at IS NULL`,
    ),
    revoke: db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    touch: db.prepare('UPDATE devices SET last_seen_at = MAX(last_seen_at, ?) WHERE id = ?'),
  };

  /**
   * Every connect and disconnect stamps its device: after a restart every client reconnects at
   * once, and a commit (an fsync, synchronous=FULL) each would hold the event loop for seconds.
   * Those of one event-loop turn share a commit (./group-commit.ts); no version stamp is involved.
   */
  const queueTouch = groupCommit(
    db,
    () => 0,
    (touch: { id: string; at: number }) => {
      statements.touch.run(touch.at, touch.id);
    },
    hooks.afterCommit,
  );

  const createDevice = db.transaction(
    (device: DeviceRecord, maxActive: number): DeviceRefusal | null => {
      // Read in the write transaction, so a disable that committed first is seen.
      if ((statements.userDisabledAt.get(device.userId)?.disabled_at ?? null) !== null) {
        return 'disabled';
      }
      const active = statements.countActiveDevices.get(device.userId)?.n ?? 0;
      if (active >= maxActive) return 'device_limit';
      statements.insertDevice.run(device);
      return null;
    },
  );

  // BEGIN IMMEDIATE (`.immediate`): the emptiness check and the invite's use are read under the
  // write lock, so two racing first registrations make one admin and a last use goes to one.
  const registerUser = db.transaction((user: NewUser, admission: Admission): UserRecord => {
    const first = statements.anyUser.get() === undefined;
    if (!first && admission.policy === 'invite') {
      const code = admission.inviteCode;
      if (code === undefined || statements.consumeInvite.run(code, admission.at).changes !== 1) {
        throw new StoreRefusal('invite_invalid');
      }
    }
    const role: UserRole = first || user.role === 'admin' ? 'admin' : 'member';
    if (admission.releaseDeletedBefore !== undefined) {
      statements.releaseKey.run(usernameKey(user.username), admission.releaseDeletedBefore);
    }
    try {
      statements.insertUser.run({
        id: user.id,
        username: user.username,
        usernameKey: usernameKey(user.username),
        displayName: user.displayName,
        passwordHash: user.passwordHash,
        createdAt: user.createdAt,
        role,
      });
    } catch (error) {
      // Thrown inside the transaction, so the invite's use rolls back with it.
      if (isUniqueError(error)) throw new UniqueViolation('username');
      throw error;
    }
    if (admission.identity !== undefined) {
      try {
        statements.insertIdentity.run(
          admission.identity.issuer,
          admission.identity.subject,
          user.id,
          user.createdAt,
        );
      } catch (error) {
        // A racing first sign-in of the same person linked it first: nothing here is kept.
        if (isUniqueError(error)) throw new UniqueViolation('identity');
        throw error;
      }
    }
    const row = statements.userById.get(user.id);
    if (row === undefined) throw new Error(`registerUser: ${user.id} not written`);
    return toUser(row);
  });

  const updateBlocks = db.transaction(
    (userId: string, block: readonly string[], unblock: readonly string[]) => {
      const now = Date.now();
      for (const id of block) if (id !== userId) statements.insertBlock.run(userId, now, id);
      for (const id of unblock) statements.deleteBlock.run(userId, id);
    },
  );

  return {
    async registerUser(user, admission) {
      return registerUser.immediate(user, admission);
    },
    async createUser(user: NewUser) {
      registerUser.immediate(user, { policy: 'free', at: user.createdAt });
    },
    async getUser(id) {
      const row = statements.userById.get(id);
      return row ? toUser(row) : null;
    },
    async getUsers(ids) {
      if (ids.length === 0) return [];
      const unique = [...new Set(ids)];
      const rows = db
        .prepare<string[], UserRow>(
          `SELECT * FROM users WHERE id IN (${unique.map(() => '?').join(',')})`,
        )
        .all(...unique);
      return rows.map(toUser);
    },
    async findUserByUsername(username) {
      const row = statements.userByKey.get(usernameKey(username));
      return row ? toUser(row) : null;
    },
    async searchUsers(prefix, limit) {
      return statements.searchUsers.all(likePrefix(usernameKey(prefix)), limit).map(toUser);
    },
    async updateUser(id, changes) {
      const sets: string[] = [];
      const values: Record<string, string | number | null> = { id };
      if (changes.displayName !== undefined) {
        sets.push('display_name = @displayName');
        values.displayName = changes.displayName;
      }
      if (changes.lastSeenVisibility !== undefined) {
        sets.push('last_seen_visibility = @lastSeenVisibility');
        values.lastSeenVisibility = changes.lastSeenVisibility;
      }
      if (changes.groupAdds !== undefined) {
        sets.push('group_adds = @groupAdds');
        values.groupAdds = changes.groupAdds;
      }
      if (changes.readReceipts !== undefined) {
        sets.push('read_receipts = @readReceipts');
        values.readReceipts = changes.readReceipts ? 1 : 0;
      }
      const profile = {
        photo: changes.photo,
        about: changes.about,
        photo_visibility: changes.photoVisibility,
        about_visibility: changes.aboutVisibility,
      };
      for (const [column, value] of Object.entries(profile)) {
        if (value === undefined) continue;
        sets.push(`${column} = @${column}`);
        values[column] = value;
      }
      if (changes.notificationPreviews !== undefined) {
        sets.push('notification_previews = @notificationPreviews');
        values.notificationPreviews = changes.notificationPreviews ? 1 : 0;
      }
      if (sets.length === 0) return;
      db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = @id`).run(values);
    },
    async updateBlocks(userId, block, unblock) {
      updateBlocks(userId, block, unblock);
    },
    async blockedUserIds(userId) {
      return statements.blockedIds.all(userId).map((r) => r.blocked_user_id);
    },
    async usersBlocking(userId, userIds) {
      if (userIds.length === 0) return [];
      const wanted = new Set(userIds);
      return statements.blockers
        .all(userId)
        .map((r) => r.user_id)
        .filter((id) => wanted.has(id));
    },
    async createDevice(device, maxActive) {
      return createDevice.immediate(device, maxActive);
    },
    async getDevice(id) {
      const row = statements.deviceById.get(id);
      return row ? toDevice(row) : null;
    },
    async listActiveDevices(userId) {
      return statements.activeDevices.all(userId).map(toDevice);
    },
    async rotateRefreshToken(rotation: RefreshRotation) {
      return statements.rotate.run(rotation).changes === 1;
    },
    async revokeDevice(id, at) {
      return statements.revoke.run(at, id).changes === 1;
    },
    async touchDevice(id, at) {
      return queueTouch({ id, at });
    },
  };
}
