/**
 * An acknowledged write is durable (DESIGN §6.1): it is acked only once a majority of the replica
 * set has it in its on-disk journal, so neither a power cut nor a failover loses it.
 */
export const DURABLE_WRITE_CONCERN = { w: 'majority', j: true } as const;

/**
 * Reads see only what a majority has, never a write a failover could roll back: otherwise a client
 * could see seq n from an old primary and later get a different event as seq n from the new one.
 */
export const MAJORITY_READ_CONCERN = { level: 'majority' } as const;
