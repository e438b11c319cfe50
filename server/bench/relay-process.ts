/**
 * The baseline of the delivery bench: a bare Socket.io relay with no auth and no storage. A socket
 * names its user in the handshake (`auth.userId`) and joins `user:<userId>`; `message:send` is
 * re-emitted as an `event` to the peer's room (`to`) and acked. Same server options as chitchat's
 * Socket.io server, same client harness, same schedule.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { SOCKET_MAX_PAYLOAD_BYTES } from '@chitchat/shared';
import { reply, serveChildIpc } from './ipc';

interface RelayPayload {
  to: string;
  conversationId: string;
  clientMsgId: string;
  text: string;
}

async function main(): Promise<void> {
  serveChildIpc();
  const httpServer = createServer();
  const io = new Server(httpServer, {
    maxHttpBufferSize: SOCKET_MAX_PAYLOAD_BYTES,
    serveClient: false,
    pingInterval: 20_000,
    pingTimeout: 20_000,
  });
  io.on('connection', (socket) => {
    const auth = socket.handshake.auth as { userId?: unknown };
    if (typeof auth.userId === 'string') void socket.join(`user:${auth.userId}`);
    socket.on('message:send', (payload: RelayPayload, ack?: (answer: unknown) => void) => {
      io.to(`user:${payload.to}`).emit('event', {
        type: 'message',
        conversationId: payload.conversationId,
        clientMsgId: payload.clientMsgId,
        payload: { text: payload.text },
      });
      ack?.({ ok: true, data: {} });
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, '127.0.0.1', () => resolve((httpServer.address() as AddressInfo).port));
  });
  const stop = () => {
    io.disconnectSockets(true);
    void io.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  reply({ type: 'ready', port });
}

main().catch((error: unknown) => {
  reply({
    type: 'error',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exit(1);
});
