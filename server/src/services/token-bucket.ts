/**
 * Token buckets keyed by a string (a device id): `ratePerSecond` tokens refill continuously up to
 * `burst` (or `count` per `periodMs`, see `perPeriod`). In memory: limits are per process, which
 * is what a per-device rate needs since a device holds one connection.
 */
const PRUNE_AT = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** `count` tokens per `periodMs`, kept as the two integers so a refill lands on whole tokens. */
  private count: number;
  private periodMs = 1000;

  constructor(
    ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.count = ratePerSecond;
  }

  /** `count` tokens per `periodMs` (60 an hour is not a float per second), up to `burst`. */
  static perPeriod(
    count: number,
    periodMs: number,
    burst: number,
    now: () => number = Date.now,
  ): TokenBuckets {
    const buckets = new TokenBuckets(count, burst, now);
    buckets.periodMs = periodMs;
    return buckets;
  }

  private refilled(bucket: { tokens: number; at: number }, at: number): number {
    return Math.min(this.burst, bucket.tokens + ((at - bucket.at) * this.count) / this.periodMs);
  }

  /** The key's bucket refilled up to now (not stored). */
  private current(key: string): { tokens: number; at: number } {
    const at = this.now();
    const bucket = this.buckets.get(key);
    return { tokens: bucket === undefined ? this.burst : this.refilled(bucket, at), at };
  }

  /** Takes one token; false when the bucket is empty. */
  take(key: string): boolean {
    if (this.buckets.size >= PRUNE_AT) this.prune();
    const bucket = this.current(key);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return allowed;
  }

  /** Gives back a token taken for something that turned out to cost nothing. */
  refund(key: string): void {
    const bucket = this.current(key);
    bucket.tokens = Math.min(this.burst, bucket.tokens + 1);
    this.buckets.set(key, bucket);
  }

  /** How long until the key has a token again (0 when it has one now). */
  msUntilToken(key: string): number {
    const { tokens } = this.current(key);
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * this.periodMs) / this.count);
  }

  /** Drops buckets that have refilled completely: a full bucket is the same as none. */
  prune(): void {
    const at = this.now();
    for (const [key, bucket] of this.buckets) {
      if (this.refilled(bucket, at) >= this.burst) this.buckets.delete(key);
    }
  }
}
