export const migration005 = `
-- The idempotency indexes lead with the client's key instead of the sender: the app makes its keys
-- time-ordered (UUID v7), so new entries land at the end of the index, not on a random page per
-- message (100 senders meant 100 pages written per commit). Lookups name both columns either way,
-- and a (key, sender) pair is exactly as unique as a (sender, key) pair.
CREATE UNIQUE INDEX events_client_msg_key ON events (client_msg_id, sender_user_id)
  WHERE client_msg_id IS NOT NULL;
DROP INDEX events_client_msg_id;
CREATE UNIQUE INDEX events_op_key ON events (op_id, sender_user_id) WHERE op_id IS NOT NULL;
DROP INDEX events_op_id;
`;
