import type { ProfileAudience, PublicUser } from '@chitchat/shared';

/** The person as the contact info panel shows them (issue #15). */
export interface UserProfileView {
  user: PublicUser;
  /** Groups both are current members of: id and title, for the list that opens them. */
  sharedGroups: { id: string; title: string }[];
  /** Photos, videos and documents in the direct chat with them that this device has loaded. */
  mediaCount: number;
  /** I blocked them. */
  blocked: boolean;
  /** Answered from this device's cache (offline): the groups and photo may be out of date. */
  cached: boolean;
}

export interface ProfileChange {
  displayName?: string;
  about?: string;
  photoVisibility?: ProfileAudience;
  aboutVisibility?: ProfileAudience;
}

/** Profiles from the app: the person's own profile and the contact info panel's part of the contract. */
export interface ProfileApi {
  /** Saves name, about line or the audiences of photo and about; the new session state. */
  updateOwnProfile(change: ProfileChange): Promise<void>;
  /**
   * Sets the profile photo: `bytes` are the square the person cropped, already scaled down (JPEG or
   * PNG); uploaded, kept in the media cache, then set. Null removes the photo.
   */
  setProfilePhoto(photo: { bytes: Uint8Array; mime: string } | null): Promise<void>;
  /** The contact info panel: from the server, or from this device's cache when offline. */
  getUserProfile(userId: string): Promise<UserProfileView>;
  /** Unblocks someone (blocking is `blockUser`). */
  unblockUser(userId: string): Promise<void>;
}

/** The method names, added to CHAT_API_METHODS. */
export const PROFILE_API_METHODS = [
  'updateOwnProfile',
  'setProfilePhoto',
  'getUserProfile',
  'unblockUser',
] as const;
