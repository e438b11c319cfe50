import type { SqliteDatabase } from './database';
import type { TwoStepStore } from '../types';

interface TwoStepRow {
  user_id: string;
  secret: string;
  enabled_at: number | null;
  last_step: number | null;
  left: number;
}

/** Two-step sign-in in SQLite (migration 013); mirrors ../mongo/two-step.ts. */
export function sqliteTwoStepStore(db: SqliteDatabase): TwoStepStore {
  const st = {
    get: db.prepare<[string], TwoStepRow>(
      `SELECT t.*, (SELECT COUNT(*) FROM two_step_recovery_codes r
                    WHERE r.user_id = t.user_id AND r.used_at IS NULL) AS "left"
       FROM two_step t WHERE t.user_id = ?`,
    ),
    // Replaces an unconfirmed secret; one in force stays (the WHERE of the upsert).
    setPending: db.prepare(
      `INSERT INTO two_step (user_id, secret, enabled_at, last_step) VALUES (?, ?, NULL, NULL)
       ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, last_step = NULL
       WHERE two_step.enabled_at IS NULL`,
    ),
    enable: db.prepare(
      `UPDATE two_step SET enabled_at = ?, last_step = ?
       WHERE user_id = ? AND secret = ? AND enabled_at IS NULL`,
    ),
    // The step only moves forward, in the query itself, so two requests with one code cannot both pass.
    acceptStep: db.prepare(
      `UPDATE two_step SET last_step = ?
       WHERE user_id = ? AND enabled_at IS NOT NULL AND (last_step IS NULL OR last_step < ?)`,
    ),
    useCode: db.prepare(
      `UPDATE two_step_recovery_codes SET used_at = ?
       WHERE user_id = ? AND code_hash = ? AND used_at IS NULL
         AND EXISTS (SELECT 1 FROM two_step t WHERE t.user_id = ? AND t.enabled_at IS NOT NULL)`,
    ),
    isOn: db.prepare<[string], { n: number }>(
      'SELECT COUNT(*) AS n FROM two_step WHERE user_id = ? AND enabled_at IS NOT NULL',
    ),
    dropCodes: db.prepare('DELETE FROM two_step_recovery_codes WHERE user_id = ?'),
    insertCode: db.prepare(
      'INSERT INTO two_step_recovery_codes (user_id, code_hash, used_at) VALUES (?, ?, NULL)',
    ),
    remove: db.prepare('DELETE FROM two_step WHERE user_id = ?'),
  };

  const writeCodes = (userId: string, hashes: readonly string[]) => {
    st.dropCodes.run(userId);
    for (const hash of new Set(hashes)) st.insertCode.run(userId, hash);
  };

  const enable = db.transaction(
    (
      userId: string,
      input: { secret: string; at: number; step: number; recoveryCodeHashes: readonly string[] },
    ): boolean => {
      if (st.enable.run(input.at, input.step, userId, input.secret).changes !== 1) return false;
      writeCodes(userId, input.recoveryCodeHashes);
      return true;
    },
  );

  const replaceCodes = db.transaction((userId: string, hashes: readonly string[]): boolean => {
    if ((st.isOn.get(userId)?.n ?? 0) === 0) return false;
    writeCodes(userId, hashes);
    return true;
  });

  const disable = db.transaction((userId: string): boolean => {
    st.dropCodes.run(userId);
    return st.remove.run(userId).changes === 1;
  });

  return {
    async twoStepOf(userId) {
      const row = st.get.get(userId);
      if (row === undefined) return null;
      return {
        userId: row.user_id,
        secret: row.secret,
        enabledAt: row.enabled_at,
        lastStep: row.last_step,
        recoveryCodesLeft: row.left,
      };
    },
    async setPendingTwoStep(userId, secret) {
      return st.setPending.run(userId, secret).changes === 1;
    },
    async enableTwoStep(userId, input) {
      return enable.immediate(userId, input);
    },
    async acceptTwoStepStep(userId, step) {
      return st.acceptStep.run(step, userId, step).changes === 1;
    },
    async useRecoveryCode(userId, codeHash, at) {
      return st.useCode.run(at, userId, codeHash, userId).changes === 1;
    },
    async replaceRecoveryCodes(userId, codeHashes) {
      return replaceCodes.immediate(userId, codeHashes);
    },
    async disableTwoStep(userId) {
      return disable.immediate(userId);
    },
  };
}
