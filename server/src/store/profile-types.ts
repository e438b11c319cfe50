import type { ProfileAudience } from '@chitchat/shared';
import type { UserRecord } from './types';

/** A user's profile (issue #15): photo, about, and who may see each (DESIGN §3 audience rule). */
export interface ProfileFields {
  /** The media id of the current profile photo (an image its owner uploaded), or null. */
  photo: string | null;
  /** '' when empty. */
  about: string;
  /** Default 'everyone', as WhatsApp. */
  photoVisibility: ProfileAudience;
  /** Default 'everyone', as WhatsApp. */
  aboutVisibility: ProfileAudience;
}

export type ProfileChanges = Partial<ProfileFields>;

/** The reads profiles need beyond the user rows themselves. */
export interface ProfileStore {
  /**
   * The user whose current photo is `mediaId`, or null. A replaced or removed photo names nobody,
   * so its bytes fall back to the media rules alone (the uploader, or a message referencing them).
   */
  userWithPhoto(mediaId: string): Promise<UserRecord | null>;
  /**
   * Whether `mediaId` is the current photo of a group `userId` is a current member of (issue #15):
   * a group photo is shown to its members only. A replaced or removed group photo names no group.
   */
  seesGroupPhoto(userId: string, mediaId: string): Promise<boolean>;
  /**
   * Everyone who is a current member of a conversation (direct or group) where `userId` is a
   * current member, without `userId`: who is told when their profile changes.
   */
  conversationPartners(userId: string): Promise<string[]>;
  /** Ids of the groups where both are current members, oldest group first. */
  sharedGroups(userId: string, otherId: string): Promise<string[]>;
}
