/** Who is online, across every server process that shares this Presence. */
export interface Presence {
  /** A connection of `userId` opened; `cameOnline` when it is the user's first. */
  connected(userId: string, connectionId: string): Promise<{ cameOnline: boolean }>;
  /** A connection closed; `wentOffline` when it was the user's last. */
  disconnected(userId: string, connectionId: string, at: number): Promise<{ wentOffline: boolean }>;
  /** Online state, and the last-seen time this presence knows (null when it knows none). */
  lookup(
    userIds: readonly string[],
  ): Promise<Map<string, { online: boolean; lastSeenAt: number | null }>>;
  close(): Promise<void>;
}
