import type { GroupPermissions } from '@chitchat/shared';

/** A group's info beyond its title (issue #15), as the info panel and the composer read it. */
export interface GroupInfoView {
  /** The description, null when none; shown with "Read more" when long. */
  description: string | null;
  /** Who may send and edit the info (the server's summary; defaults until it says otherwise). */
  permissions: GroupPermissions;
}

/** Groups from the app (issue #15): the part of the contract beyond `updateGroup`. */
export interface GroupApi {
  /**
   * Sets the group photo: `bytes` are the square the person cropped, already scaled down (JPEG or
   * PNG); uploaded, kept in the media cache, then set with `group:update`. Null removes it.
   */
  setGroupPhoto(
    conversationId: string,
    photo: { bytes: Uint8Array; mime: string } | null,
  ): Promise<void>;
  /**
   * "Delete group" for a group the person exited: it leaves the chat list on every device of the
   * account, history included; if an admin adds them again, the chat comes back with what follows.
   */
  deleteGroupForMe(conversationId: string): Promise<void>;
}

/** The method names, added to CHAT_API_METHODS. */
export const GROUP_API_METHODS = ['setGroupPhoto', 'deleteGroupForMe'] as const;
