import { WORD_INDEX_MIGRATION } from './search-index';

/** Numbered migrations of the local cache; index + 1 is `PRAGMA user_version`. Never edit a shipped one. */
export const localMigrations: readonly string[] = [
  `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  display_name TEXT NOT NULL
) STRICT;

CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  title TEXT,
  status TEXT NOT NULL,
  role TEXT NOT NULL,
  muted INTEGER NOT NULL DEFAULT 0,
  peer_id TEXT,
  member_count INTEGER NOT NULL DEFAULT 0,
  members_version INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  last_activity_at INTEGER NOT NULL,
  -- Everything up to last_seq is applied locally; oldest_seq..last_seq is loaded without holes.
  last_seq INTEGER NOT NULL DEFAULT 0,
  oldest_seq INTEGER NOT NULL DEFAULT 0,
  -- Nothing older than oldest_seq exists for this member.
  history_complete INTEGER NOT NULL DEFAULT 0,
  server_last_seq INTEGER NOT NULL DEFAULT 0,
  delivered_seq INTEGER NOT NULL DEFAULT 0,
  read_seq INTEGER NOT NULL DEFAULT 0,
  -- The server's unread count as of counted_seq; later messages are counted here.
  unread_count INTEGER NOT NULL DEFAULT 0,
  counted_seq INTEGER NOT NULL DEFAULT 0,
  group_delivered_seq INTEGER NOT NULL DEFAULT 0,
  group_read_seq INTEGER NOT NULL DEFAULT 0,
  draft TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX conversations_by_activity ON conversations (last_activity_at DESC);

CREATE TABLE members (
  conversation_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL,
  delivered_seq INTEGER NOT NULL DEFAULT 0,
  receipt_seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE events (
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  sender_user_id TEXT NOT NULL,
  sender_device_id TEXT,
  client_msg_id TEXT,
  created_at INTEGER NOT NULL,
  payload TEXT NOT NULL,
  -- The searchable text of a message (null for other events and deleted messages).
  text TEXT,
  edited_at INTEGER,
  edit_version INTEGER NOT NULL DEFAULT 0,
  deleted_at INTEGER,
  UNIQUE (conversation_id, seq)
) STRICT;

-- Edits and deletes whose target is not loaded yet; applied when it arrives.
CREATE TABLE pending_changes (
  conversation_id TEXT NOT NULL,
  target_seq INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, target_seq, seq)
) STRICT, WITHOUT ROWID;

-- Messages, edits and deletes written here and not yet acknowledged, in the order written.
CREATE TABLE outbox (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('send', 'edit', 'delete')),
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  seq INTEGER,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_by_conversation ON outbox (conversation_id, position);

CREATE VIRTUAL TABLE events_fts USING fts5 (
  text,
  content = 'events',
  content_rowid = 'rowid',
  tokenize = 'unicode61 remove_diacritics 2',
  -- Two-letter prefixes match many terms: an index for them keeps "qu…" as fast as a word.
  prefix = '2'
);
CREATE TRIGGER events_fts_insert AFTER INSERT ON events WHEN new.text IS NOT NULL BEGIN
  INSERT INTO events_fts (rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events WHEN old.text IS NOT NULL BEGIN
  INSERT INTO events_fts (events_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF text ON events BEGIN
  INSERT INTO events_fts (events_fts, rowid, text)
    SELECT 'delete', old.rowid, old.text WHERE old.text IS NOT NULL;
  INSERT INTO events_fts (rowid, text) SELECT new.rowid, new.text WHERE new.text IS NOT NULL;
END;
`,
  `
-- Downloaded media, content-addressed on disk by sha256; least recently used goes first.
CREATE TABLE media_cache (
  media_id TEXT NOT NULL,
  variant TEXT NOT NULL CHECK (variant IN ('original', 'thumbnail')),
  sha256 TEXT NOT NULL,
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  last_used INTEGER NOT NULL,
  PRIMARY KEY (media_id, variant)
) STRICT, WITHOUT ROWID;
CREATE INDEX media_cache_by_use ON media_cache (last_used);
`,
  `
-- The message-request state of a direct chat as the server last said (incoming, outgoing, deleted).
ALTER TABLE conversations ADD COLUMN request TEXT;
`,
  `
-- Where each member's current period began: ticks of earlier messages do not wait for them.
ALTER TABLE members ADD COLUMN joined_seq INTEGER NOT NULL DEFAULT 0;
`,
  `
-- The account state (DESIGN §3) as the server last said (account_entries, with the version held in
-- meta 'account_version'), changes made here not yet acknowledged (account_pending, sent with their
-- opId), and the effective marks per message that pages read (account_marks).
CREATE TABLE account_entries (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  version INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE account_pending (
  key TEXT PRIMARY KEY,
  value TEXT,
  op_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX account_pending_by_op ON account_pending (op_id);
CREATE TABLE account_marks (
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  starred INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  starred_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX account_marks_starred ON account_marks (starred, starred_at) WHERE starred = 1;
`,
  `
-- Reactions (issue #14) folded from the log: one row per person per message, the newest reaction
-- event wins (seq), emoji NULL once removed. Keyed by the target's seq, so a reaction whose
-- message is not loaded yet simply waits here until it is.
CREATE TABLE reactions (
  conversation_id TEXT NOT NULL,
  target_seq INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  emoji TEXT,
  seq INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, target_seq, user_id)
) STRICT, WITHOUT ROWID;

-- The outbox without a CHECK on kind (OutboxKind in rows.ts names them): reactions, and the
-- kinds that follow, need no rebuild of the table each. Positions are kept.
CREATE TABLE outbox_next (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  seq INTEGER,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) STRICT;
INSERT INTO outbox_next (position, key, conversation_id, kind, payload, state, seq, error, attempts, created_at)
  SELECT position, key, conversation_id, kind, payload, state, seq, error, attempts, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_next RENAME TO outbox;
CREATE INDEX outbox_by_conversation ON outbox (conversation_id, position);
`,
  `
-- Polls: each person's latest vote per poll (the poll_vote event with the highest seq wins, in
-- whatever order pages arrive), so a poll bubble reads its tally without scanning the log.
CREATE TABLE poll_votes (
  conversation_id TEXT NOT NULL,
  target_seq INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  options TEXT NOT NULL,
  PRIMARY KEY (conversation_id, target_seq, user_id)
) STRICT, WITHOUT ROWID;
`,
  `
-- Pinned messages are folded from the pin events of a chat: found without scanning its messages.
CREATE INDEX events_pins ON events (conversation_id, seq) WHERE type = 'pin';
`,
  `
-- Voice notes (issue #14): who played which note (receipt:played), the first time only. An own
-- mark waits with pending = 1 until the server acknowledges it (offline, across restarts).
CREATE TABLE voice_played (
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  played_at INTEGER NOT NULL,
  pending INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, seq, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX voice_played_pending ON voice_played (user_id, played_at) WHERE pending = 1;
-- The voice notes of a chat, found without reading its other messages (played:list on sync).
CREATE INDEX events_voice ON events (conversation_id, seq)
  WHERE type = 'message' AND json_extract(payload, '$.voice') IS NOT NULL;
`,
  `
-- Drafts and mute move into the account state (issue #15): drafts typed before wait to be sent as
-- draft:<id> (the next sync sends them), so they reach the person's other devices; the column is
-- no longer read. Mute came from the server (its own migration made the entries).
INSERT OR IGNORE INTO account_pending (key, value, op_id, created_at)
  SELECT 'draft:' || id, json_quote(substr(draft, 1, 8000)), 'draft-' || id, 0
  FROM conversations WHERE draft != '';
`,
  // Search in every script (issue #16): the word index and its triggers (search-index.ts).
  WORD_INDEX_MIGRATION,
  `
-- Profiles (issue #15): each person's photo (media id) and about line as this account may see
-- them, so avatars and the contact panel show offline.
ALTER TABLE users ADD COLUMN photo TEXT;
ALTER TABLE users ADD COLUMN about TEXT;
`,
  `
-- Groups (issue #15): the group photo (media id), description and permissions (JSON) from the
-- summaries, so the info panel, the avatar and the composer's "only admins" notice work offline.
-- The cursor goes, so the next sync fetches every summary once and fills them in.
ALTER TABLE conversations ADD COLUMN avatar TEXT;
ALTER TABLE conversations ADD COLUMN description TEXT;
ALTER TABLE conversations ADD COLUMN permissions TEXT;
DELETE FROM meta WHERE key = 'cursor';
`,
];
