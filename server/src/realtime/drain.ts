import type { Server as HttpServer } from 'node:http';
import type { Socket as NetSocket } from 'node:net';
import type { ChatServer } from './types';

/**
 * How long a drain waits for requests in flight (commits whose acks are still to go out). A
 * request still running then is left to finish on its own; its client resends with the same
 * clientMsgId or opId and gets the first answer.
 */
export const DRAIN_REQUESTS_MS = 2_000;

/**
 * How long a drain waits for closed sockets to finish the WebSocket close handshake (and for plain
 * HTTP requests to end) before it cuts the connections: a frozen client must not hold a restart.
 */
export const DRAIN_CLOSE_MS = 1_000;
/**
 * How long a stopping server takes at most before it exits by itself (main.ts), drain included;
 * deployments wait longer before they kill it (compose stop_grace_period, Kubernetes
 * terminationGracePeriodSeconds; both checked against this in server/test/deploy/).
 */
export const SHUTDOWN_LIMIT_MS = 10_000;

/** Resolves true once `done()` holds (checked whenever `wake` is called), false after `ms`. */
function settleWithin(ms: number, done: () => boolean, waiters: Set<() => void>): Promise<boolean> {
  if (done()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const wake = () => {
      if (!done()) return;
      clearTimeout(timer);
      waiters.delete(wake);
      resolve(true);
    };
    const timer = setTimeout(() => {
      waiters.delete(wake);
      resolve(false);
    }, ms);
    timer.unref();
    waiters.add(wake);
  });
}

/**
 * Counts the requests in flight on this process's sockets: a packet with an ack function for an
 * event that has a handler counts until the handler acks (every handler acks exactly once, see
 * handle.ts). A shutdown waits for them so that commits finish and their acks go out.
 */
export function trackRequests(io: ChatServer) {
  let inFlight = 0;
  const waiters = new Set<() => void>();
  io.on('connection', (socket) => {
    socket.use((packet, next) => {
      const [event] = packet;
      const last = packet.length - 1;
      const ack: unknown = packet[last];
      // An event nobody handles is never acked: counting it would hold every later drain.
      // (listenerCount, not eventNames(): that builds the list of every event for each packet,
      // and a large group's receipts bring thousands of packets a second.)
      const handled = typeof event === 'string' && socket.listenerCount(event) > 0;
      if (typeof ack !== 'function' || !handled) {
        next();
        return;
      }
      inFlight++;
      let answered = false;
      packet[last] = (...args: unknown[]) => {
        if (!answered) {
          answered = true;
          inFlight--;
          for (const wake of [...waiters]) wake();
        }
        return (ack as (...a: unknown[]) => unknown)(...args);
      };
      next();
    });
  });
  return {
    inFlight: () => inFlight,
    /** True once no request is in flight, false when `ms` passed first. */
    settled: (ms: number) => settleWithin(ms, () => inFlight === 0, waiters),
  };
}

/**
 * Every TCP connection of the HTTP server, upgraded WebSockets included (Node stops tracking
 * those, so `closeAllConnections` cannot end them), so a shutdown can cut what is left.
 */
export function trackConnections(httpServer: HttpServer) {
  const open = new Set<NetSocket>();
  const waiters = new Set<() => void>();
  httpServer.on('connection', (socket: NetSocket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      for (const wake of [...waiters]) wake();
    });
  });
  return {
    open: () => open.size,
    /** True once every connection has closed, false when `ms` passed first. */
    closedWithin: (ms: number) => settleWithin(ms, () => open.size === 0, waiters),
    /** Cuts every connection still open (no close handshake); resolves with how many. */
    destroyAll(): number {
      const count = open.size;
      for (const socket of open) socket.destroy();
      return count;
    },
  };
}
