import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { ServiceError } from './errors';

/**
 * Limits on authentication attempts, per minute: every register/login attempt per address, and
 * failed logins per username and address. Memory-backed on one node; the scaled mode passes
 * Redis-backed limiters with the same shape, so the limits hold across every server process.
 */
export interface AuthRateLimits {
  attemptsPerAddress: RateLimiterAbstract;
  failuresPerUsername: RateLimiterAbstract;
  /**
   * Wrong two-step codes per account, from any address: whoever has the password cannot try the
   * million six-digit codes from many addresses (issue #18).
   */
  twoStepFailuresPerAccount: RateLimiterAbstract;
}

export function memoryAuthRateLimits(perMinute: number): AuthRateLimits {
  return {
    attemptsPerAddress: new RateLimiterMemory({
      keyPrefix: 'auth-ip',
      points: perMinute,
      duration: 60,
    }),
    failuresPerUsername: new RateLimiterMemory({
      keyPrefix: 'auth-fail',
      points: perMinute,
      duration: 60,
    }),
    twoStepFailuresPerAccount: new RateLimiterMemory({
      keyPrefix: 'auth-2step',
      points: perMinute,
      duration: 60,
    }),
  };
}

/**
 * User searches per minute per user (`RATE_LIMIT_SEARCH`): the search lists usernames to anyone
 * with an account, so its pace is bounded for the whole account, not per device.
 */
export function memorySearchRateLimit(perMinute: number): RateLimiterAbstract {
  return new RateLimiterMemory({ keyPrefix: 'user-search', points: perMinute, duration: 60 });
}

/** The search limit kept in Redis, shared by every server process (HTTP requests go to any). */
export function redisSearchRateLimit(
  client: Redis,
  perMinute: number,
  keyPrefix = 'chitchat:',
): RateLimiterAbstract {
  return new RateLimiterRedis({
    storeClient: client,
    keyPrefix: `${keyPrefix}user-search`,
    points: perMinute,
    duration: 60,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memorySearchRateLimit(perMinute),
  });
}

/**
 * The auth limits kept in Redis, shared by every server process. While Redis is unreachable each
 * process counts on its own (the same limits per process) instead of refusing every sign-in.
 *
 * The per-device send and typing rates stay in memory (TokenBuckets) in the scaled mode too: a
 * device sends over its one connection, which lives on one process, so its bucket is complete
 * there. Reconnecting to another process starts a full bucket, which is at most one extra burst
 * per reconnect, and every reconnect costs a handshake that checks the token against the store;
 * keeping the bucket in Redis would add a round trip to every message for no real gain.
 */
export function redisAuthRateLimits(
  client: Redis,
  perMinute: number,
  keyPrefix = 'chitchat:',
): AuthRateLimits {
  const limiter = (name: string) =>
    new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `${keyPrefix}${name}`,
      points: perMinute,
      duration: 60,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points: perMinute, duration: 60 }),
    });
  return {
    attemptsPerAddress: limiter('auth-ip'),
    failuresPerUsername: limiter('auth-fail'),
    twoStepFailuresPerAccount: limiter('auth-2step'),
  };
}

/** Consumes one point, or throws `rate_limited` saying when to retry. */
export async function consumeOrThrow(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw tooMany(error);
    throw error;
  }
}

/** Throws `rate_limited` when the key has no points left, without consuming one. */
export async function ensureNotExhausted(limiter: RateLimiterAbstract, key: string): Promise<void> {
  const state = await limiter.get(key);
  if (state !== null && state.remainingPoints <= 0) throw tooMany(state);
}

function tooMany(state: RateLimiterRes): ServiceError {
  const retryAfterS = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  return new ServiceError('rate_limited', `Too many attempts; try again in ${retryAfterS} s.`, {
    retryAfterS,
  });
}
