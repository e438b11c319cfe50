import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/types';
import {
  MediaTooLargeError,
  STAGED_HEAD_BYTES,
  storageKeyOf,
  type MediaIndex,
  type MediaStore,
} from './types';

import type { MediaPairFactory } from './contract-support';
import { nextClientMsgId, origin, pairPerTest, refTo, sha256, upload } from './contract-support';
import { describeMediaServiceContract } from './service-contract';

export * from './contract-support';
export * from './gridfs-contract';

/**
 * The behaviour every media pair must have (DESIGN §3 Media, §6.5): the embedded one (SQLite +
 * disk) and the scaled one (MongoDB + GridFS) are held to the same rules.
 */
export function describeMediaContract(name: string, factory: MediaPairFactory): void {
  describe(`Media contract: ${name}`, () => {
    const pair = pairPerTest(factory, ['alice', 'bob', 'carol', 'dave']);
    let store: Store;
    let index: MediaIndex;
    let blobs: MediaStore;
    beforeEach(() => {
      ({ store, index, blobs } = pair());
    });

    const send = async (conversationId: string, userId: string, mediaIds: string[], at = 6_000) => {
      const { event } = await store.appendMessage({
        ...origin(userId, at),
        conversationId,
        clientMsgId: nextClientMsgId(),
        text: null,
        replyToSeq: null,
        attachments: mediaIds.map(refTo),
      });
      return event.seq;
    };
    const group = (id: string, members: string[]) =>
      store.createGroup({ ...origin('alice'), conversationId: id, title: id, memberIds: members });
    const unreferenced = async (cutoff: number, limit = 100) =>
      (await index.unreferencedBefore(cutoff, limit)).map((m) => m.id);

    describe('index', () => {
      it('records an upload once per (uploader, bytes, name) and only moves its time forward', async () => {
        const first = await index.recordUpload(upload());
        expect(first).toEqual(upload());
        const retried = await index.recordUpload(upload({ id: 'm2', createdAt: 2_000 }));
        expect(retried).toEqual({ ...first, createdAt: 2_000 });
        const older = await index.recordUpload(upload({ id: 'm3', createdAt: 500 }));
        expect(older).toEqual({ ...first, createdAt: 2_000 });
        const renamed = await index.recordUpload(upload({ id: 'm4', name: 'b.png' }));
        expect(renamed.id).toBe('m4');
        const byBob = await index.recordUpload(upload({ id: 'm5', uploaderUserId: 'bob' }));
        expect(byBob.id).toBe('m5');
        expect(await index.get('m1')).toEqual({ ...first, createdAt: 2_000 });
        expect(await index.get('m2')).toBeNull();
        expect(await index.get('nothing')).toBeNull();
      });

      it('keeps nulls, and finds the oldest upload of some bytes while any is left', async () => {
        const plain = upload({
          id: 'doc',
          name: 'notes.txt',
          mime: 'text/plain',
          sha256: 'c'.repeat(64),
          storageKey: 'c'.repeat(64),
          width: null,
          height: null,
          thumbnailKey: null,
          createdAt: 3_000,
        });
        expect(await index.recordUpload(plain)).toEqual(plain);
        await index.recordUpload({ ...plain, id: 'doc-older', name: 'old.txt', createdAt: 2_000 });
        const c = 'c'.repeat(64);
        expect((await index.anyWithContent(c, c))?.id).toBe('doc-older');
        expect(await index.anyWithContent('d'.repeat(64), 'd'.repeat(64))).toBeNull();
        // The same bytes stored under another key (another account's copy) are another object.
        expect(await index.anyWithContent(c, 'e'.repeat(64))).toBeNull();
        expect(await index.contentInUse(c, c)).toBe(true);
        expect(await index.contentInUse(c, 'e'.repeat(64))).toBe(false);
        expect(await index.contentInUse('d'.repeat(64), 'd'.repeat(64))).toBe(false);
      });

      it("counts an uploader's used bytes once per stored object, and nobody else's", async () => {
        expect(await index.usedBytes('alice')).toBe(0);
        const a = upload({
          id: 'a1',
          size: 1_000,
          sha256: 'a'.repeat(64),
          storageKey: '1'.repeat(64),
        });
        await index.recordUpload(a);
        // The same object under another name: one more upload, no more bytes.
        await index.recordUpload({ ...a, id: 'a2', name: 'copy.png' });
        await index.recordUpload(
          upload({ id: 'a3', size: 250, sha256: 'b'.repeat(64), storageKey: '2'.repeat(64) }),
        );
        await index.recordUpload(
          upload({ id: 'b1', uploaderUserId: 'bob', size: 7, storageKey: '3'.repeat(64) }),
        );
        expect(await index.usedBytes('alice')).toBe(1_250);
        expect(await index.usedBytes('bob')).toBe(7);
        expect(await index.deleteIfUnreferenced('a3', 1e12)).toBe(true);
        expect(await index.usedBytes('alice')).toBe(1_000);
      });

      it('references follow messages: readable within membership periods, gone with a delete, swept when unreferenced', async () => {
        await index.recordUpload(upload());
        await index.recordUpload(upload({ id: 'lonely', sha256: 'b'.repeat(64), name: 'b' }));
        await group('g', ['bob']);
        const seq = await send('g', 'alice', ['m1', 'm1']);
        await store.changeGroup('g', origin('alice', 7_000), { add: ['carol'], remove: ['bob'] });

        expect(await index.canRead('alice', 'm1')).toBe(true);
        expect(await index.canRead('bob', 'm1')).toBe(true); // removed later: keeps what he saw
        expect(await index.canRead('carol', 'm1')).toBe(false); // joined after the message
        expect(await index.canRead('dave', 'm1')).toBe(false); // never a member
        expect(await index.canRead('bob', 'lonely')).toBe(false);
        expect(await index.canRead('bob', 'nothing')).toBe(false);

        expect(await unreferenced(10_000)).toEqual(['lonely']);
        expect(await index.deleteIfUnreferenced('m1', 10_000)).toBe(false);
        expect(await index.deleteIfUnreferenced('lonely', 500)).toBe(false);
        expect(await index.deleteIfUnreferenced('lonely', 10_000)).toBe(true);
        expect(await index.deleteIfUnreferenced('lonely', 10_000)).toBe(false);
        expect(await index.get('lonely')).toBeNull();
        expect(await index.contentInUse('b'.repeat(64), upload().storageKey)).toBe(false);

        await store.deleteMessage('g', seq, origin('alice', 8_000));
        expect(await index.canRead('bob', 'm1')).toBe(false);
        expect(await index.canRead('alice', 'm1')).toBe(true); // the uploader, always
        expect(await unreferenced(10_000)).toEqual(['m1']);
        expect(await index.deleteIfUnreferenced('m1', 10_000)).toBe(true);
      });

      it('a member sees media only in messages inside their periods: not across a gap, again after a re-add', async () => {
        for (const id of ['before', 'gap', 'after']) {
          await index.recordUpload(upload({ id, name: id }));
        }
        await group('g', ['bob']);
        await send('g', 'alice', ['before']);
        await store.changeGroup('g', origin('alice', 7_000), { remove: ['bob'] });
        await send('g', 'alice', ['gap']);
        await store.changeGroup('g', origin('alice', 7_500), { add: ['bob'] });
        await send('g', 'alice', ['after']);

        expect(await index.canRead('bob', 'before')).toBe(true);
        expect(await index.canRead('bob', 'gap')).toBe(false);
        expect(await index.canRead('bob', 'after')).toBe(true);
        // Someone who left sees up to their own removal.
        await store.changeGroup('g', origin('bob', 8_000), { leave: { newOwner: null } });
        expect(await index.canRead('bob', 'after')).toBe(true);
      });

      it('any one reference in any conversation is enough; an edit keeps the reference, a delete of one leaves the others', async () => {
        await index.recordUpload(upload());
        const { conversation: direct } = await store.getOrCreateDirect({
          id: 'd',
          userId: 'alice',
          peerId: 'bob',
          at: 5_000,
        });
        await group('g', ['carol']);
        const inDirect = await send(direct.id, 'alice', ['m1']);
        const inGroup = await send('g', 'alice', ['m1']);
        const again = await send('g', 'alice', ['m1']);
        expect(await index.canRead('bob', 'm1')).toBe(true);
        expect(await index.canRead('carol', 'm1')).toBe(true);

        await store.editMessage('g', inGroup, 'now with text', origin('alice', 8_000));
        await store.deleteMessage(direct.id, inDirect, origin('alice', 8_500));
        expect(await index.canRead('bob', 'm1')).toBe(false);
        expect(await index.canRead('carol', 'm1')).toBe(true);
        expect(await unreferenced(10_000)).toEqual([]);

        await store.deleteMessage('g', inGroup, origin('alice', 9_000));
        expect(await index.canRead('carol', 'm1')).toBe(true); // still in `again`
        await store.deleteMessage('g', again, origin('alice', 9_500));
        expect(await index.canRead('carol', 'm1')).toBe(false);
        expect(await unreferenced(10_000)).toEqual(['m1']);
      });

      it("a link preview's image is a reference like an attachment: readable in periods, kept, gone with a delete", async () => {
        await index.recordUpload(upload({ id: 'og', name: 'og' }));
        await group('g', ['bob']);
        const { event } = await store.appendMessage({
          ...origin('alice', 6_000),
          conversationId: 'g',
          clientMsgId: nextClientMsgId(),
          text: 'https://example.com/',
          replyToSeq: null,
          attachments: [],
          linkPreview: {
            url: 'https://example.com/',
            title: 'Example',
            description: null,
            image: refTo('og'),
          },
        });
        expect(await index.canRead('bob', 'og')).toBe(true);
        expect(await index.canRead('carol', 'og')).toBe(false);
        expect(await unreferenced(10_000)).toEqual([]);
        expect(await index.deleteIfUnreferenced('og', 10_000)).toBe(false);
        await store.deleteMessage('g', event.seq, origin('alice', 7_000));
        expect(await index.canRead('bob', 'og')).toBe(false);
        expect(await unreferenced(10_000)).toEqual(['og']);
      });

      it("removeUploadsOf forgets every upload of one uploader, referenced or not, and nobody else's", async () => {
        await index.recordUpload(upload({ id: 'sent', sha256: 'b'.repeat(64) }));
        await index.recordUpload(upload({ id: 'kept', sha256: 'c'.repeat(64) }));
        await index.recordUpload(upload({ id: 'bobs', uploaderUserId: 'bob' }));
        const { conversation } = await store.getOrCreateDirect({
          id: 'ab',
          userId: 'alice',
          peerId: 'bob',
          at: 1,
        });
        await send(conversation.id, 'alice', ['sent', 'bobs']);
        const removed = await index.removeUploadsOf('alice');
        expect(removed.map((m) => m.id).sort()).toEqual(['kept', 'sent']);
        expect(await index.get('sent')).toBeNull();
        expect(await index.get('kept')).toBeNull();
        expect(await index.get('bobs')).not.toBeNull();
        expect(await index.canRead('alice', 'bobs')).toBe(true);
        expect(await index.removeUploadsOf('alice')).toEqual([]);
      });

      it('lists unreferenced uploads oldest first, before the cutoff only, at most `limit`', async () => {
        const times = { c: 3_000, a: 1_000, d: 4_000, b: 2_000, kept: 1_500 };
        for (const [id, createdAt] of Object.entries(times)) {
          await index.recordUpload(upload({ id, name: id, createdAt }));
        }
        await group('g', ['bob']);
        await send('g', 'alice', ['kept']);
        expect(await unreferenced(10_000)).toEqual(['a', 'b', 'c', 'd']);
        expect(await unreferenced(10_000, 2)).toEqual(['a', 'b']);
        expect(await unreferenced(3_000)).toEqual(['a', 'b']);
        expect(await unreferenced(10_000, 0)).toEqual([]);
        expect(await index.deleteIfUnreferenced('kept', 10_000)).toBe(false);
        // A repeated upload moves the time forward: it is not due any more.
        await index.recordUpload(upload({ id: 'a2', name: 'a', createdAt: 20_000 }));
        expect(await index.deleteIfUnreferenced('a', 10_000)).toBe(false);
        expect(await unreferenced(10_000)).toEqual(['b', 'c', 'd']);
      });
    });

    describe('blob store', () => {
      it('stages while hashing and counting, and commits identical bytes once', async () => {
        const bytes = randomBytes(3 * STAGED_HEAD_BYTES);
        const first = await blobs.stage(
          Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]),
          1e6,
        );
        expect(first).toMatchObject({ sha256: sha256(bytes), size: bytes.length });
        expect(first.head.equals(bytes.subarray(0, STAGED_HEAD_BYTES))).toBe(true);
        const key = await first.commit(sha256(bytes));
        expect(key).toBe(sha256(bytes));
        await first.discard(); // after commit: nothing to do

        const second = await blobs.stage(Readable.from([bytes]), 1e6);
        expect(await second.commit(key)).toBe(key);
        await second.discard();
        expect(await pair().inventory()).toEqual([key]);
        // Under another key (another account's copy) the same bytes are stored again.
        const third = await blobs.stage(Readable.from([bytes]), 1e6);
        const otherKey = storageKeyOf('bob', sha256(bytes));
        expect(await third.commit(otherKey)).toBe(otherKey);
        expect((await pair().inventory()).sort()).toEqual([key, otherKey].sort());
        await expect(
          (await blobs.stage(Readable.from([bytes]), 1e6)).commit('../x'),
        ).rejects.toThrow(/not a content key/);

        // A file sharp can read without the bytes in memory; releasing it keeps the object.
        const local = await blobs.localFile(key);
        expect(local && (await readFile(local.path)).equals(bytes)).toBe(true);
        await local?.release();
        expect(await blobs.localFile('0'.repeat(64))).toBeNull();
        const again = await blobs.open(key);
        expect(again && (await buffer(again)).equals(bytes)).toBe(true);

        const whole = await blobs.open(key);
        expect(whole && (await buffer(whole)).equals(bytes)).toBe(true);
        const slice = await blobs.open(key, { start: 10, end: 19 });
        expect(slice && (await buffer(slice)).equals(bytes.subarray(10, 20))).toBe(true);
        expect(await blobs.open('0'.repeat(64))).toBeNull();
        await expect(blobs.open('../../etc/passwd')).rejects.toThrow(/not a media key/);
        await expect(blobs.delete('../x')).rejects.toThrow(/not a media key/);
      });

      it('serves any byte range of a large object, across its internal chunks', async () => {
        // Larger than several GridFS chunks (255 KiB) and than one disk read buffer (64 KiB).
        const bytes = randomBytes(700 * 1024 + 123);
        const source = Readable.from(
          Array.from({ length: Math.ceil(bytes.length / 50_000) }, (_, i) =>
            bytes.subarray(i * 50_000, (i + 1) * 50_000),
          ),
        );
        const key = await (await blobs.stage(source, bytes.length)).commit(sha256(bytes));
        const read = async (start: number, end: number) => {
          const stream = await blobs.open(key, { start, end });
          return stream === null ? null : buffer(stream);
        };
        const last = bytes.length - 1;
        const chunk = 255 * 1024;
        for (const [start, end] of [
          [0, 0],
          [0, last],
          [last, last],
          [chunk - 1, chunk], // across a chunk boundary
          [chunk, 2 * chunk - 1], // exactly one chunk
          [100, 3 * chunk + 5],
          [last - 10, last + 1_000], // past the end: up to the end
        ] as const) {
          expect((await read(start, end))?.equals(bytes.subarray(start, end + 1))).toBe(true);
        }
        const whole = await blobs.open(key);
        expect(whole && sha256(await buffer(whole))).toBe(key);
      });

      it('stores an empty upload', async () => {
        const staged = await blobs.stage(Readable.from([]), 100);
        expect(staged).toMatchObject({ sha256: sha256(Buffer.alloc(0)), size: 0 });
        expect(staged.head.length).toBe(0);
        const key = await staged.commit(staged.sha256);
        const stream = await blobs.open(key);
        expect(stream && (await buffer(stream)).length).toBe(0);
      });

      it('an upload over the limit is cut off, leaves nothing, and does not destroy its source', async () => {
        const source = new PassThrough();
        const staging = blobs.stage(source, 1000);
        for (let i = 0; i < 10; i++) source.write(Buffer.alloc(500));
        await expect(staging).rejects.toBeInstanceOf(MediaTooLargeError);
        expect(await pair().inventory()).toEqual([]);
        expect(source.destroyed).toBe(false);
        // Exactly the limit is fine.
        const exact = await blobs.stage(Readable.from([Buffer.alloc(1000)]), 1000);
        expect(exact.size).toBe(1000);
        await exact.discard();
        expect(await pair().inventory()).toEqual([]);
      });

      it('an upload over the limit by far (many internal chunks in) leaves nothing either', async () => {
        const source = new PassThrough();
        let settled = false;
        const outcome = blobs.stage(source, 600 * 1024).then(
          () => null,
          (error: unknown) => error,
        );
        void outcome.then(() => (settled = true));
        // 1.25 MiB in all, fed while the store keeps taking it.
        for (let i = 0; i < 20 && !settled; i++) {
          source.write(randomBytes(64 * 1024));
          await new Promise((resolve) => setImmediate(resolve));
        }
        expect(await outcome).toBeInstanceOf(MediaTooLargeError);
        expect(source.destroyed).toBe(false);
        expect(await pair().inventory()).toEqual([]);
      });

      it('an upload whose source fails or is cut off leaves nothing', async () => {
        const failing = new PassThrough();
        const staging = blobs.stage(failing, 1e6);
        failing.write(Buffer.alloc(500));
        failing.destroy(new Error('connection reset'));
        await expect(staging).rejects.toThrow(/connection reset/);

        const cut = new PassThrough();
        const cutStaging = blobs.stage(cut, 1e6);
        cut.write(Buffer.alloc(500));
        cut.destroy();
        await expect(cutStaging).rejects.toThrow(/cut off/);
        expect(await pair().inventory()).toEqual([]);
      });

      it('a discarded stage and a thumbnail leave exactly what they should', async () => {
        const staged = await blobs.stage(Readable.from([Buffer.from('hello')]), 100);
        await staged.discard();
        await staged.discard();
        expect(await pair().inventory()).toEqual([]);

        const key = sha256(Buffer.from('x'));
        const thumb = await blobs.putThumbnail(key, Buffer.from('thumb'));
        expect(thumb).toBe(`${key}.thumb`);
        // Replacing it keeps one: the new one.
        expect(await blobs.putThumbnail(key, Buffer.from('thumb 2'))).toBe(thumb);
        expect(await pair().inventory()).toEqual([thumb]);
        const stream = await blobs.open(thumb);
        expect(stream && (await buffer(stream)).toString()).toBe('thumb 2');
        await expect(blobs.putThumbnail(thumb, Buffer.from('t'))).rejects.toThrow(/content key/);

        await blobs.delete(thumb);
        await blobs.delete(thumb);
        expect(await blobs.open(thumb)).toBeNull();
        expect(await pair().inventory()).toEqual([]);
      });
    });

    describeMediaServiceContract(pair);
  });
}
