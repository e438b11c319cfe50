import type { PresenceInfo } from '@chitchat/shared';
import type { Presence } from '../presence/types';
import type { Store } from '../store/types';
import type { Fanout } from './fanout';

export type PresenceService = ReturnType<typeof createPresenceService>;

/**
 * Online state and last-seen times, with privacy: only people who share a conversation may watch,
 * and `lastSeenVisibility: nobody` hides the time.
 */
export function createPresenceService(deps: {
  store: Store;
  presence: Presence;
  fanout: Fanout;
  now?: () => number;
}) {
  const { store, presence, fanout } = deps;
  const now = deps.now ?? Date.now;

  async function hidesLastSeen(userId: string): Promise<boolean> {
    return (await store.getUser(userId))?.lastSeenVisibility === 'nobody';
  }

  /** Last seen from the devices' records, for users this presence has not seen go (e.g. after a restart). */
  async function storedLastSeen(userId: string): Promise<number | null> {
    const devices = await store.listActiveDevices(userId);
    return devices.length === 0 ? null : Math.max(...devices.map((d) => d.lastSeenAt));
  }

  return {
    async connected(userId: string, deviceId: string, connectionId: string): Promise<void> {
      await store.touchDevice(deviceId, now());
      const { cameOnline } = await presence.connected(userId, connectionId);
      if (cameOnline) fanout.toPresenceWatchers({ userId, online: true, lastSeenAt: null });
    },

    async disconnected(userId: string, deviceId: string, connectionId: string): Promise<void> {
      const at = now();
      await store.touchDevice(deviceId, at);
      const { wentOffline } = await presence.disconnected(userId, connectionId, at);
      if (wentOffline) {
        fanout.toPresenceWatchers({
          userId,
          online: false,
          lastSeenAt: (await hidesLastSeen(userId)) ? null : at,
        });
      }
    },

    /** The users of `userIds` the watcher may watch (themselves, and people sharing a conversation). */
    async watchable(watcherId: string, userIds: readonly string[]): Promise<string[]> {
      const others = userIds.filter((id) => id !== watcherId);
      const sharing = new Set(await store.sharingConversation(watcherId, others));
      return [...new Set(userIds)].filter((id) => id === watcherId || sharing.has(id));
    },

    async lookup(userIds: readonly string[]): Promise<PresenceInfo[]> {
      const states = await presence.lookup(userIds);
      const users = new Map((await store.getUsers(userIds)).map((u) => [u.id, u]));
      return Promise.all(
        userIds.map(async (userId): Promise<PresenceInfo> => {
          const state = states.get(userId) ?? { online: false, lastSeenAt: null };
          if (state.online) return { userId, online: true, lastSeenAt: null };
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
