import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openDatabase, type SqliteDatabase } from '../store/sqlite/database';
import { SQLITE_FILE_NAME } from '../store/sqlite/index';
import type { MediaIndex, MediaRecord } from './types';

interface MediaRow {
  id: string;
  uploader_user_id: string;
  name: string;
  mime: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  storage_key: string;
  thumbnail_key: string | null;
  created_at: number;
}

const toRecord = (row: MediaRow): MediaRecord => ({
  id: row.id,
  uploaderUserId: row.uploader_user_id,
  name: row.name,
  mime: row.mime,
  size: row.size,
  sha256: row.sha256,
  width: row.width,
  height: row.height,
  storageKey: row.storage_key,
  thumbnailKey: row.thumbnail_key,
  createdAt: row.created_at,
});

// A message's attachment, someone's current profile photo (users_by_photo, migration 016), or a
// group's current photo (conversations_by_avatar, migration 021).
const UNREFERENCED =
  'NOT EXISTS (SELECT 1 FROM media_refs r WHERE r.media_id = media.id)' +
  ' AND NOT EXISTS (SELECT 1 FROM users u WHERE u.photo = media.id)' +
  ' AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.avatar = media.id)';

/**
 * The media index of the embedded mode, in the same SQLite file as the store (migration 003) but
 * on its own connection, so the `Store` interface and `openSqliteStore` stay as they are. The
 * `media_refs` table it authorizes with is kept by the store: written with each message that has
 * attachments, and emptied by a trigger on `events` when a message is deleted.
 */
export function openSqliteMediaIndex(dataDir: string): MediaIndex {
  mkdirSync(dataDir, { recursive: true });
  return sqliteMediaIndex(openDatabase(path.join(dataDir, SQLITE_FILE_NAME)));
}

export function sqliteMediaIndex(db: SqliteDatabase): MediaIndex {
  const st = {
    upsert: db.prepare<MediaRow, MediaRow>(
      `INSERT INTO media (id, uploader_user_id, name, mime, size, sha256, width, height, storage_key,
         thumbnail_key, created_at)
       VALUES (@id, @uploader_user_id, @name, @mime, @size, @sha256, @width, @height, @storage_key,
         @thumbnail_key, @created_at)
       ON CONFLICT (uploader_user_id, sha256, name) DO UPDATE SET
         created_at = MAX(media.created_at, excluded.created_at)
       RETURNING *`,
    ),
    get: db.prepare<[string], MediaRow>('SELECT * FROM media WHERE id = ?'),
    // By sha256 (indexed), then the key: every upload of one stored object has the same bytes.
    anyWithContent: db.prepare<[string, string], MediaRow>(
      'SELECT * FROM media WHERE sha256 = ? AND storage_key = ? ORDER BY created_at LIMIT 1',
    ),
    // Each stored object once (media_upload_key leads with the uploader).
    usedBytes: db.prepare<[string], { used: number }>(
      `SELECT COALESCE(SUM(size), 0) AS used FROM (
         SELECT MAX(size) AS size FROM media WHERE uploader_user_id = ? GROUP BY storage_key)`,
    ),
    // The uploader, or a reference whose seq lies inside one of the user's periods
    // ([joinedSeq, leftSeq | null], both inclusive) of that conversation.
    canRead: db.prepare<{ userId: string; mediaId: string }, { ok: number }>(
      `SELECT EXISTS (SELECT 1 FROM media WHERE id = @mediaId AND uploader_user_id = @userId)
         OR EXISTS (
           SELECT 1 FROM media_refs r
             JOIN memberships m ON m.conversation_id = r.conversation_id AND m.user_id = @userId
             JOIN json_each(m.periods) p
           WHERE r.media_id = @mediaId
             AND r.seq >= json_extract(p.value, '$[0]')
             AND (json_extract(p.value, '$[1]') IS NULL OR r.seq <= json_extract(p.value, '$[1]'))
         ) AS ok`,
    ),
    unreferencedBefore: db.prepare<{ cutoff: number; limit: number }, MediaRow>(
      `SELECT * FROM media WHERE created_at < @cutoff AND ${UNREFERENCED}
       ORDER BY created_at LIMIT @limit`,
    ),
    markUsed: db.prepare<{ id: string; at: number }>(
      'UPDATE media SET created_at = MAX(created_at, @at) WHERE id = @id',
    ),
    deleteIfUnreferenced: db.prepare<{ id: string; cutoff: number }>(
      `DELETE FROM media WHERE id = @id AND created_at < @cutoff AND ${UNREFERENCED}`,
    ),
    removeRefsOf: db.prepare(
      `DELETE FROM media_refs WHERE media_id IN
         (SELECT id FROM media WHERE uploader_user_id = ?)`,
    ),
    removeUploadsOf: db.prepare<[string], MediaRow>(
      'DELETE FROM media WHERE uploader_user_id = ? RETURNING *',
    ),
    contentInUse: db.prepare<[string, string], { used: number }>(
      'SELECT EXISTS (SELECT 1 FROM media WHERE sha256 = ? AND storage_key = ?) AS used',
    ),
  };

  return {
    async recordUpload(upload) {
      const row = st.upsert.get({
        id: upload.id,
        uploader_user_id: upload.uploaderUserId,
        name: upload.name,
        mime: upload.mime,
        size: upload.size,
        sha256: upload.sha256,
        width: upload.width,
        height: upload.height,
        storage_key: upload.storageKey,
        thumbnail_key: upload.thumbnailKey,
        created_at: upload.createdAt,
      });
      if (row === undefined) throw new Error('the upload was not recorded');
      return toRecord(row);
    },
    async get(id) {
      const row = st.get.get(id);
      return row ? toRecord(row) : null;
    },
    async anyWithContent(sha256, storageKey) {
      const row = st.anyWithContent.get(sha256, storageKey);
      return row ? toRecord(row) : null;
    },
    async usedBytes(uploaderUserId) {
      return st.usedBytes.get(uploaderUserId)?.used ?? 0;
    },
    async canRead(userId, mediaId) {
      return st.canRead.get({ userId, mediaId })?.ok === 1;
    },
    async unreferencedBefore(cutoff, limit) {
      return st.unreferencedBefore.all({ cutoff, limit }).map(toRecord);
    },
    async markUsed(ids, at) {
      return db.transaction(() => ids.filter((id) => st.markUsed.run({ id, at }).changes === 0))();
    },
    async deleteIfUnreferenced(id, cutoff) {
      return st.deleteIfUnreferenced.run({ id, cutoff }).changes === 1;
    },
    async contentInUse(sha256, storageKey) {
      return st.contentInUse.get(sha256, storageKey)?.used === 1;
    },
    async removeUploadsOf(uploaderUserId) {
      return db.transaction(() => {
        st.removeRefsOf.run(uploaderUserId);
        return st.removeUploadsOf.all(uploaderUserId).map(toRecord);
      })();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
