import type { SqliteDatabase } from './database';
import { toUser, type UserRow } from './accounts';
import type { ProfileStore } from '../profile-types';

/** The profile reads of the SQLite store; mirrors ../mongo/profiles.ts. */
export function sqliteProfileStore(db: SqliteDatabase): ProfileStore {
  const st = {
    // users_by_photo (migration 016).
    userWithPhoto: db.prepare<[string], UserRow>('SELECT * FROM users WHERE photo = ? LIMIT 1'),
    // conversations_by_avatar (migration 021), then the caller's membership of each.
    seesGroupPhoto: db.prepare<[string, string], { ok: number }>(
      `SELECT EXISTS (SELECT 1 FROM conversations c
         JOIN memberships m ON m.conversation_id = c.id AND m.user_id = ? AND m.active = 1
       WHERE c.avatar = ? AND c.kind = 'group') AS ok`,
    ),
    partners: db.prepare<[string], { id: string }>(
      `SELECT DISTINCT other.user_id AS id FROM memberships mine
         JOIN memberships other ON other.conversation_id = mine.conversation_id AND other.active = 1
       WHERE mine.user_id = ? AND mine.active = 1 AND other.user_id <> mine.user_id`,
    ),
    sharedGroups: db.prepare<[string, string], { id: string }>(
      `SELECT c.id AS id FROM memberships mine
         JOIN conversations c ON c.id = mine.conversation_id AND c.kind = 'group'
         JOIN memberships other ON other.conversation_id = mine.conversation_id
           AND other.user_id = ? AND other.active = 1
       WHERE mine.user_id = ? AND mine.active = 1
       ORDER BY c.created_at, c.id`,
    ),
  };
  return {
    async userWithPhoto(mediaId) {
      const row = st.userWithPhoto.get(mediaId);
      return row ? toUser(row) : null;
    },
    async seesGroupPhoto(userId, mediaId) {
      return st.seesGroupPhoto.get(userId, mediaId)?.ok === 1;
    },
    async conversationPartners(userId) {
      return st.partners.all(userId).map((r) => r.id);
    },
    async sharedGroups(userId, otherId) {
      if (userId === otherId) return [];
      return st.sharedGroups.all(otherId, userId).map((r) => r.id);
    },
  };
}
