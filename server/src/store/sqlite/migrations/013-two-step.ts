/*
 * Two-step sign-in (TOTP, issue #18): one row per account that set it up (in force once
 * `enabled_at` is set), and its recovery codes, stored only as SHA-256 hashes (each code carries
 * 80 random bits, so a fast hash is enough) and spent once.
 */
export const migration013 = `
CREATE TABLE two_step (
  user_id TEXT PRIMARY KEY REFERENCES users(id),
  secret TEXT NOT NULL,
  enabled_at INTEGER,
  last_step INTEGER
) STRICT, WITHOUT ROWID;

CREATE TABLE two_step_recovery_codes (
  user_id TEXT NOT NULL REFERENCES two_step(user_id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at INTEGER,
  PRIMARY KEY (user_id, code_hash)
) STRICT, WITHOUT ROWID;
`;
