/*
 * Single sign-on (OpenID Connect, issue #18): the provider identities of accounts, unique by
 * (issuer, subject) so a name reused at the provider never reaches another account; the one-time
 * codes handed to the apps (SHA-256 hashes, short-lived, deleted when spent); and when each device
 * last authenticated through the provider (a recent sign-in stands in for a password).
 */
export const migration015 = `
CREATE TABLE sso_identities (
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (issuer, subject)
) STRICT, WITHOUT ROWID;
CREATE INDEX sso_identities_by_user ON sso_identities (user_id);

CREATE TABLE sso_codes (
  code_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  client TEXT NOT NULL CHECK (client IN ('desktop', 'web')),
  challenge TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE sso_device_sign_ins (
  device_id TEXT PRIMARY KEY REFERENCES devices(id),
  at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
`;
