export const migration011 = `
-- Voice notes' played marks (receipt:played): one row per listener and note, the first play kept.
CREATE TABLE voice_plays (
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  seq INTEGER NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  played_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, seq, user_id)
) STRICT, WITHOUT ROWID;
`;
