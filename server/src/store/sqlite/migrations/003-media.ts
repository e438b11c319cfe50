export const migration003 = `
-- Uploads. The bytes live in a MediaStore under storage_key (content-addressed: identical bytes are
-- stored once however many uploads name them).
CREATE TABLE media (
  id TEXT PRIMARY KEY,
  uploader_user_id TEXT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  width INTEGER,
  height INTEGER,
  storage_key TEXT NOT NULL,
  thumbnail_key TEXT,
  -- The (last) upload time: an unreferenced upload is removed a day after it.
  created_at INTEGER NOT NULL
) STRICT;
-- The same person uploading the same bytes under the same name gets the same upload back.
CREATE UNIQUE INDEX media_upload_key ON media (uploader_user_id, sha256, name);
CREATE INDEX media_by_sha256 ON media (sha256);
CREATE INDEX media_by_created_at ON media (created_at);

-- Which messages reference which media, kept by the triggers below so that authorizing a download
-- never scans the log. No foreign keys: the log is the truth, this is its index.
CREATE TABLE media_refs (
  media_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (media_id, conversation_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX media_refs_by_message ON media_refs (conversation_id, seq);

CREATE TRIGGER media_refs_message_insert AFTER INSERT ON events
WHEN new.type = 'message' AND new.deleted_at IS NULL
BEGIN
  INSERT OR IGNORE INTO media_refs (media_id, conversation_id, seq)
    SELECT json_extract(a.value, '$.id'), new.conversation_id, new.seq
    FROM json_each(new.payload, '$.attachments') AS a
    WHERE json_extract(a.value, '$.id') IS NOT NULL;
END;

-- A delete for everyone sets deleted_at and empties the attachments: its references go with them.
CREATE TRIGGER media_refs_message_update AFTER UPDATE OF payload, deleted_at ON events
WHEN new.type = 'message'
  AND (new.deleted_at IS NOT old.deleted_at
    OR json_extract(new.payload, '$.attachments') IS NOT json_extract(old.payload, '$.attachments'))
BEGIN
  DELETE FROM media_refs WHERE conversation_id = new.conversation_id AND seq = new.seq;
  INSERT OR IGNORE INTO media_refs (media_id, conversation_id, seq)
    SELECT json_extract(a.value, '$.id'), new.conversation_id, new.seq
    FROM json_each(new.payload, '$.attachments') AS a
    WHERE new.deleted_at IS NULL AND json_extract(a.value, '$.id') IS NOT NULL;
END;

CREATE TRIGGER media_refs_message_remove AFTER DELETE ON events
WHEN old.type = 'message'
BEGIN
  DELETE FROM media_refs WHERE conversation_id = old.conversation_id AND seq = old.seq;
END;

INSERT OR IGNORE INTO media_refs (media_id, conversation_id, seq)
  SELECT json_extract(a.value, '$.id'), e.conversation_id, e.seq
  FROM events AS e, json_each(e.payload, '$.attachments') AS a
  WHERE e.type = 'message' AND e.deleted_at IS NULL AND json_extract(a.value, '$.id') IS NOT NULL;
`;
