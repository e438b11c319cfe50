/*
 * Admins and registration (DESIGN §3, §4 REGISTRATION). Every existing account becomes a member,
 * except the oldest one, which becomes admin: a server that ran before this migration had its
 * operator's account first, and must not be left without anyone who can make invites.
 * Invite codes are kept as minted (admins list and copy them); they carry at least 128 random bits.
 */
export const migration010 = `
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member'));
ALTER TABLE users ADD COLUMN disabled_at INTEGER;
UPDATE users SET role = 'admin'
  WHERE id = (SELECT id FROM users ORDER BY created_at, id LIMIT 1);

CREATE TABLE invites (
  code TEXT PRIMARY KEY,
  created_by TEXT REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  max_uses INTEGER NOT NULL CHECK (max_uses >= 1),
  uses INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0 AND uses <= max_uses),
  revoked_at INTEGER
) STRICT, WITHOUT ROWID;
`;
