import type { Redis, Result } from 'ioredis';

/*
 * Presence in Redis, per user:
 *   <prefix>conns:<userId>     sorted set: connection id -> expiry (ms since epoch)
 *   <prefix>lastseen:<userId>  string: last seen (ms since epoch); only moves forward
 * and one index over every user, so any process can find what expired:
 *   <prefix>expiry             sorted set: "<userId> <connectionId>" -> expiry
 *
 * A user is online while one of their entries has not expired. Every change runs as one script,
 * so each transition (the user's set going from empty to not, or back) is seen by exactly one
 * caller, which announces it. Each script first drops the user's expired entries.
 */

/** KEYS: conns, expiry, lastseen. */
const PRELUDE = `
local function prune(userId, now)
  local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES')
  local latest = false
  for i = 1, #expired, 2 do
    redis.call('ZREM', KEYS[1], expired[i])
    redis.call('ZREM', KEYS[2], userId .. ' ' .. expired[i])
    if latest == false or tonumber(expired[i + 1]) > tonumber(latest) then
      latest = expired[i + 1]
    end
  end
  return #expired / 2, latest
end
local function remember(at)
  local current = redis.call('GET', KEYS[3])
  if current == false or tonumber(at) > tonumber(current) then
    redis.call('SET', KEYS[3], at)
  end
end
`;

/** ARGV: userId, connectionId, expiresAt, now. Returns 1 when the user came online. */
const CONNECT = `${PRELUDE}
local _, latest = prune(ARGV[1], ARGV[4])
if latest then remember(latest) end
local live = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1] .. ' ' .. ARGV[2])
if live == 0 then return 1 end
return 0
`;

/**
 * ARGV: userId, connectionId, at, now. Returns the user's last seen when this removal took them
 * offline, else nil.
 */
const DISCONNECT = `${PRELUDE}
local existed = redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1] .. ' ' .. ARGV[2])
local pruned, latest = prune(ARGV[1], ARGV[4])
if (existed == 0 and pruned == 0) or redis.call('ZCARD', KEYS[1]) > 0 then return false end
if latest then remember(latest) end
if existed == 1 then remember(ARGV[3]) end
return redis.call('GET', KEYS[3])
`;

/**
 * ARGV: userId, now, then the index members the sweep found expired for this user. Drops the
 * user's expired entries; returns the last seen (the latest expiry) when that took them offline,
 * else nil.
 */
const SWEEP = `${PRELUDE}
local pruned, latest = prune(ARGV[1], ARGV[2])
for i = 3, #ARGV do
  local score = redis.call('ZSCORE', KEYS[2], ARGV[i])
  if score and tonumber(score) <= tonumber(ARGV[2]) then redis.call('ZREM', KEYS[2], ARGV[i]) end
end
if pruned == 0 or redis.call('ZCARD', KEYS[1]) > 0 then return false end
remember(latest)
return redis.call('GET', KEYS[3])
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    chitchatPresenceConnect(
      conns: string,
      expiry: string,
      lastSeen: string,
      userId: string,
      connectionId: string,
      expiresAt: number,
      now: number,
    ): Result<number, Context>;
    chitchatPresenceDisconnect(
      conns: string,
      expiry: string,
      lastSeen: string,
      userId: string,
      connectionId: string,
      at: number,
      now: number,
    ): Result<string | null, Context>;
    chitchatPresenceSweep(
      conns: string,
      expiry: string,
      lastSeen: string,
      userId: string,
      now: number,
      ...members: string[]
    ): Result<string | null, Context>;
  }
}

/**
 * Registers the scripts on the client (EVALSHA, loaded again by ioredis after a Redis restart
 * empties the script cache).
 */
export function definePresenceScripts(client: Redis): void {
  client.defineCommand('chitchatPresenceConnect', { numberOfKeys: 3, lua: CONNECT });
  client.defineCommand('chitchatPresenceDisconnect', { numberOfKeys: 3, lua: DISCONNECT });
  client.defineCommand('chitchatPresenceSweep', { numberOfKeys: 3, lua: SWEEP });
}
