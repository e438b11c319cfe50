import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '@chitchat/shared';

// Server-to-server events are unused; the map stays empty.
export type InterServerEvents = Record<string, never>;
export type ChatServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type ChatSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export const userRoom = (userId: string) => `user:${userId}`;
/** The user's sockets that speak `protocol` (for payloads only newer clients understand). */
export const userProtocolRoom = (userId: string, protocol: number) => `user:${userId}:p${protocol}`;
export const deviceRoom = (deviceId: string) => `device:${deviceId}`;
