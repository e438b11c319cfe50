export const migration002 = `
-- Store-wide change counter: every write that changes a summary takes the next value.
INSERT INTO meta (key, value) VALUES ('change_counter', '0');

CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
  title TEXT,
  avatar TEXT,
  created_by TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  last_seq INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  members_version INTEGER NOT NULL DEFAULT 1,
  direct_key TEXT UNIQUE,
  group_delivered_seq INTEGER NOT NULL DEFAULT 0,
  group_read_seq INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE memberships (
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  muted INTEGER NOT NULL DEFAULT 0,
  delivered_seq INTEGER NOT NULL DEFAULT 0,
  read_seq INTEGER NOT NULL DEFAULT 0,
  receipt_seq INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  active INTEGER NOT NULL,
  -- JSON list of [joinedSeq, leftSeq | null], both inclusive, oldest first.
  periods TEXT NOT NULL,
  -- The title when the member last left: a former member sees nothing that happened after.
  left_title TEXT,
  PRIMARY KEY (conversation_id, user_id)
) STRICT;
CREATE INDEX memberships_by_user ON memberships (user_id, version);

CREATE TABLE events (
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  seq INTEGER NOT NULL,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  sender_user_id TEXT NOT NULL,
  sender_device_id TEXT,
  client_msg_id TEXT,
  op_id TEXT,
  created_at INTEGER NOT NULL,
  payload TEXT NOT NULL,
  edited_at INTEGER,
  edit_version INTEGER NOT NULL DEFAULT 0,
  deleted_at INTEGER,
  PRIMARY KEY (conversation_id, seq)
) STRICT;
CREATE UNIQUE INDEX events_client_msg_id ON events (sender_user_id, client_msg_id) WHERE client_msg_id IS NOT NULL;
CREATE UNIQUE INDEX events_op_id ON events (sender_user_id, op_id) WHERE op_id IS NOT NULL;
-- Finds the edits of a message when it is deleted, so their text goes too.
CREATE INDEX events_edits ON events (conversation_id, type, json_extract(payload, '$.targetSeq'))
  WHERE type = 'message_edited';
`;
