import { createHash, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  MEDIA_UNREFERENCED_TTL_MS,
  THUMBNAIL_MAX_DIMENSION,
  type MessageEvent,
} from '@chitchat/shared';
import { noisyPng } from '../src/media/contract';
import { storageKeyOf } from '../src/media/types';
import { call, request, type TestServer } from './harness';
import { catchUp, direct, group, worldPerTest, type Person, type World } from './fixtures';
import { download, mediaFiles, upload, uploaded } from './uploads';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const png = noisyPng;

const sendWith = (from: Person, conversationId: string, attachments: string[], text?: string) =>
  request(from.socket, 'message:send', {
    conversationId,
    clientMsgId: randomUUID(),
    attachments,
    ...(text !== undefined ? { text } : {}),
  });

describe('media: upload, download, authorization, attachments', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  it('an uploaded image downloads byte-identical, with its type, size and a thumbnail that fits 320×320', async () => {
    const image = await png(1200, 800);
    const answer = await upload(server, w.alice, image, { type: 'image/png', name: 'Beach.png' });
    expect(answer.status).toBe(201);
    const { id, ...described } = answer.body;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(described).toEqual({
      name: 'Beach.png',
      mime: 'image/png',
      size: image.length,
      sha256: sha256(image),
      width: 1200,
      height: 800,
      thumbnail: true,
    });

    const original = await download(server, w.alice, answer.body.id);
    expect(original.status).toBe(200);
    expect(original.bytes.equals(image)).toBe(true);
    expect(original.headers.get('content-type')).toBe('image/png');
    expect(original.headers.get('content-length')).toBe(String(image.length));
    expect(original.headers.get('content-disposition')).toBe(
      `inline; filename="Beach.png"; filename*=UTF-8''Beach.png`,
    );
    expect(original.headers.get('accept-ranges')).toBe('bytes');
    expect(original.headers.get('etag')).toBe(`"${sha256(image)}"`);
    expect(original.headers.get('x-content-type-options')).toBe('nosniff');
    expect(original.headers.get('content-security-policy')).toContain("default-src 'none'");

    const again = await download(server, w.alice, answer.body.id, {
      'if-none-match': `"${sha256(image)}"`,
    });
    expect(again.status).toBe(304);

    const thumbnail = await download(server, w.alice, `${answer.body.id}/thumbnail`);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(thumbnail.bytes).metadata();
    expect(meta.format).toBe('webp');
    expect([meta.width, meta.height]).toEqual([THUMBNAIL_MAX_DIMENSION, 213]);
  });

  it('a small image keeps its size in the thumbnail, and EXIF orientation decides width and height', async () => {
    // Stored 100×40, shown rotated a quarter turn (orientation 6): 40 wide, 100 high.
    const photo = await sharp({
      create: { width: 100, height: 40, channels: 3, background: { r: 200, g: 10, b: 10 } },
    })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const answer = await uploaded(server, w.alice, photo, { type: 'image/jpeg', name: 'p.jpg' });
    expect(answer).toMatchObject({ mime: 'image/jpeg', width: 40, height: 100, thumbnail: true });
    const thumbnail = await download(server, w.alice, `${answer.id}/thumbnail`);
    const meta = await sharp(thumbnail.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([40, 100]);
  });

  it('a file that is not an image is offered as a download and has no thumbnail', async () => {
    const bytes = randomBytes(200_000);
    const answer = await uploaded(server, w.alice, bytes, {
      type: 'application/pdf',
      name: 'x.pdf',
    });
    expect(answer).toMatchObject({ mime: 'application/octet-stream', thumbnail: false });
    expect(answer).not.toHaveProperty('width');
    const original = await download(server, w.alice, answer.id);
    expect(original.bytes.equals(bytes)).toBe(true);
    expect(original.headers.get('content-type')).toBe('application/octet-stream');
    expect(original.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect((await download(server, w.alice, `${answer.id}/thumbnail`)).status).toBe(404);
  });

  it('a file whose bytes contradict its declared type is labelled by its bytes', async () => {
    const image = await png(64, 64);
    const disguisedImage = await uploaded(server, w.alice, image, {
      type: 'text/plain',
      name: 'notes.txt',
    });
    expect(disguisedImage).toMatchObject({ mime: 'image/png', width: 64, height: 64 });
    const served = await download(server, w.alice, disguisedImage.id);
    expect(served.headers.get('content-type')).toBe('image/png');

    // A page claiming to be an image (or HTML claiming anything) is only ever opaque bytes.
    const page = Buffer.from('<!doctype html><script>alert(1)</script>');
    for (const type of ['image/png', 'text/html']) {
      const answer = await uploaded(server, w.alice, page, { type, name: `page-${type}` });
      expect(answer).toMatchObject({ mime: 'application/octet-stream', thumbnail: false });
      const body = await download(server, w.alice, answer.id);
      expect(body.headers.get('content-type')).toBe('application/octet-stream');
      expect(body.headers.get('content-disposition')).toMatch(/^attachment; /);
    }

    // Text has no magic bytes: a harmless text type is believed only when the bytes are text.
    const text = await uploaded(server, w.alice, Buffer.from('a,b\n1,2\n'), {
      type: 'text/csv; charset=utf-8',
      name: 'table.csv',
    });
    expect(text.mime).toBe('text/csv');
    const binary = await uploaded(server, w.alice, Buffer.from([0, 1, 2, 3, 255]), {
      type: 'text/plain',
      name: 'binary.txt',
    });
    expect(binary.mime).toBe('application/octet-stream');
  });

  it('range requests return the right slice; an unsatisfiable one is 416', async () => {
    const bytes = randomBytes(100_000);
    const { id } = await uploaded(server, w.alice, bytes, { name: 'data.bin' });

    const middle = await download(server, w.alice, id, { range: 'bytes=1000-1999' });
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-range')).toBe('bytes 1000-1999/100000');
    expect(middle.headers.get('content-length')).toBe('1000');
    expect(middle.bytes.equals(bytes.subarray(1000, 2000))).toBe(true);

    const suffix = await download(server, w.alice, id, { range: 'bytes=-500' });
    expect(suffix.status).toBe(206);
    expect(suffix.bytes.equals(bytes.subarray(99_500))).toBe(true);

    const openEnded = await download(server, w.alice, id, { range: 'bytes=99990-' });
    expect(openEnded.headers.get('content-range')).toBe('bytes 99990-99999/100000');
    expect(openEnded.bytes.equals(bytes.subarray(99_990))).toBe(true);

    const beyond = await download(server, w.alice, id, { range: 'bytes=200000-300000' });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */100000');

    // For another version (If-Range), or several ranges at once: the whole file.
    const stale = await download(server, w.alice, id, { range: 'bytes=0-9', 'if-range': '"old"' });
    expect(stale.status).toBe(200);
    expect(stale.bytes.equals(bytes)).toBe(true);
    const several = await download(server, w.alice, id, { range: 'bytes=0-9,500-509' });
    expect(several.status).toBe(200);
    expect(several.bytes.length).toBe(bytes.length);
  });

  it('message:send takes attachments the sender uploaded with an optional caption; members read them, others get 404', async () => {
    const chat = await direct(w.alice, w.bob);
    const image = await png(300, 200);
    const media = await uploaded(server, w.alice, image, { type: 'image/png', name: 'cat.png' });

    // Before any message references it, only the uploader can read it.
    expect((await download(server, w.alice2, media.id)).status).toBe(200);
    expect((await download(server, w.bob, media.id)).status).toBe(404);
    expect((await download(server, null, media.id)).status).toBe(401);

    const sent = await sendWith(w.alice, chat.id, [media.id], 'look at this');
    expect(sent.ok).toBe(true);
    const captionless = await sendWith(w.alice, chat.id, [media.id]);
    expect(captionless.ok).toBe(true);
    const { events } = await catchUp(w.bob.socket, chat.id, 0);
    const messages = events.filter((e): e is MessageEvent => e.type === 'message');
    const ref = {
      id: media.id,
      name: 'cat.png',
      mime: 'image/png',
      size: image.length,
      width: 300,
      height: 200,
      thumbnail: true,
    };
    expect(messages.map((m) => m.payload)).toEqual([
      { text: 'look at this', replyToSeq: null, attachments: [ref] },
      { text: null, replyToSeq: null, attachments: [ref] },
    ]);

    const forBob = await download(server, w.bob, media.id);
    expect(forBob.status).toBe(200);
    expect(forBob.bytes.equals(image)).toBe(true);
    expect((await download(server, w.bob, `${media.id}/thumbnail`)).status).toBe(200);
    // Carol shares no conversation with a message that references it.
    expect((await download(server, w.carol, media.id)).status).toBe(404);
    expect((await download(server, w.carol, `${media.id}/thumbnail`)).status).toBe(404);
    // Malformed and unknown ids.
    expect((await download(server, w.bob, 'not%20an%20id')).status).toBe(400);
    expect((await download(server, w.bob, randomUUID())).status).toBe(404);
  });

  it('membership periods decide: a later member cannot read earlier media, a removed member keeps what they saw', async () => {
    const chat = await group(w.alice, [w.bob]);
    const media = await uploaded(server, w.alice, await png(50, 50), { type: 'image/png' });
    expect((await sendWith(w.alice, chat.id, [media.id])).ok).toBe(true);
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, add: [w.carol.userId] });
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, remove: [w.bob.userId] });

    expect((await download(server, w.carol, media.id)).status).toBe(404);
    expect((await download(server, w.carol, `${media.id}/thumbnail`)).status).toBe(404);
    expect((await download(server, w.bob, media.id)).status).toBe(200);
  });

  it("a deleted message's media is no longer readable by others (the uploader keeps it)", async () => {
    const chat = await direct(w.alice, w.bob);
    const media = await uploaded(server, w.alice, await png(80, 60), { type: 'image/png' });
    const sent = await sendWith(w.alice, chat.id, [media.id], 'oops');
    if (!sent.ok) throw new Error('send failed');
    expect((await download(server, w.bob, media.id)).status).toBe(200);

    await call(w.alice.socket, 'message:delete', { conversationId: chat.id, seq: sent.data.seq });
    expect((await download(server, w.bob, media.id)).status).toBe(404);
    expect((await download(server, w.bob, `${media.id}/thumbnail`)).status).toBe(404);
    expect((await download(server, w.alice, media.id)).status).toBe(200);
  });

  it("identical bytes are stored once per account; another account's upload of them does the full work", async () => {
    const image = await png(400, 300);
    const first = await uploaded(server, w.alice, image, { type: 'image/png', name: 'a.png' });
    const retried = await uploaded(server, w.alice, image, { type: 'image/png', name: 'a.png' });
    const renamed = await uploaded(server, w.alice, image, { type: 'image/png', name: 'b.png' });
    const alicesFiles = mediaFiles(server).sort();
    const alicesKey = storageKeyOf(w.alice.userId, sha256(image));
    // One file with Alice's bytes and one thumbnail, however many of her uploads name them.
    expect(alicesFiles).toEqual(
      [
        path.join(alicesKey.slice(0, 2), alicesKey),
        path.join(alicesKey.slice(0, 2), `${alicesKey}.thumb`),
      ].sort(),
    );

    // Bob's first upload of the same bytes is stored and thumbnailed anew, exactly as if nobody
    // had them: deduplicating across accounts would answer faster and tell Bob that someone has
    // this file (a timing oracle).
    const bobs = await uploaded(server, w.bob, image, { type: 'image/png', name: 'a.png' });
    const bobsKey = storageKeyOf(w.bob.userId, sha256(image));
    expect(mediaFiles(server).sort()).toEqual(
      [
        ...alicesFiles,
        path.join(bobsKey.slice(0, 2), bobsKey),
        path.join(bobsKey.slice(0, 2), `${bobsKey}.thumb`),
      ].sort(),
    );

    expect(retried).toEqual(first);
    expect(new Set([first.id, renamed.id, bobs.id]).size).toBe(3);
    expect(new Set([first.sha256, renamed.sha256, bobs.sha256])).toEqual(new Set([sha256(image)]));
    expect(bobs).toMatchObject({ width: 400, height: 300, thumbnail: true });
    const bobsThumbnail = await download(server, w.bob, `${bobs.id}/thumbnail`);
    expect((await sharp(bobsThumbnail.bytes).metadata()).width).toBe(320);
    // Each upload is its own: Bob's copy is his to read, Alice's stays hers.
    expect((await download(server, w.bob, bobs.id)).bytes.equals(image)).toBe(true);
    expect((await download(server, w.bob, first.id)).status).toBe(404);
  });

  it('the upload route takes any body, JSON included, and cleans the file name', async () => {
    const json = Buffer.from(JSON.stringify({ filler: 'x'.repeat(100_000) }));
    const answer = await uploaded(server, w.alice, json, {
      type: 'application/json',
      name: '../../etc/r\u00e9sum\u00e9\u200fgpj.json',
    });
    expect(answer).toMatchObject({ mime: 'application/json', size: json.length });
    expect(answer.name).toBe('r\u00e9sum\u00e9gpj.json');
    const served = await download(server, w.alice, answer.id);
    expect(served.headers.get('content-disposition')).toBe(
      `attachment; filename="r_sum_gpj.json"; filename*=UTF-8''r%C3%A9sum%C3%A9gpj.json`,
    );
    // The shared name rule: refused, as a display name would be, and nothing is stored.
    const filesBefore = mediaFiles(server).length;
    for (const name of ['invoice\u202Efdp.exe', 'a\u0007.txt', '\uFEFFa.txt', 'a\u200B.txt']) {
      const refused = await upload(server, w.alice, Buffer.from('x'), { name });
      expect(refused.status, JSON.stringify(name)).toBe(400);
      expect(refused.body.error?.code).toBe('invalid_payload');
    }
    expect(mediaFiles(server)).toHaveLength(filesBefore);
    const persian = await uploaded(server, w.alice, Buffer.from('x'), { name: 'نامه\u200Cها.txt' });
    expect(persian.name).toBe('نامه\u200Cها.txt');
    expect(served.bytes.equals(json)).toBe(true);

    const unnamed = await uploaded(server, w.alice, await png(10, 10), { type: 'image/png' });
    expect(unnamed.name).toBe('file.png');
    const badName = await upload(server, w.alice, Buffer.from('x'), {
      headers: { 'x-file-name': '%E0%A4%A' },
    });
    expect(badName.status).toBe(400);
    const anonymous = await fetch(`${server.url}/api/media`, { method: 'POST', body: 'x' });
    expect(anonymous.status).toBe(401);
  });

  it('uploads no message references are removed after a day, with bytes nobody else uses', async () => {
    const chat = await direct(w.alice, w.bob);
    const shared = await png(60, 60);
    const kept = await uploaded(server, w.alice, shared, { type: 'image/png', name: 'kept.png' });
    expect((await sendWith(w.alice, chat.id, [kept.id])).ok).toBe(true);
    const sameBytes = await uploaded(server, w.alice, shared, { type: 'image/png', name: 'c.png' });
    const lonely = await uploaded(server, w.alice, await png(70, 70), { type: 'image/png' });
    const filesBefore = mediaFiles(server).length;
    expect(filesBefore).toBe(4);

    // Not yet a day old: nothing goes.
    expect(await server.media.sweep(Date.now() + MEDIA_UNREFERENCED_TTL_MS - 60_000)).toBe(0);
    expect(mediaFiles(server)).toHaveLength(4);

    const removed = await server.media.sweep(Date.now() + MEDIA_UNREFERENCED_TTL_MS + 60_000);
    expect(removed).toBe(2);
    expect((await download(server, w.alice, lonely.id)).status).toBe(404);
    expect((await download(server, w.alice, sameBytes.id)).status).toBe(404);
    // The referenced upload stays, and with it the bytes the removed copy shared.
    const still = await download(server, w.bob, kept.id);
    expect(still.bytes.equals(shared)).toBe(true);
    const keptKey = storageKeyOf(w.alice.userId, kept.sha256);
    expect(mediaFiles(server).sort()).toEqual(
      [
        path.join(keptKey.slice(0, 2), keptKey),
        path.join(keptKey.slice(0, 2), `${keptKey}.thumb`),
      ].sort(),
    );
    // A removed upload can no longer be attached.
    const late = await sendWith(w.alice, chat.id, [lonely.id]);
    expect(late).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
