/** An online/offline transition of one user. */
export interface PresenceChange {
  userId: string;
  online: boolean;
  /** When the user was last seen; null when they came online. */
  lastSeenAt: number | null;
}

/**
 * Who is online, across every server process that shares this Presence. Each transition is
 * reported to exactly one caller (the one whose call or sweep caused it), which announces it.
 */
export interface Presence {
  /** A connection of `userId` opened; `cameOnline` when it is the user's first. */
  connected(userId: string, connectionId: string): Promise<{ cameOnline: boolean }>;
  /** A connection closed; `wentOffline` when it was the user's last. */
  disconnected(userId: string, connectionId: string, at: number): Promise<{ wentOffline: boolean }>;
  /** Online state and, for users offline, the last-seen time this presence knows (else null). */
  lookup(
    userIds: readonly string[],
  ): Promise<Map<string, { online: boolean; lastSeenAt: number | null }>>;
  /**
   * Registers the listener for transitions this presence detects on its own, outside
   * `connected`/`disconnected`: the entries of a crashed process expiring (offline, last seen at
   * their expiry), or this process's connections registered again after a Redis outage (online).
   * The in-memory presence has no such transitions.
   */
  onChange(listener: (change: PresenceChange) => void): void;
  /** Stops background work (heartbeats, sweeps) and waits for what is in flight. */
  close(): Promise<void>;
}
