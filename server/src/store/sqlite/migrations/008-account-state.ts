export const migration008 = `
-- DESIGN §3 "Account state": one private, versioned map per user (starred messages, deleted for
-- me; later pinned, archived and marked-unread chats, mute-until, drafts). value is JSON text, NULL
-- once removed (a tombstone, so every device learns of the removal).
CREATE TABLE account_versions (
  user_id TEXT PRIMARY KEY REFERENCES users(id),
  version INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE account_entries (
  user_id TEXT NOT NULL REFERENCES users(id),
  key TEXT NOT NULL,
  value TEXT,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX account_entries_by_version ON account_entries (user_id, version);

-- account:set is idempotent by opId: a repeat answers the first call's version.
CREATE TABLE account_ops (
  user_id TEXT NOT NULL REFERENCES users(id),
  op_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (user_id, op_id)
) STRICT, WITHOUT ROWID;
`;
