import { createServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWebsocketWrites } from './coalesce';
import type { ChatServer } from './types';

/** Counts the system-call-level writes (`_write` and `_writev`) of a server-side TCP socket. */
function countWrites(tcp: NetSocket) {
  const counts = { write: 0, writev: 0 };
  const socket = tcp as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
  const write = socket._write.bind(tcp);
  const writev = socket._writev.bind(tcp);
  socket._write = (...args) => {
    counts.write++;
    return write(...args);
  };
  socket._writev = (...args) => {
    counts.writev++;
    return writev(...args);
  };
  return counts;
}

describe('coalesced websocket writes', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(coalesce: boolean) {
    const httpServer = createServer();
    const io = new Server(httpServer) as unknown as ChatServer;
    if (coalesce) coalesceWebsocketWrites(io);
    const tcpSockets: NetSocket[] = [];
    io.engine.on('connection', (connection: { request: { socket: NetSocket } }) => {
      tcpSockets.push(connection.request.socket);
    });
    const port = await new Promise<number>((resolve) =>
      httpServer.listen(0, '127.0.0.1', () => resolve((httpServer.address() as AddressInfo).port)),
    );
    cleanups.push(() => new Promise<void>((resolve) => void io.close(() => resolve())));
    /** Another client of the same server, with its server-side socket and TCP connection. */
    const another = async () => {
      const serverSide = new Promise<ServerSocket>((resolve) =>
        (io as unknown as Server).once('connection', resolve),
      );
      const client: ClientSocket = connect(`http://127.0.0.1:${port}`, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      cleanups.push(() => void client.close());
      const socket = await serverSide;
      const tcp = tcpSockets.at(-1);
      if (tcp === undefined) throw new Error('no engine.io connection');
      return { client, socket, tcp };
    };
    return { ...(await another()), io: io as unknown as Server, another };
  }

  /** Emits `count` events in one tick and waits until the client has them all, in order. */
  async function burst(client: ClientSocket, socket: ServerSocket, count: number) {
    const received: number[] = [];
    const all = new Promise<void>((resolve) =>
      client.on('n', (n: number) => {
        received.push(n);
        if (received.length === count) resolve();
      }),
    );
    for (let n = 0; n < count; n++) socket.emit('n', n);
    await all;
    return received;
  }

  it('the packets of one tick leave in one write, in order', async () => {
    const { client, socket, tcp } = await setup(true);
    const counts = countWrites(tcp);
    const received = await burst(client, socket, 5);
    expect(received).toEqual([0, 1, 2, 3, 4]);
    expect(counts).toEqual({ write: 0, writev: 1 });
    // The next tick's packets go out too (the transport was released), again together.
    const again = countWrites(tcp);
    expect(await burst(client, socket, 3)).toEqual([0, 1, 2]);
    expect(again.write + again.writev).toBe(1);
  });

  it('acks and events to the same device in one tick share the write', async () => {
    const { client, socket, tcp } = await setup(true);
    socket.on('ping me', (ack: (answer: string) => void) => {
      const counts = countWrites(tcp);
      socket.emit('event', 'before the ack');
      ack('pong');
      socket.emit('event', 'after the ack');
      process.nextTick(() => process.nextTick(() => socket.emit('counts', counts)));
    });
    const events: string[] = [];
    client.on('event', (text: string) => events.push(text));
    const counts = new Promise<{ write: number; writev: number }>((resolve) =>
      client.once('counts', resolve),
    );
    expect(await client.timeout(5_000).emitWithAck('ping me')).toBe('pong');
    expect(events).toEqual(['before the ack', 'after the ack']);
    expect(await counts).toEqual({ write: 0, writev: 1 });
  });

  it('a tick of broadcasts to many connections leaves in one write per connection, in order', async () => {
    const first = await setup(true);
    const connections = [first, await first.another(), await first.another()];
    const counts = connections.map(({ tcp }) => countWrites(tcp));
    const received = connections.map(({ client }) => {
      const seen: number[] = [];
      const all = new Promise<number[]>((resolve) =>
        client.on('n', (n: number) => {
          seen.push(n);
          if (seen.length === 3) resolve(seen);
        }),
      );
      return all;
    });
    for (let n = 0; n < 3; n++) first.io.emit('n', n);
    expect(await Promise.all(received)).toEqual([
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
    ]);
    for (const count of counts) expect(count.write + count.writev).toBe(1);
  });

  it('without it, every packet is its own write (what the test above guards against)', async () => {
    const { client, socket, tcp } = await setup(false);
    const counts = countWrites(tcp);
    await burst(client, socket, 5);
    expect(counts.write + counts.writev).toBeGreaterThan(1);
  });
});
