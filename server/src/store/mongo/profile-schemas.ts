import type { ProfileAudience } from '@chitchat/shared';
import type { Schema } from 'mongoose';

/* The profile fields of a user document (issue #15; SQLite migration 016), kept beside the user
 * schema so schemas.ts grows by a line. */

const AUDIENCES = ['everyone', 'contacts', 'nobody'] as const satisfies readonly ProfileAudience[];

/** Every field is absent on users written before profiles: read as no photo, '' and 'everyone'. */
export interface ProfileDocFields {
  photo?: string | null;
  about?: string;
  photoVisibility?: ProfileAudience;
  aboutVisibility?: ProfileAudience;
}

export const profileFieldDefinitions = {
  photo: { type: String },
  about: { type: String },
  photoVisibility: { type: String, enum: AUDIENCES },
  aboutVisibility: { type: String, enum: AUDIENCES },
};

/**
 * Users by current photo: a download of someone's photo and the media sweep ask "whose photo is
 * this upload?" (the sweep through a `$lookup`, which can use a plain index but not a partial one).
 */
export function indexProfiles(schema: Schema): void {
  schema.index({ photo: 1 }, { name: 'users_by_photo' });
}
