/*
 * The change cursor no longer goes through a shared counter row (docs/change-cursor.md): each
 * write stamps the rows it changes one above the highest stamp, found through these indexes.
 * Existing versions (values of the old counter) stay valid stamps: an old client's cursor still
 * selects exactly what changed after it. The old counter row stays in `meta`, unused.
 */
export const migration009 = `
CREATE INDEX conversations_by_version ON conversations (version);
CREATE INDEX memberships_by_version ON memberships (version);
`;
