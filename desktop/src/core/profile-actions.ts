import type { Me, PublicUser } from '@chitchat/shared';
import type { ProfileChange, UserProfileView } from '../common/profile-contract';
import { ApiError } from './api-client';
import { remote } from './client-errors';
import type { SignedInSession } from './signed-in-session';

/*
 * Profiles from the engine (issue #15): the person's own photo and about, and the contact info
 * panel's person. What the server says of people is kept in the cache (users.photo / about), and
 * photos in the media cache, so avatars and the panel show offline.
 */

export function updateOwnProfile(parts: SignedInSession, change: ProfileChange): Promise<Me> {
  return remote(() => parts.api.updateMe(change));
}

/**
 * Uploads the square the person cropped (DESIGN §10: made on the device), keeps the bytes in the
 * media cache (never downloaded again here), then sets it as the photo; null removes it.
 */
export async function setProfilePhoto(
  parts: SignedInSession,
  photo: { bytes: Uint8Array; mime: string } | null,
): Promise<Me> {
  if (photo === null) return remote(() => parts.api.updateMe({ photo: null }));
  const extension = photo.mime === 'image/png' ? 'png' : 'jpg';
  const uploaded = await remote(() =>
    parts.api.uploadMedia(photo.bytes, { name: `profile-photo.${extension}`, mime: photo.mime }),
  );
  parts.media.put(uploaded.id, 'original', uploaded.mime, photo.bytes);
  return remote(() => parts.api.updateMe({ photo: uploaded.id }));
}

interface ProfileRow {
  count: number;
}

/** Photos, videos and files in the direct chat with `userId` that this device has loaded. */
function mediaCountWith(parts: SignedInSession, userId: string): number {
  const row = parts.store.db
    .prepare<[string], ProfileRow>(
      `SELECT COUNT(*) AS count FROM events e JOIN conversations c ON c.id = e.conversation_id
       WHERE c.kind = 'direct' AND c.peer_id = ? AND e.type = 'message' AND e.deleted_at IS NULL
         AND json_array_length(e.payload, '$.attachments') > 0`,
    )
    .get(userId);
  return row?.count ?? 0;
}

/** Groups in this device's cache where both are listed members (small groups carry their members). */
function cachedSharedGroups(parts: SignedInSession, userId: string): string[] {
  return parts.store.db
    .prepare<[string, string], { id: string }>(
      `SELECT c.id AS id FROM conversations c
         JOIN members mine ON mine.conversation_id = c.id AND mine.user_id = ?
         JOIN members theirs ON theirs.conversation_id = c.id AND theirs.user_id = ?
       WHERE c.kind = 'group' AND c.status = 'active' ORDER BY c.created_at`,
    )
    .all(parts.store.userId, userId)
    .map((r) => r.id);
}

const titled = (parts: SignedInSession, ids: readonly string[]) =>
  ids.map((id) => ({ id, title: parts.store.conversation(id)?.title ?? 'Group' }));

/** The contact info panel: the server's answer, or this device's cache when it cannot be reached. */
export function getUserProfile(parts: SignedInSession, userId: string): Promise<UserProfileView> {
  return remote(async () => {
    const online = await Promise.all([parts.api.userProfile(userId), parts.api.me()]).catch(
      (error: unknown) => {
        if (error instanceof ApiError && error.code === 'network') return null;
        throw error;
      },
    );
    if (online !== null) {
      const [answer, me] = online;
      parts.store.upsertUsers([answer.user]);
      return {
        user: answer.user,
        sharedGroups: titled(parts, answer.sharedGroups),
        mediaCount: mediaCountWith(parts, userId),
        blocked: me.blocked.includes(userId),
        cached: false,
      };
    }
    const row = parts.store.users([userId]).get(userId);
    if (row === undefined) {
      throw new ApiError('network', 'This person is not on this device yet; connect to see them.');
    }
    const user: PublicUser = {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      photo: row.photo,
      about: row.about,
    };
    return {
      user,
      sharedGroups: titled(parts, cachedSharedGroups(parts, userId)),
      mediaCount: mediaCountWith(parts, userId),
      blocked: false,
      cached: true,
    };
  });
}
