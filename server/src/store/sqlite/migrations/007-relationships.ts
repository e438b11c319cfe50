export const migration007 = `
-- DESIGN §3 "Relationships": who can add me to groups (default everyone, as WhatsApp), contacts,
-- deleted message requests and group invitations. last_seen_visibility gains 'everyone' (the column
-- has no CHECK, so existing values stay valid).
ALTER TABLE users ADD COLUMN group_adds TEXT NOT NULL DEFAULT 'everyone';

CREATE TABLE contacts (
  user_id TEXT NOT NULL REFERENCES users(id),
  contact_id TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, contact_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX contacts_by_contact ON contacts (contact_id);

-- Existing direct chats count as accepted: both people become each other's contacts.
INSERT OR IGNORE INTO contacts (user_id, contact_id, created_at)
  SELECT mine.user_id, other.user_id, c.created_at
  FROM conversations c
  JOIN memberships mine ON mine.conversation_id = c.id
  JOIN memberships other ON other.conversation_id = c.id AND other.user_id != mine.user_id
  WHERE c.kind = 'direct';

CREATE TABLE request_dismissals (
  user_id TEXT NOT NULL REFERENCES users(id),
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  up_to_seq INTEGER NOT NULL,
  PRIMARY KEY (user_id, conversation_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE group_invitations (
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  inviter_id TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX group_invitations_by_user ON group_invitations (user_id, created_at);
`;
