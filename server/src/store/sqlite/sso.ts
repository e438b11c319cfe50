import type { SsoClient } from '@chitchat/shared';
import type { SqliteDatabase } from './database';
import type { SsoStore } from '../sso-types';

interface CodeRow {
  code_hash: string;
  user_id: string;
  client: SsoClient;
  challenge: string;
  expires_at: number;
}

/** Single sign-on in SQLite (migration 015); mirrors ../mongo/sso.ts. */
export function sqliteSsoStore(db: SqliteDatabase): SsoStore {
  const st = {
    identity: db.prepare<[string, string], { user_id: string }>(
      'SELECT user_id FROM sso_identities WHERE issuer = ? AND subject = ?',
    ),
    dropExpired: db.prepare('DELETE FROM sso_codes WHERE expires_at <= ?'),
    insertCode: db.prepare(
      `INSERT INTO sso_codes (code_hash, user_id, client, challenge, expires_at)
       VALUES (@codeHash, @userId, @client, @challenge, @expiresAt)`,
    ),
    // One statement deletes and returns: two exchanges of one code cannot both get it.
    takeCode: db.prepare<[string, number], CodeRow>(
      'DELETE FROM sso_codes WHERE code_hash = ? AND expires_at > ? RETURNING *',
    ),
    mark: db.prepare(
      `INSERT INTO sso_device_sign_ins (device_id, at) VALUES (?, ?)
       ON CONFLICT (device_id) DO UPDATE SET at = MAX(at, excluded.at)`,
    ),
    last: db.prepare<[string], { at: number }>(
      'SELECT at FROM sso_device_sign_ins WHERE device_id = ?',
    ),
  };
  const save = db.transaction((record: Parameters<SsoStore['saveSsoCode']>[0], at: number) => {
    st.dropExpired.run(at);
    st.insertCode.run(record);
  });
  return {
    async userIdBySsoIdentity({ issuer, subject }) {
      return st.identity.get(issuer, subject)?.user_id ?? null;
    },
    async saveSsoCode(record, at) {
      save.immediate(record, at);
    },
    async takeSsoCode(codeHash, at) {
      const row = st.takeCode.get(codeHash, at);
      if (row === undefined) return null;
      return {
        codeHash: row.code_hash,
        userId: row.user_id,
        client: row.client,
        challenge: row.challenge,
        expiresAt: row.expires_at,
      };
    },
    async markSsoSignIn(deviceId, at) {
      st.mark.run(deviceId, at);
    },
    async lastSsoSignIn(deviceId) {
      return st.last.get(deviceId)?.at ?? null;
    },
  };
}
