export const migration004 = `
-- A new message's media references are written by the store next to the message (only messages
-- with attachments have any): the insert trigger parsed every message's payload to find none.
-- Edits and deletes keep their trigger (media_refs_message_update), and so does removal.
DROP TRIGGER media_refs_message_insert;
`;
