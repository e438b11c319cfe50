import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect as connectTcp } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { TestServer } from './harness';
import { worldPerTest, type Person } from './fixtures';
import { mediaFiles, upload, type Upload } from './uploads';

/**
 * A PNG that only declares its size: a header for `width` × `height` grey pixels and one row of
 * data. Decoding such a file (or a whole one, which compresses ~1000:1) would take width × height
 * bytes of memory: a decompression bomb.
 */
function declaredPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth; colour type 0 (grey), no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(width + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('media: quota, upload rate and pixel limit', () => {
  const QUOTA = 100 * 1024;
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  worldPerTest(
    (s, x) => {
      server = s;
      alice = x.alice;
      bob = x.bob;
    },
    { config: { MEDIA_QUOTA_BYTES: QUOTA, RATE_LIMIT_UPLOAD: 3 } },
  );

  it('an upload that would pass MEDIA_QUOTA_BYTES gets 413 saying how much is used of the quota', async () => {
    expect((await upload(server, alice, randomBytes(60 * 1024))).status).toBe(201);
    const over = await upload(server, alice, randomBytes(60 * 1024));
    expect(over.status).toBe(413);
    expect(over.body.error?.code).toBe('payload_too_large');
    expect(over.body.error?.message).toMatch(/use 60 KiB of your 100 KiB storage quota/);
    expect(mediaFiles(server)).toHaveLength(1);
    // Bob's quota is his own.
    expect((await upload(server, bob, randomBytes(60 * 1024))).status).toBe(201);
  });

  it('more than RATE_LIMIT_UPLOAD uploads a minute from one device get 429 with Retry-After', async () => {
    for (let i = 0; i < 3; i += 1) {
      expect((await upload(server, alice, Buffer.from(`file ${i}`))).status).toBe(201);
    }
    const response = await fetch(`${server.url}/api/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.session.accessToken}` },
      body: 'one too many',
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('20');
    expect(((await response.json()) as Upload['body']).error?.code).toBe('rate_limited');
    // Another device has its own bucket.
    expect((await upload(server, bob, Buffer.from('bob'))).status).toBe(201);
  });

  it('an image of more than IMAGE_MAX_PIXELS is refused before it is decoded', async () => {
    const bomb = declaredPng(12_000, 12_000);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const answer = await upload(server, alice, bomb, { type: 'image/png', name: 'bomb.png' });
    expect(answer.status).toBe(413);
    expect(answer.body.error?.code).toBe('payload_too_large');
    expect(answer.body.error?.message).toMatch(/at most 100 megapixels/);
    expect(mediaFiles(server)).toEqual([]);
  });
});

describe('media: the size limit', () => {
  const LIMIT = 64 * 1024;
  let server: TestServer;
  let alice: Person;
  worldPerTest(
    (s, x) => {
      server = s;
      alice = x.alice;
    },
    { config: { MEDIA_MAX_BYTES: LIMIT } },
  );

  it('an oversize upload gets 413 and nothing remains on disk', async () => {
    const answer = await upload(server, alice, randomBytes(LIMIT + 1));
    expect(answer.status).toBe(413);
    expect(answer.body.error?.code).toBe('payload_too_large');
    expect(mediaFiles(server)).toEqual([]);

    const exactly = await upload(server, alice, randomBytes(LIMIT));
    expect(exactly.status).toBe(201);
    expect(exactly.body.size).toBe(LIMIT);
  });

  it('an ordinary client sending a whole oversize body reads the 413 and its JSON error', async () => {
    // Content-Length declared: refused before a byte is read, while fetch is still sending.
    for (const size of [LIMIT * 4, 16 * 1024 * 1024]) {
      const answer = await upload(server, alice, randomBytes(size));
      expect(answer.status, `${size} bytes`).toBe(413);
      expect(answer.body.error?.code).toBe('payload_too_large');
      expect(answer.body.error?.message).toMatch(/at most 64 KiB/);
    }
    expect(mediaFiles(server)).toEqual([]);
  });

  it('a client that reads only after sending its whole oversize body still gets the 413 (lingering read)', async () => {
    // Many simple clients write the whole request before they look for an answer. Closing while
    // they still send resets the connection, and the reset destroys the 413 they never read.
    const size = 12 * 1024 * 1024;
    const socket = connectTcp(server.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.pause();
    const head =
      `POST /api/media HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Authorization: Bearer ${alice.session.accessToken}\r\n` +
      `Content-Type: application/octet-stream\r\nContent-Length: ${size}\r\n\r\n`;
    socket.write(head);
    const written = await new Promise<string>((resolve) => {
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      socket.write(Buffer.alloc(size), (error) => {
        if (error === undefined || error === null) resolve('written');
      });
    });
    expect(written).toBe('written');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.resume();
    await once(socket, 'close');
    const answer = Buffer.concat(chunks).toString('utf8');
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/connection: close/i);
    const json = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Upload['body'];
    expect(json.error?.code).toBe('payload_too_large');
    expect(mediaFiles(server)).toEqual([]);
  });

  it('a streamed oversize upload is cut off at the limit, not read to its end', async () => {
    const total = 256 * 1024 * 1024;
    const chunk = randomBytes(16 * 1024);
    let produced = 0;
    // No Content-Length: the server only learns the size by counting, and must stop there.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (produced >= total) {
          controller.close();
          return;
        }
        produced += chunk.length;
        controller.enqueue(new Uint8Array(chunk));
      },
    });
    const answer = await upload(server, alice, body);
    expect(answer.status).toBe(413);
    expect(answer.body.error?.code).toBe('payload_too_large');
    // What was produced is what socket buffers took before the server stopped reading.
    expect(produced).toBeLessThan(total / 8);
    expect(mediaFiles(server)).toEqual([]);

    // The server is fine afterwards.
    expect((await upload(server, alice, Buffer.from('small'))).status).toBe(201);
  });
});
