/*
 * Group settings (issue #15): a description and the permissions as JSON (shared/src/groups.ts);
 * NULL permissions read as DEFAULT_GROUP_PERMISSIONS, so existing groups keep working as before.
 */
export const migration017 = `
ALTER TABLE conversations ADD COLUMN description TEXT;
ALTER TABLE conversations ADD COLUMN permissions TEXT;
`;
