import type { UserRole } from '@chitchat/shared';
import type { SqliteDatabase } from './database';
import { toUser, type UserRow } from './accounts';
import type { AdminChange, AdminStore, InviteRecord } from '../types';

interface InviteRow {
  code: string;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  max_uses: number;
  uses: number;
  revoked_at: number | null;
}

const toInvite = (row: InviteRow): InviteRecord => ({
  code: row.code,
  createdBy: row.created_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  maxUses: row.max_uses,
  uses: row.uses,
  revokedAt: row.revoked_at,
});

/** What admins do to accounts, and invite codes, in SQLite; mirrors ../mongo/admin.ts. */
export function sqliteAdminStore(db: SqliteDatabase): AdminStore {
  const statements = {
    // Deleted accounts are tombstones (./deletion.ts): no admin acts on them.
    allUsers: db.prepare<[], UserRow>(
      'SELECT * FROM users WHERE deleted_at IS NULL ORDER BY created_at, id',
    ),
    userById: db.prepare<[string], UserRow>(
      'SELECT * FROM users WHERE id = ? AND deleted_at IS NULL',
    ),
    // Admins who can still act: what must not drop to zero.
    otherActiveAdmins: db.prepare<[string], { n: number }>(
      `SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> ?`,
    ),
    setRole: db.prepare('UPDATE users SET role = ? WHERE id = ?'),
    setDisabled: db.prepare('UPDATE users SET disabled_at = ? WHERE id = ?'),
    setPassword: db.prepare(
      'UPDATE users SET password_hash = ? WHERE id = ? AND deleted_at IS NULL',
    ),
    insertInvite: db.prepare(
      `INSERT INTO invites (code, created_by, created_at, expires_at, max_uses, uses, revoked_at)
       VALUES (@code, @createdBy, @createdAt, @expiresAt, @maxUses, @uses, @revokedAt)`,
    ),
    invites: db.prepare<[], InviteRow>(
      'SELECT * FROM invites WHERE revoked_at IS NULL ORDER BY created_at DESC, code',
    ),
    inviteByCode: db.prepare<[string], InviteRow>('SELECT * FROM invites WHERE code = ?'),
    revokeInvite: db.prepare(
      'UPDATE invites SET revoked_at = ? WHERE code = ? AND revoked_at IS NULL',
    ),
  };

  /** Whether `user` is the last admin who can act, read under the write lock. */
  const isLastActiveAdmin = (user: UserRow): boolean =>
    user.role === 'admin' &&
    user.disabled_at === null &&
    (statements.otherActiveAdmins.get(user.id)?.n ?? 0) === 0;

  const setRole = db.transaction((id: string, role: UserRole): AdminChange => {
    const user = statements.userById.get(id);
    if (user === undefined) return 'not_found';
    if (user.role === role) return 'unchanged';
    if (role === 'member' && isLastActiveAdmin(user)) return 'last_admin';
    statements.setRole.run(role, id);
    return 'changed';
  });

  const setDisabled = db.transaction((id: string, at: number | null): AdminChange => {
    const user = statements.userById.get(id);
    if (user === undefined) return 'not_found';
    if ((user.disabled_at === null) === (at === null)) return 'unchanged';
    if (at !== null && isLastActiveAdmin(user)) return 'last_admin';
    statements.setDisabled.run(at, id);
    return 'changed';
  });

  return {
    async listUsers() {
      return statements.allUsers.all().map(toUser);
    },
    async setUserRole(id, role) {
      return setRole.immediate(id, role);
    },
    async setUserDisabled(id, at) {
      return setDisabled.immediate(id, at);
    },
    async setPasswordHash(id, passwordHash) {
      return statements.setPassword.run(passwordHash, id).changes === 1;
    },
    async createInvite(invite) {
      statements.insertInvite.run(invite);
    },
    async listInvites() {
      return statements.invites.all().map(toInvite);
    },
    async getInvite(code) {
      const row = statements.inviteByCode.get(code);
      return row ? toInvite(row) : null;
    },
    async revokeInvite(code, at) {
      return statements.revokeInvite.run(at, code).changes === 1;
    },
  };
}
