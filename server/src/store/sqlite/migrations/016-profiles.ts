/*
 * Profiles (issue #15): a photo (a media id its owner uploaded), an about line, and who may see
 * each (DESIGN §3 audience rule; both 'everyone' by default, as WhatsApp). The index serves the
 * download check and the media sweep ("is this upload someone's current photo?").
 */
export const migration016 = `
ALTER TABLE users ADD COLUMN photo TEXT;
ALTER TABLE users ADD COLUMN about TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN photo_visibility TEXT NOT NULL DEFAULT 'everyone'
  CHECK (photo_visibility IN ('everyone', 'contacts', 'nobody'));
ALTER TABLE users ADD COLUMN about_visibility TEXT NOT NULL DEFAULT 'everyone'
  CHECK (about_visibility IN ('everyone', 'contacts', 'nobody'));
CREATE INDEX users_by_photo ON users (photo) WHERE photo IS NOT NULL;
`;
