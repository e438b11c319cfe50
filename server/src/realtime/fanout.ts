import { MIN_PROTOCOL, PROTOCOL_VERSION } from '@chitchat/shared';
import type { Fanout } from '../services/fanout';
import { userProtocolRoom, userRoom, type ChatServer } from './types';

export const presenceRoom = (userId: string) => `presence:${userId}`;

/** Fan-out through Socket.io rooms; with a cluster adapter it reaches every server process. */
export function socketFanout(io: ChatServer): Fanout {
  return {
    toUsers(userIds, name, payload, minProtocol, maxProtocol) {
      if (userIds.length === 0) return;
      const rooms =
        minProtocol === undefined && maxProtocol === undefined
          ? userIds.map(userRoom)
          : userIds.flatMap((id) => {
              const versions: string[] = [];
              const last = Math.min(maxProtocol ?? PROTOCOL_VERSION, PROTOCOL_VERSION);
              for (let p = minProtocol ?? MIN_PROTOCOL; p <= last; p++)
                versions.push(userProtocolRoom(id, p));
              return versions;
            });
      if (rooms.length === 0) return;
      // One emit to the union of rooms: a socket in several of them gets the packet once.
      const target = io.to(rooms);
      // The generic event name defeats Socket.io's overloads; the Fanout signature keeps it typed.
      (target.emit as (ev: string, body: unknown) => boolean).call(target, name, payload);
    },
    toPresenceWatchers(update) {
      io.to(presenceRoom(update.userId)).emit('presence', update);
    },
    stopPresenceWatch(userId, others) {
      io.in(userRoom(userId)).socketsLeave(others.map(presenceRoom));
      io.in(others.map(userRoom)).socketsLeave(presenceRoom(userId));
    },
    stopWatching(userId, watcherIds) {
      if (watcherIds.length === 0) return;
      io.in(watcherIds.map(userRoom)).socketsLeave(presenceRoom(userId));
    },
    async presenceWatchers(userId) {
      const sockets = await io.in(presenceRoom(userId)).fetchSockets();
      return [...new Set(sockets.map((s) => s.data.userId))];
    },
  };
}
