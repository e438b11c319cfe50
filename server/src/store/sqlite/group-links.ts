import type { SqliteDatabase } from './database';
import type { GroupLinkStore, InviteLinkRecord, JoinRequestRecord } from '../group-link-types';

interface InviteLinkRow {
  code: string;
  conversation_id: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  op_id: string | null;
}

export interface JoinRequestRow {
  conversation_id: string;
  user_id: string;
  code: string;
  created_at: number;
}

const toLink = (row: InviteLinkRow): InviteLinkRecord => ({
  code: row.code,
  conversationId: row.conversation_id,
  createdBy: row.created_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  opId: row.op_id,
});

export const toRequest = (row: JoinRequestRow): JoinRequestRecord => ({
  conversationId: row.conversation_id,
  userId: row.user_id,
  code: row.code,
  createdAt: row.created_at,
});

/** Invite links and join requests in SQLite (migration 018); mirrors ../mongo/group-links.ts. */
export function sqliteGroupLinkStore(db: SqliteDatabase): GroupLinkStore {
  const st = {
    insertLink: db.prepare(
      `INSERT INTO invite_links (code, conversation_id, created_by, created_at, expires_at, revoked_at, op_id)
       VALUES (@code, @conversationId, @createdBy, @createdAt, @expiresAt, @revokedAt, @opId)
       ON CONFLICT DO NOTHING`,
    ),
    linkByOp: db.prepare<[string, string], InviteLinkRow>(
      'SELECT * FROM invite_links WHERE created_by = ? AND op_id = ?',
    ),
    link: db.prepare<[string], InviteLinkRow>('SELECT * FROM invite_links WHERE code = ?'),
    links: db.prepare<[string], InviteLinkRow>(
      `SELECT * FROM invite_links WHERE conversation_id = ? AND revoked_at IS NULL
       ORDER BY created_at DESC, rowid DESC`,
    ),
    revoke: db.prepare(
      `UPDATE invite_links SET revoked_at = ?
       WHERE conversation_id = ? AND code = ? AND revoked_at IS NULL`,
    ),
    insertRequest: db.prepare(
      `INSERT INTO join_requests (conversation_id, user_id, code, created_at)
       VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    request: db.prepare<[string, string], JoinRequestRow>(
      'SELECT * FROM join_requests WHERE conversation_id = ? AND user_id = ?',
    ),
    requests: db.prepare<[string], JoinRequestRow>(
      'SELECT * FROM join_requests WHERE conversation_id = ? ORDER BY created_at, rowid',
    ),
    removeRequest: db.prepare(
      'DELETE FROM join_requests WHERE conversation_id = ? AND user_id = ?',
    ),
  };
  const createLink = db.transaction((link: InviteLinkRecord): InviteLinkRecord => {
    if (link.opId !== null) {
      const first = st.linkByOp.get(link.createdBy, link.opId);
      if (first !== undefined) return toLink(first);
    }
    st.insertLink.run(link);
    return link;
  });
  return {
    async createInviteLink(link) {
      return createLink.immediate(link);
    },
    async inviteLinkByCode(code) {
      const row = st.link.get(code);
      return row === undefined ? null : toLink(row);
    },
    async inviteLinksOf(conversationId) {
      return st.links.all(conversationId).map(toLink);
    },
    async revokeInviteLink(conversationId, code, at) {
      return st.revoke.run(at, conversationId, code).changes > 0;
    },
    async addJoinRequest(request) {
      return (
        st.insertRequest.run(
          request.conversationId,
          request.userId,
          request.code,
          request.createdAt,
        ).changes > 0
      );
    },
    async joinRequest(conversationId, userId) {
      const row = st.request.get(conversationId, userId);
      return row === undefined ? null : toRequest(row);
    },
    async joinRequestsOf(conversationId) {
      return st.requests.all(conversationId).map(toRequest);
    },
    async removeJoinRequest(conversationId, userId) {
      return st.removeRequest.run(conversationId, userId).changes > 0;
    },
  };
}
