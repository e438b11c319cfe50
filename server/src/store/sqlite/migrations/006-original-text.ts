export const migration006 = `
-- The text a message was sent with, kept from its first edit on (the row's payload holds the
-- current text): a former member sees a message as it stood when they left (DESIGN §3), which
-- may be before any edit. Null while never edited, and again once deleted for everyone. Messages
-- edited before this column existed have lost their original; former members see no text for them.
ALTER TABLE events ADD COLUMN original_text TEXT;
`;
