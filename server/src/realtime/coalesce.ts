import type { Socket as NetSocket } from 'node:net';
import type { ChatServer } from './types';

/** The part of an engine.io connection this module uses (`flush` is engine.io's own method). */
interface EngineConnection {
  transport: { name: string; writable: boolean };
  request: { socket: unknown };
  on(event: 'packetCreate' | 'flush', listener: () => void): unknown;
  flush(): void;
}

/**
 * Sends the packets a websocket connection gets within one tick in one write. A message costs its
 * sender's device an ack and the `event` (every device of the sender hears of it), and a busy
 * device receives several events per tick: by default each packet is its own WebSocket frame and
 * its own system call, on the server and again on the device that reads it.
 *
 * At a connection's first packet of a tick, engine.io is told its transport is busy, so it keeps
 * that packet and the ones after it in its buffer (as it does while a write is in progress); when
 * the tick's work is done (`process.nextTick`) the transport is writable again and the buffer is
 * flushed with the TCP socket corked, so its frames leave in one write. Nothing waits for a later
 * turn of the event loop. (A `volatile` emit, which is dropped while the transport is busy, would
 * be dropped here too; the server uses none.)
 *
 * Only connections that start on the websocket transport (the desktop app connects with
 * `transports: ['websocket']`): their engine.io request's socket is the one the frames are
 * written to. Long-polling connections are left as they are.
 */
export function coalesceWebsocketWrites(io: ChatServer): void {
  /*
   * One release per tick for every connection, not a closure and a `process.nextTick` per
   * connection: a message to a 1,000-member group creates a packet on 1,000 connections in one
   * tick, and per-connection ticks were a measurable part of the fan-out (two closures and two
   * queued ticks per recipient, and their garbage).
   */
  const held: (() => void)[] = [];
  const corked: (() => void)[] = [];
  let releaseQueued = false;
  let uncorkQueued = false;
  const release = () => {
    releaseQueued = false;
    // A packet created while releasing (none today) is held again and released by the next tick.
    const batch = held.splice(0);
    for (const releaseOne of batch) releaseOne();
  };
  const uncork = () => {
    uncorkQueued = false;
    const batch = corked.splice(0);
    for (const uncorkOne of batch) uncorkOne();
  };

  io.engine.on('connection', (connection: EngineConnection) => {
    if (connection.transport.name !== 'websocket') return;
    const tcp = connection.request.socket as NetSocket;
    if (typeof tcp.cork !== 'function') return;
    let holding = false;
    let isCorked = false;
    const uncorkThis = () => {
      isCorked = false;
      tcp.uncork();
    };
    let heldTransport: EngineConnection['transport'] | null = null;
    const releaseThis = () => {
      holding = false;
      const transport = heldTransport;
      heldTransport = null;
      if (transport !== null && connection.transport === transport) transport.writable = true;
      connection.flush();
    };
    // Every flush (ours below, or engine.io's when a write in progress completes) is corked.
    connection.on('flush', () => {
      if (isCorked || tcp.destroyed) return;
      isCorked = true;
      tcp.cork();
      corked.push(uncorkThis);
      if (!uncorkQueued) {
        uncorkQueued = true;
        process.nextTick(uncork);
      }
    });
    connection.on('packetCreate', () => {
      if (holding || tcp.destroyed) return;
      holding = true;
      const transport = connection.transport;
      // Only a writable transport is held: then no write is in progress whose completion could
      // make it writable meanwhile, and it is released exactly as it was.
      if (transport.writable) {
        transport.writable = false;
        heldTransport = transport;
      }
      held.push(releaseThis);
      if (!releaseQueued) {
        releaseQueued = true;
        process.nextTick(release);
      }
    });
  });
}
