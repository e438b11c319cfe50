import type { SqliteDatabase } from './database';
import { directKey } from './conversations';
import { sqliteVersions } from './versions';
import type { InvitationRecord, RelationshipStore } from '../types';

interface InvitationRow {
  conversation_id: string;
  user_id: string;
  inviter_id: string;
  created_at: number;
}

const toInvitation = (row: InvitationRow): InvitationRecord => ({
  conversationId: row.conversation_id,
  userId: row.user_id,
  inviterId: row.inviter_id,
  createdAt: row.created_at,
});

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(',');

/** Contacts, deleted requests and group invitations in SQLite; mirrors ../mongo/relationships.ts. */
export function sqliteRelationshipStore(db: SqliteDatabase): RelationshipStore {
  const st = {
    insertContact: db.prepare(
      `INSERT OR IGNORE INTO contacts (user_id, contact_id, created_at)
       SELECT ?, id, ? FROM users WHERE id = ?`,
    ),
    touchDirect: db.prepare(
      `UPDATE memberships SET version = ?
       WHERE conversation_id = (SELECT id FROM conversations WHERE direct_key = ?)`,
    ),
    touchMembership: db.prepare(
      'UPDATE memberships SET version = ? WHERE conversation_id = ? AND user_id = ?',
    ),
    dismiss: db.prepare(
      `INSERT INTO request_dismissals (user_id, conversation_id, up_to_seq) VALUES (?, ?, ?)
       ON CONFLICT (user_id, conversation_id) DO UPDATE SET up_to_seq = MAX(up_to_seq, excluded.up_to_seq)`,
    ),
    dismissed: db.prepare<[string, string], { up_to_seq: number }>(
      'SELECT up_to_seq FROM request_dismissals WHERE user_id = ? AND conversation_id = ?',
    ),
    insertInvitation: db.prepare(
      `INSERT OR IGNORE INTO group_invitations (conversation_id, user_id, inviter_id, created_at)
       SELECT ?, id, ?, ? FROM users WHERE id = ?`,
    ),
    invitationsOf: db.prepare<[string], InvitationRow>(
      'SELECT * FROM group_invitations WHERE user_id = ? ORDER BY created_at, conversation_id',
    ),
    invitation: db.prepare<[string, string], InvitationRow>(
      'SELECT * FROM group_invitations WHERE conversation_id = ? AND user_id = ?',
    ),
    removeInvitation: db.prepare(
      'DELETE FROM group_invitations WHERE conversation_id = ? AND user_id = ?',
    ),
  };
  const nextVersion = sqliteVersions(db).next;

  const addContacts = db.transaction(
    (userId: string, contactIds: readonly string[], at: number): string[] => {
      const added: string[] = [];
      for (const id of new Set(contactIds)) {
        if (id === userId || st.insertContact.run(userId, at, id).changes === 0) continue;
        added.push(id);
        st.touchDirect.run(nextVersion(), directKey(userId, id));
      }
      return added;
    },
  );

  const dismissRequest = db.transaction((userId: string, conversationId: string, upTo: number) => {
    st.dismiss.run(userId, conversationId, upTo);
    st.touchMembership.run(nextVersion(), conversationId, userId);
  });

  const addInvitations = db.transaction(
    (conversationId: string, inviterId: string, userIds: readonly string[], at: number) =>
      [...new Set(userIds)].filter(
        (id) => st.insertInvitation.run(conversationId, inviterId, at, id).changes === 1,
      ),
  );

  /** `SELECT column FROM ... WHERE fixed = ? AND other IN (...)`, for a small id list. */
  const among = (sql: (list: string) => string, fixed: string, ids: readonly string[]) => {
    if (ids.length === 0) return [];
    const unique = [...new Set(ids)];
    return db
      .prepare<string[], { id: string }>(sql(placeholders(unique.length)))
      .all(fixed, ...unique)
      .map((r) => r.id);
  };

  return {
    async addContacts(userId, contactIds, at) {
      return addContacts.immediate(userId, contactIds, at);
    },
    async contactsAmong(userId, userIds) {
      return among(
        (list) =>
          `SELECT contact_id AS id FROM contacts WHERE user_id = ? AND contact_id IN (${list})`,
        userId,
        userIds,
      );
    },
    async havingContact(contactId, userIds) {
      return among(
        (list) =>
          `SELECT user_id AS id FROM contacts WHERE contact_id = ? AND user_id IN (${list})`,
        contactId,
        userIds,
      );
    },
    async sharingGroup(userId, userIds) {
      return among(
        (list) =>
          `SELECT DISTINCT other.user_id AS id FROM memberships mine
             JOIN conversations c ON c.id = mine.conversation_id AND c.kind = 'group'
             JOIN memberships other ON other.conversation_id = mine.conversation_id AND other.active = 1
           WHERE mine.user_id = ? AND mine.active = 1 AND other.user_id IN (${list})`,
        userId,
        userIds,
      );
    },
    async dismissRequest(userId, conversationId, upToSeq) {
      dismissRequest.immediate(userId, conversationId, upToSeq);
    },
    async dismissedRequestSeq(userId, conversationId) {
      return st.dismissed.get(userId, conversationId)?.up_to_seq ?? null;
    },
    async addInvitations(conversationId, inviterId, userIds, at) {
      return addInvitations.immediate(conversationId, inviterId, userIds, at);
    },
    async invitationsOf(userId) {
      return st.invitationsOf.all(userId).map(toInvitation);
    },
    async getInvitation(conversationId, userId) {
      const row = st.invitation.get(conversationId, userId);
      return row ? toInvitation(row) : null;
    },
    async removeInvitation(conversationId, userId) {
      return st.removeInvitation.run(conversationId, userId).changes === 1;
    },
  };
}
