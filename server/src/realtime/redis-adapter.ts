import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import type { ServerOptions } from 'socket.io';
import type { Logger } from '../logger';

/**
 * Packets kept for Redis while it is unreachable (the client's offline queue); beyond that, packets
 * reach only this process's sockets, and other processes' clients catch up on their next sync.
 */
const MAX_QUEUED_PACKETS = 10_000;

/**
 * Entries the stream keeps (trimmed approximately). A process that falls further behind than this
 * loses the oldest packets it has not read; its clients catch up with `events:after`. The library's
 * 10,000 is about one second of a busy cluster's broadcasts: the delivery-cluster bench lost live
 * events to it whenever a saturated process lagged by more. 100,000 entries (some tens of MB in
 * Redis) ride out seconds-long stalls.
 */
const STREAM_MAX_LEN = 100_000;

/**
 * The Socket.io adapter of the scaled mode: every broadcast (events, receipts, typing, presence,
 * `session:revoked` and the disconnect after it) goes through a Redis stream that every server
 * process reads, so it reaches sockets on any process. The stream survives a Redis reconnect: each
 * reader resumes from the last entry it saw.
 *
 * One change to the library's behaviour: it waits for Redis to take a packet before delivering it
 * to this process's own sockets, which during an outage holds local delivery back until Redis
 * returns. Here the packet is handed to Redis (queued while it is down) and delivered locally at
 * once, so a process keeps serving its own clients while Redis is away. Connection state recovery
 * is not used (clients catch up with `events:after`), so nothing needs the stream offset back.
 */
export function redisStreamsAdapter(
  client: Redis,
  logger: Logger,
  options: { streamName?: string } = {},
): NonNullable<ServerOptions['adapter']> {
  const factory = createAdapter(client, {
    streamName: options.streamName ?? 'chitchat:socket.io',
    maxLen: STREAM_MAX_LEN,
  });
  let queued = 0;
  let dropped = 0;
  // Socket.io calls this with `new`, so a function (an arrow function cannot be constructed); the
  // adapter it returns is what `new` yields.
  return function streamsAdapterFor(nsp: Parameters<typeof factory>[0]) {
    const adapter = factory(nsp);
    // The library types its result as `any`; it is the XADD's promise (or a resolved one).
    const publish = adapter.doPublish.bind(adapter) as (
      message: Parameters<typeof adapter.doPublish>[0],
    ) => Promise<unknown>;
    adapter.doPublish = (message: Parameters<typeof adapter.doPublish>[0]) => {
      if (queued >= MAX_QUEUED_PACKETS) {
        if (dropped++ === 0) {
          logger.error(
            { queued },
            'Redis has been unreachable too long: cross-process fan-out is dropping packets until it is back',
          );
        }
        return Promise.resolve('');
      }
      queued += 1;
      void publish(message)
        .catch((error: unknown) => {
          logger.warn({ err: error }, 'a cross-process packet could not be published to Redis');
        })
        .finally(() => {
          queued -= 1;
          if (queued === 0 && dropped > 0) {
            logger.info({ dropped }, 'cross-process fan-out resumed');
            dropped = 0;
          }
        });
      return Promise.resolve('');
    };
    return adapter;
  };
}
