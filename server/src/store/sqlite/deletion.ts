import type { SqliteDatabase } from './database';
import { sqliteVersions } from './versions';
import { StoreRefusal } from '../types';
import type { AccountDeletion, AccountDeletionStore } from '../deletion-types';
import { toRequest, type JoinRequestRow } from './group-links';

/** Delete account in SQLite (migration 020); mirrors ../mongo/deletion.ts. */
export function sqliteAccountDeletionStore(db: SqliteDatabase): AccountDeletionStore {
  const st = {
    user: db.prepare<[string], { role: string; disabled_at: number | null }>(
      'SELECT role, disabled_at FROM users WHERE id = ? AND deleted_at IS NULL',
    ),
    otherActiveAdmins: db.prepare<[string], { n: number }>(
      `SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> ?`,
    ),
    tombstone: db.prepare(
      `UPDATE users SET deleted_at = @at, disabled_at = COALESCE(disabled_at, @at),
         display_name = '', password_hash = '', role = 'member', photo = NULL, about = ''
       WHERE id = @userId`,
    ),
    activeDevices: db.prepare<[string], { id: string }>(
      'SELECT id FROM devices WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at, id',
    ),
    revokeAll: db.prepare(
      'UPDATE devices SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL',
    ),
    groups: db.prepare<[string], { conversation_id: string }>(
      `SELECT m.conversation_id FROM memberships m
         JOIN conversations c ON c.id = m.conversation_id AND c.kind = 'group'
       WHERE m.user_id = ? AND m.active = 1 ORDER BY m.conversation_id`,
    ),
    directPeers: db.prepare<[string], { conversation_id: string; peer_id: string }>(
      `SELECT p.conversation_id, p.user_id AS peer_id FROM memberships m
         JOIN conversations c ON c.id = m.conversation_id AND c.kind = 'direct'
         JOIN memberships p ON p.conversation_id = m.conversation_id AND p.user_id <> m.user_id
       WHERE m.user_id = ? ORDER BY p.conversation_id`,
    ),
    joinRequests: db.prepare<[string], JoinRequestRow>(
      'SELECT * FROM join_requests WHERE user_id = ? ORDER BY conversation_id',
    ),
    block: db.prepare(
      'INSERT OR IGNORE INTO blocks (user_id, blocked_user_id, created_at) VALUES (?, ?, ?)',
    ),
    touchChat: db.prepare('UPDATE memberships SET version = ? WHERE conversation_id = ?'),
    // What was the person's own and private; what others hold (their contacts, blocks) stays.
    forget: [
      'DELETE FROM blocks WHERE user_id = ?',
      'DELETE FROM contacts WHERE user_id = ?',
      'DELETE FROM group_invitations WHERE user_id = ?',
      'DELETE FROM join_requests WHERE user_id = ?',
      'DELETE FROM request_dismissals WHERE user_id = ?',
      'DELETE FROM account_entries WHERE user_id = ?',
      'DELETE FROM account_ops WHERE user_id = ?',
      'DELETE FROM account_versions WHERE user_id = ?',
      'DELETE FROM two_step WHERE user_id = ?',
      // Its provider identity goes too: signing in through it again makes a new account.
      'DELETE FROM sso_identities WHERE user_id = ?',
      'DELETE FROM sso_codes WHERE user_id = ?',
    ].map((sql) => db.prepare(sql)),
  };
  const nextVersion = sqliteVersions(db).next;

  const deleteAccount = db.transaction((userId: string, at: number): AccountDeletion | null => {
    const user = st.user.get(userId);
    if (user === undefined) return null;
    if (
      user.role === 'admin' &&
      user.disabled_at === null &&
      (st.otherActiveAdmins.get(userId)?.n ?? 0) === 0
    ) {
      throw new StoreRefusal('last_admin');
    }
    const deviceIds = st.activeDevices.all(userId).map((d) => d.id);
    const groupIds = st.groups.all(userId).map((g) => g.conversation_id);
    const directChats = st.directPeers
      .all(userId)
      .map((r) => ({ conversationId: r.conversation_id, peerId: r.peer_id }));
    const joinRequests = st.joinRequests.all(userId).map(toRequest);
    for (const statement of st.forget) statement.run(userId);
    st.tombstone.run({ userId, at });
    st.revokeAll.run(at, userId);
    const version = nextVersion();
    for (const { conversationId, peerId } of directChats) {
      st.block.run(userId, peerId, at);
      st.touchChat.run(version, conversationId);
    }
    return { deviceIds, groupIds, directChats, joinRequests };
  });

  return {
    async deleteAccount(userId, at) {
      return deleteAccount.immediate(userId, at);
    },
  };
}
