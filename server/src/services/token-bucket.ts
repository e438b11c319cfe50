/**
 * Token buckets keyed by a string (a device id): `ratePerSecond` tokens refill continuously up to
 * `burst`. In memory: limits are per process, which is what a per-device send rate needs since a
 * device holds one connection.
 */
const PRUNE_AT = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; false when the bucket is empty. */
  take(key: string): boolean {
    const at = this.now();
    if (this.buckets.size >= PRUNE_AT) this.prune();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at };
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((at - bucket.at) / 1000) * this.ratePerSecond,
    );
    bucket.at = at;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return allowed;
  }

  /** Drops buckets that have refilled completely: a full bucket is the same as none. */
  prune(): void {
    const at = this.now();
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((at - bucket.at) / 1000) * this.ratePerSecond >= this.burst)
        this.buckets.delete(key);
    }
  }
}
