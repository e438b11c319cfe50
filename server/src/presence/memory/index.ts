import type { Presence } from '../types';

/** Presence for a single server process: connections counted in memory. */
export function memoryPresence(): Presence {
  const connections = new Map<string, Set<string>>();
  const lastSeen = new Map<string, number>();
  return {
    async connected(userId, connectionId) {
      let set = connections.get(userId);
      if (set === undefined) {
        set = new Set();
        connections.set(userId, set);
      }
      const cameOnline = set.size === 0;
      set.add(connectionId);
      return { cameOnline };
    },
    async disconnected(userId, connectionId, at) {
      const set = connections.get(userId);
      if (set === undefined || !set.delete(connectionId)) return { wentOffline: false };
      if (set.size > 0) return { wentOffline: false };
      connections.delete(userId);
      lastSeen.set(userId, at);
      return { wentOffline: true };
    },
    async lookup(userIds) {
      return new Map(
        userIds.map((id) => {
          const online = (connections.get(id)?.size ?? 0) > 0;
          return [id, { online, lastSeenAt: online ? null : (lastSeen.get(id) ?? null) }];
        }),
      );
    },
    onChange() {
      // One process sees every connection open and close: nothing changes behind its back.
    },
    async close() {
      connections.clear();
    },
  };
}
