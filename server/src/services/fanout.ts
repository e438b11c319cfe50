import type { PresenceInfo, ServerToClientEvents } from '@chitchat/shared';

/**
 * How services reach connected devices without seeing Socket.io: the realtime layer implements it
 * (and, scaled out, its adapter carries it to every server process).
 */
export interface Fanout {
  /**
   * To every device of every listed user; with `minProtocol`, only to their sockets that speak
   * that protocol version or a newer one (older clients would not understand the payload); with
   * `maxProtocol`, only to their sockets of that version or an older one (an older shape).
   */
  toUsers<K extends keyof ServerToClientEvents>(
    userIds: readonly string[],
    name: K,
    payload: Parameters<ServerToClientEvents[K]>[0],
    minProtocol?: number,
    maxProtocol?: number,
  ): void;
  /** To the sockets watching `update.userId`. */
  toPresenceWatchers(update: PresenceInfo): void;
  /** `userId` and each of `others` stop watching each other's presence (they share no chat now). */
  stopPresenceWatch(userId: string, others: readonly string[]): void;
  /** The sockets of each of `watcherIds` stop watching `userId` (one way: a block, a narrowed audience). */
  stopWatching(userId: string, watcherIds: readonly string[]): void;
  /** The users with a socket watching `userId` now (on every server process). */
  presenceWatchers(userId: string): Promise<string[]>;
}
