/*
 * The read-receipts switch (issue #15, DESIGN §3): on for everyone until they turn it off.
 */
export const migration014 = `
ALTER TABLE users ADD COLUMN read_receipts INTEGER NOT NULL DEFAULT 1 CHECK (read_receipts IN (0, 1));
`;
