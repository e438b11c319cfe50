/*
 * Delete account (issue #15, DESIGN §12): a deleted account stays as a tombstone row, since the
 * log, memberships and media name it; `deleted_at` marks it. Its username stays reserved for a
 * quarantine, then registration frees it (../deletion.ts).
 */
export const migration020 = `
ALTER TABLE users ADD COLUMN deleted_at INTEGER;
`;
