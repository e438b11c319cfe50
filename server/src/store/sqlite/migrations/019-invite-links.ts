/*
 * Invite links and join requests of groups (issue #15). 
 */
export const migration019 = `
CREATE TABLE invite_links (
  code TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  created_by TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  op_id TEXT
) STRICT;
CREATE INDEX invite_links_by_conversation ON invite_links (conversation_id, created_at);
CREATE UNIQUE INDEX invite_links_op_id ON invite_links (created_by, op_id) WHERE op_id IS NOT NULL;

CREATE TABLE join_requests (
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  code TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
) STRICT;
`;
