import { createServer, type Server, type Socket } from 'node:net';
import mongoose from 'mongoose';

const { BSON } = mongoose.mongo;
type Document = mongoose.mongo.Document;

/*
 * A stand-in for what cannot run here (no MongoDB server can be installed, DESIGN §8): a TCP
 * server speaking just enough of the MongoDB wire protocol for the real driver to connect. It
 * answers `hello` as the server described by `hello` (by default a standalone mongod: no setName)
 * and every other command with `{ ok: 1 }`. It stores nothing; it exists to test how the store
 * reacts to the kind of server it finds.
 */

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

export interface FakeMongod {
  uri: string;
  /** Command names received, in order. */
  commands: string[];
  close(): Promise<void>;
}

export async function startFakeMongod(hello: Document = {}): Promise<FakeMongod> {
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  let requestIds = 1;

  const helloReply = (): Document => ({
    helloOk: true,
    ismaster: true,
    isWritablePrimary: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: 1,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ...hello,
    ok: 1,
  });

  const answer = (command: Document): Document => {
    const name = Object.keys(command)[0] ?? '';
    commands.push(name);
    return ['hello', 'ismaster', 'isMaster'].includes(name) ? helloReply() : { ok: 1 };
  };

  const header = (length: number, responseTo: number, opCode: number) => {
    const buffer = Buffer.alloc(16);
    buffer.writeInt32LE(length, 0);
    buffer.writeInt32LE(requestIds++, 4);
    buffer.writeInt32LE(responseTo, 8);
    buffer.writeInt32LE(opCode, 12);
    return buffer;
  };

  const respond = (socket: Socket, message: Buffer) => {
    const requestId = message.readInt32LE(4);
    const opCode = message.readInt32LE(12);
    if (opCode === OP_QUERY) {
      // flags, full collection name (cstring), skip, return, then the query document.
      const nameEnd = message.indexOf(0, 20);
      const query = BSON.deserialize(message.subarray(nameEnd + 1 + 8));
      const body = Buffer.from(BSON.serialize(answer(query)));
      const fields = Buffer.alloc(20); // responseFlags, cursorId (8), startingFrom, numberReturned
      fields.writeInt32LE(1, 16);
      const length = 16 + fields.length + body.length;
      socket.write(Buffer.concat([header(length, requestId, OP_REPLY), fields, body]));
    } else if (opCode === OP_MSG) {
      // flagBits, then section kind 0 (the command document).
      const command = BSON.deserialize(message.subarray(21, 21 + message.readInt32LE(21)));
      const body = Buffer.from(BSON.serialize(answer(command)));
      const flags = Buffer.alloc(5); // flagBits 0, section kind 0
      const length = 16 + flags.length + body.length;
      socket.write(Buffer.concat([header(length, requestId, OP_MSG), flags, body]));
    } else {
      socket.destroy();
    }
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const length = pending.readInt32LE(0);
        respond(socket, pending.subarray(0, length));
        pending = pending.subarray(length);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('fake mongod has no port');

  return {
    uri: `mongodb://127.0.0.1:${address.port}/chitchat?directConnection=true&serverSelectionTimeoutMS=2000`,
    commands,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
