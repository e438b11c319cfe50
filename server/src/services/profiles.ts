import type { PublicUser, UserProfileAnswer } from '@chitchat/shared';
import type { Store, UserRecord } from '../store/types';
import { ServiceError, notFound } from './errors';
import type { Fanout } from './fanout';
import { audienceOf, viewersAdmitted, type AudienceCheck } from './relationships';

/** What profiles need of media: whether an upload may become someone's photo. */
export interface PhotoUploads {
  /** True when `mediaId` is an image (with a thumbnail) that `userId` uploaded. */
  isOwnImage(userId: string, mediaId: string): Promise<boolean>;
}

export type ProfilesService = ReturnType<typeof createProfilesService>;

/** What others see of a deleted account (issue #15): a name, never the username it had. */
export const DELETED_ACCOUNT_NAME = 'Deleted account';

/** Name and username: what everyone who can name a person sees. */
export const identityOf = (user: UserRecord): PublicUser =>
  user.deletedAt === null
    ? { id: user.id, username: user.username, displayName: user.displayName }
    : { id: user.id, username: '', displayName: DELETED_ACCOUNT_NAME, deleted: true };

/** The person as a viewer sees them: photo and about only where their audience admits the viewer. */
const maskedBy = (may: AudienceCheck) => (user: UserRecord) => ({
  ...identityOf(user),
  photo: may(user, 'photoVisibility') ? user.photo : null,
  about: may(user, 'aboutVisibility') ? user.about : null,
});

/**
 * Profiles (issue #15): photo and about, each behind the one audience rule of DESIGN §3
 * (relationships.ts), wherever another user is shown: searches, summaries' peers and members,
 * member lists, the profile route, photo downloads, and the `user:changed` push.
 */
export function createProfilesService(deps: {
  store: Store;
  fanout: Fanout;
  /** Without media storage no upload can become a photo. */
  photos?: PhotoUploads;
}) {
  const { store, fanout } = deps;

  /** `users` as `viewerId` may see them, in the same order. */
  async function viewsFor(viewerId: string, users: readonly UserRecord[]): Promise<PublicUser[]> {
    if (users.length === 0) return [];
    return users.map(maskedBy(await audienceOf(store, viewerId, users)));
  }

  /**
   * Pushes `user:changed` to the person's own devices only: after a change of a setting nobody
   * else sees (read receipts, "Show previews"...), so each device fetches `Me` again and every
   * device of the account shows the change. Answers the user (null when there is none).
   */
  async function announceToSelf(userId: string): Promise<UserRecord | null> {
    const user = await store.getUser(userId);
    if (user === null) return null;
    fanout.toUsers([userId], 'user:changed', {
      ...identityOf(user),
      photo: user.photo,
      about: user.about,
    });
    return user;
  }

  return {
    viewsFor,

    /** `GET /api/users/:id`: the contact info panel's person, and the groups both are in. */
    async profile(viewerId: string, userId: string): Promise<UserProfileAnswer> {
      const user = await store.getUser(userId);
      if (user === null) throw notFound('No such user.');
      const [view] = await viewsFor(viewerId, [user]);
      if (view === undefined) throw notFound('No such user.');
      return { user: view, sharedGroups: await store.sharedGroups(viewerId, userId) };
    },

    /**
     * True when `mediaId` is someone's current photo and their `photoVisibility` admits the viewer,
     * or the current photo of a group the viewer is a current member of (issue #15). Media
     * downloads ask this after the media rules refused: a replaced photo names nobody, and a known
     * id gives nothing to those outside the audience.
     */
    async mayViewPhoto(viewerId: string, mediaId: string): Promise<boolean> {
      const owner = await store.userWithPhoto(mediaId);
      // One upload may be both someone's photo and a group's: either admits the viewer.
      if (owner !== null && (await audienceOf(store, viewerId, [owner]))(owner, 'photoVisibility'))
        return true;
      return store.seesGroupPhoto(viewerId, mediaId);
    },

    /**
     * Refuses (`invalid_payload`) a photo that is not an image the caller uploaded: a profile
     * photo, or (`what`) a group photo.
     */
    async checkPhoto(userId: string, mediaId: string, what = 'A profile photo'): Promise<void> {
      if (deps.photos === undefined || !(await deps.photos.isOwnImage(userId, mediaId))) {
        throw new ServiceError(
          'invalid_payload',
          `${what} must be an image you uploaded (POST /api/media).`,
        );
      }
    },

    announceToSelf,

    /**
     * Pushes `user:changed` after a change to the person's name, photo, about or their audiences:
     * to their own devices as they are, and to everyone who shares a conversation with them as each
     * may see them (so a narrowed audience reaches those it now leaves out, as a null).
     */
    async announce(userId: string): Promise<void> {
      const user = await announceToSelf(userId);
      if (user === null) return;
      const partners = await store.conversationPartners(userId);
      if (partners.length === 0) return;
      const [photo, about] = await Promise.all([
        viewersAdmitted(store, user, partners, 'photoVisibility'),
        viewersAdmitted(store, user, partners, 'aboutVisibility'),
      ]);
      // One push per distinct view (at most four), each to all the viewers who get it.
      const byView = new Map<string, string[]>();
      for (const id of partners) {
        const key = `${photo.has(id) ? 1 : 0}${about.has(id) ? 1 : 0}`;
        const viewers = byView.get(key);
        if (viewers === undefined) byView.set(key, [id]);
        else viewers.push(id);
      }
      for (const [key, viewers] of byView) {
        fanout.toUsers(viewers, 'user:changed', {
          ...identityOf(user),
          photo: key[0] === '1' ? user.photo : null,
          about: key[1] === '1' ? user.about : null,
        });
      }
    },
  };
}
