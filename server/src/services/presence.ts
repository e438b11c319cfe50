import type { PresenceInfo } from '@chitchat/shared';
import type { Logger } from '../logger';
import type { Presence, PresenceChange } from '../presence/types';
import type { Store } from '../store/types';
import type { Fanout } from './fanout';
import { presenceAudience } from './relationships';

export type PresenceService = ReturnType<typeof createPresenceService>;

/**
 * Online state and last-seen times, with privacy: only the audience of each person's
 * `lastSeenVisibility` may watch (everyone; contacts plus members of a shared group; nobody), and
 * nobody blocked by them.
 */
export function createPresenceService(deps: {
  store: Store;
  presence: Presence;
  fanout: Fanout;
  logger: Logger;
  now?: () => number;
}) {
  const { store, presence, fanout, logger } = deps;
  const now = deps.now ?? Date.now;

  async function hidesPresence(userId: string): Promise<boolean> {
    return (await store.getUser(userId))?.lastSeenVisibility === 'nobody';
  }

  /** Last seen from the devices' records, for users this presence has not seen go (e.g. after a restart). */
  async function storedLastSeen(userId: string): Promise<number | null> {
    const devices = await store.listActiveDevices(userId);
    return devices.length === 0 ? null : Math.max(...devices.map((d) => d.lastSeenAt));
  }

  /** Per user, the announcement last queued: a user's transitions go out in the order they happened. */
  const announcing = new Map<string, Promise<void>>();

  /**
   * Tells the watchers, with privacy applied: with `nobody` nothing goes out at all, neither the
   * time nor the online state (watchers are refused at watch time and dropped when the setting
   * changes; this is the second line).
   */
  function announce(change: PresenceChange): Promise<void> {
    const previous = announcing.get(change.userId) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (await hidesPresence(change.userId)) return;
      fanout.toPresenceWatchers({
        userId: change.userId,
        online: change.online,
        lastSeenAt: change.online ? null : change.lastSeenAt,
      });
    });
    const settled = next.catch(() => undefined);
    announcing.set(change.userId, settled);
    void settled.then(() => {
      if (announcing.get(change.userId) === settled) announcing.delete(change.userId);
    });
    return next;
  }

  /** Updates started and not yet announced, so a shutdown can let them finish. */
  const pending = new Set<Promise<void>>();
  function track(work: Promise<void>): Promise<void> {
    pending.add(work);
    return work.finally(() => pending.delete(work));
  }

  /**
   * A connect or disconnect stamps its device (the last-seen time kept for after a restart) and
   * updates presence side by side: the transition is announced in the order the sockets came and
   * went, not after the stamp's commit (an fsync, possibly behind a batch of messages), which would
   * let a watcher see a connect announced after what happened since. The work settles once both
   * are done, so a drain still waits for the stamp.
   */
  async function stampedAlongside(
    deviceId: string,
    at: number,
    transition: () => Promise<void>,
  ): Promise<void> {
    await Promise.all([store.touchDevice(deviceId, at), transition()]);
  }

  // Transitions the presence finds by itself: a crashed process's users expiring, and this
  // process's users registered again after a Redis outage.
  presence.onChange((change) => {
    track(announce(change)).catch((error: unknown) => {
      logger.error({ err: error, userId: change.userId }, 'presence announcement failed');
    });
  });

  return {
    connected(userId: string, deviceId: string, connectionId: string): Promise<void> {
      return track(
        stampedAlongside(deviceId, now(), async () => {
          const { cameOnline } = await presence.connected(userId, connectionId);
          if (cameOnline) await announce({ userId, online: true, lastSeenAt: null });
        }),
      );
    },

    disconnected(userId: string, deviceId: string, connectionId: string): Promise<void> {
      return track(
        (() => {
          const at = now();
          return stampedAlongside(deviceId, at, async () => {
            const { wentOffline } = await presence.disconnected(userId, connectionId, at);
            if (wentOffline) await announce({ userId, online: false, lastSeenAt: at });
          });
        })(),
      );
    },

    /** Resolves once every update started so far has been announced (or has failed). */
    async settled(): Promise<void> {
      await Promise.allSettled([...pending]);
    },

    /**
     * The users of `userIds` the watcher may watch: themselves, and those whose audience includes
     * them (`lastSeenVisibility`, blocks: relationships.ts presenceAudience).
     */
    async watchable(watcherId: string, userIds: readonly string[]): Promise<string[]> {
      const unique = [...new Set(userIds)];
      const allowed = await presenceAudience(store, watcherId, await store.getUsers(unique));
      return unique.filter((id) => allowed.has(id));
    },

    /**
     * After `userId` narrowed who sees their presence (a setting, a block), every current watcher
     * outside the audience stops watching at once and is told `userId` shows nothing now.
     */
    async restrictWatchers(userId: string): Promise<void> {
      const user = await store.getUser(userId);
      if (user === null) return;
      const watchers = (await fanout.presenceWatchers(userId)).filter((id) => id !== userId);
      const refused: string[] = [];
      for (const watcherId of watchers) {
        if (!(await presenceAudience(store, watcherId, [user])).has(userId))
          refused.push(watcherId);
      }
      if (refused.length === 0) return;
      fanout.stopWatching(userId, refused);
      fanout.toUsers(refused, 'presence', { userId, online: false, lastSeenAt: null });
    },

    async lookup(userIds: readonly string[]): Promise<PresenceInfo[]> {
      const states = await presence.lookup(userIds);
      const users = new Map((await store.getUsers(userIds)).map((u) => [u.id, u]));
      return Promise.all(
        userIds.map(async (userId): Promise<PresenceInfo> => {
          const state = states.get(userId) ?? { online: false, lastSeenAt: null };
          if (state.online) return { userId, online: true, lastSeenAt: null };
          // Only reached for users in the watcher's audience; `nobody` lets no one in but the user.
          const hidden = users.get(userId)?.lastSeenVisibility === 'nobody';
          return {
            userId,
            online: false,
            lastSeenAt: hidden ? null : (state.lastSeenAt ?? (await storedLastSeen(userId))),
          };
        }),
      );
    },
  };
}
