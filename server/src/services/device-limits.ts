import type { Config } from '../config';
import { ServiceError } from './errors';
import { TokenBuckets } from './token-bucket';

/**
 * The per-device buckets of every mutating socket event (DESIGN §4 "Configuration"). One bucket
 * covers several events where DESIGN says so: `send` is shared by message sends, edits and deletes
 * (and later reactions and votes), so alternating between them buys no extra rate.
 *
 * In memory, per process, like the send bucket always was: a device's events arrive over its one
 * connection, so its bucket is complete on the process holding it (see rate-limits.ts).
 */
export interface DeviceRateLimits {
  /** `RATE_LIMIT_SEND` per second, bursts of twice that: message:send, message:edit, message:delete. */
  send: TokenBuckets;
  /** `RATE_LIMIT_GROUP` per minute, bursts of a minute's worth: group:create, group:update, group:leave. */
  group: TokenBuckets;
  /** `RATE_LIMIT_RECEIPT` per second, bursts of twice that: receipt:delivered, receipt:read, receipt:played. */
  receipt: TokenBuckets;
  /** `RATE_LIMIT_CONVERSATION` per hour, bursts of an hour's worth: conversation:direct that creates a chat. */
  conversation: TokenBuckets;
  /** `RATE_LIMIT_PRESENCE` per minute, bursts of a minute's worth: presence:watch. */
  presence: TokenBuckets;
  /** `RATE_LIMIT_ACCOUNT` per second, bursts of twice that: account:set. */
  account: TokenBuckets;
}

export type DeviceRateLimitConfig = Pick<
  Config,
  | 'RATE_LIMIT_SEND'
  | 'RATE_LIMIT_GROUP'
  | 'RATE_LIMIT_RECEIPT'
  | 'RATE_LIMIT_CONVERSATION'
  | 'RATE_LIMIT_PRESENCE'
  | 'RATE_LIMIT_ACCOUNT'
>;

export function deviceRateLimits(
  config: DeviceRateLimitConfig,
  now: () => number = Date.now,
): DeviceRateLimits {
  const perSecond = (rate: number) => new TokenBuckets(rate, rate * 2, now);
  const per = (count: number, seconds: number) =>
    TokenBuckets.perPeriod(count, seconds * 1000, count, now);
  return {
    send: perSecond(config.RATE_LIMIT_SEND),
    group: per(config.RATE_LIMIT_GROUP, 60),
    receipt: perSecond(config.RATE_LIMIT_RECEIPT),
    conversation: per(config.RATE_LIMIT_CONVERSATION, 3600),
    presence: per(config.RATE_LIMIT_PRESENCE, 60),
    account: perSecond(config.RATE_LIMIT_ACCOUNT),
  };
}

/**
 * Takes one token of the device's bucket, or throws `rate_limited` with `retryAfterS` (when the
 * next token is due) and changes nothing. Call it after the idempotency lookup: the retry of an
 * applied mutation gets its first answer whatever the rate.
 */
export function spend(buckets: TokenBuckets, deviceId: string, message: string): void {
  if (buckets.take(deviceId)) return;
  const retryAfterS = Math.max(1, Math.ceil(buckets.msUntilToken(deviceId) / 1000));
  throw new ServiceError('rate_limited', message, { retryAfterS });
}
