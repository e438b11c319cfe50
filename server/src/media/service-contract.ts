/**
 * The media service (uploads, authorization, the sweep, quotas, rate limits) over one media pair:
 * part of `describeMediaContract`, which makes the pair and its users before each test.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import { MEDIA_UNREFERENCED_TTL_MS } from '@chitchat/shared';
import { createLogger } from '../logger';
import { createMediaService } from '../services/media';
import type { Store } from '../store/types';
import { storageKeyOf, type MediaIndex, type MediaStore } from './types';

import type { MediaPair } from './contract-support';
import { noisyPng, origin, sha256 } from './contract-support';

export function describeMediaServiceContract(current: () => MediaPair): void {
  describe('the media service over this pair', () => {
    let pair: MediaPair;
    let store: Store;
    let index: MediaIndex;
    let blobs: MediaStore;
    beforeEach(() => {
      pair = current();
      ({ store, index, blobs } = pair);
    });
    const logger = createLogger('silent');
    const alice = { userId: 'alice', deviceId: 'alice-device' };
    const bob = { userId: 'bob', deviceId: 'bob-device' };
    const png = noisyPng;

    it('uploads (sniffed, thumbnailed, deduplicated), serves by authorization, and sweeps what no message references', async () => {
      let clock = 1_000_000;
      const service = createMediaService({
        index,
        blobs,
        maxBytes: 5e6,
        logger,
        now: () => clock,
      });
      const image = await png(400, 300);
      const answer = await service.upload(alice, Readable.from([image]), {
        name: 'beach.png',
        declaredMime: 'text/html',
      });
      expect(answer).toMatchObject({
        name: 'beach.png',
        mime: 'image/png',
        size: image.length,
        width: 400,
        height: 300,
        thumbnail: true,
        sha256: sha256(image),
      });
      const again = await service.upload(alice, Readable.from([image]), { name: 'beach.png' });
      expect(again.id).toBe(answer.id);
      const alicesKey = storageKeyOf('alice', sha256(image));
      const bobsKey = storageKeyOf('bob', sha256(image));
      expect(await pair.inventory()).toEqual([alicesKey, `${alicesKey}.thumb`].sort());
      // Bob's upload of the same bytes does all the work again: his own object and thumbnail,
      // so how long it takes says nothing about what alice holds.
      const copy = await service.upload(bob, Readable.from([image]), { name: 'mine.png' });
      expect(copy.id).not.toBe(answer.id);
      expect(await pair.inventory()).toEqual(
        [alicesKey, `${alicesKey}.thumb`, bobsKey, `${bobsKey}.thumb`].sort(),
      );

      const record = await service.readable('alice', answer.id);
      const thumbnail = await buffer(await service.open(record.thumbnailKey ?? ''));
      expect((await sharp(thumbnail).metadata()).format).toBe('webp');
      const slice = await buffer(await service.open(record.storageKey, { start: 0, end: 7 }));
      expect(slice.equals(image.subarray(0, 8))).toBe(true);
      await expect(service.readable('carol', answer.id)).rejects.toMatchObject({
        code: 'not_found',
      });

      const { conversation } = await store.getOrCreateDirect({
        id: 'd',
        userId: 'alice',
        peerId: 'carol',
        at: clock,
      });
      await store.appendMessage({
        ...origin('alice', clock),
        conversationId: conversation.id,
        clientMsgId: 'with-photo',
        text: null,
        replyToSeq: null,
        attachments: await service.attachments.resolve('alice', [answer.id]),
      });
      expect((await service.readable('carol', answer.id)).id).toBe(answer.id);
      // Media one can read may be attached (forwarded) without a new upload (DESIGN §6.5);
      // media one cannot read may not, with the same answer as an unknown id.
      expect(
        (await service.attachments.resolve('carol', [answer.id])).map((ref) => ref.id),
      ).toEqual([answer.id]);
      for (const ids of [[answer.id], ['no-such-media']]) {
        await expect(service.attachments.resolve('dave', ids)).rejects.toMatchObject({
          code: 'forbidden',
        });
      }

      // A day later: bob's copy goes with its object, alice's referenced upload stays.
      clock += MEDIA_UNREFERENCED_TTL_MS + 1;
      expect(await service.sweep()).toBe(1);
      expect(await index.get(copy.id)).toBeNull();
      expect(await pair.inventory()).toEqual([alicesKey, `${alicesKey}.thumb`].sort());

      // An upload nobody sends: swept with its bytes.
      const text = Buffer.from('just some notes\n');
      const note = await service.upload(bob, Readable.from([text]), {
        name: 'notes.txt',
        declaredMime: 'text/plain',
      });
      expect(note).toMatchObject({ mime: 'text/plain', thumbnail: false });
      expect(await pair.inventory()).toContain(storageKeyOf('bob', sha256(text)));
      clock += MEDIA_UNREFERENCED_TTL_MS + 1;
      expect(await service.sweep()).toBe(1);
      expect(await pair.inventory()).not.toContain(storageKeyOf('bob', sha256(text)));
      expect(await index.get(answer.id)).not.toBeNull();
    });

    it('refuses an upload over the limit with payload_too_large and keeps nothing', async () => {
      const service = createMediaService({ index, blobs, maxBytes: 1000, logger });
      await expect(
        service.upload(alice, Readable.from([Buffer.alloc(1500)]), {}),
      ).rejects.toMatchObject({ code: 'payload_too_large' });
      expect(await pair.inventory()).toEqual([]);
    });

    it('MEDIA_QUOTA_BYTES: an upload that would pass the quota is refused saying what is used', async () => {
      const service = createMediaService({
        index,
        blobs,
        maxBytes: 10_000,
        limits: { quotaBytes: 5_000 },
        logger,
      });
      const first = randomBytes(2_000);
      await service.upload(alice, Readable.from([first]), { name: 'a.bin' });
      // The same bytes again under another name: one stored object, no more of the quota.
      await service.upload(alice, Readable.from([first]), { name: 'again.bin' });
      expect(await index.usedBytes('alice')).toBe(2_000);
      // Declared, and counted (no length given): refused, and nothing stays.
      for (const hints of [{ declaredLength: 3_500 }, {}]) {
        const refused: unknown = await service
          .upload(alice, Readable.from([randomBytes(3_500)]), hints)
          .catch((error: unknown) => error);
        expect(refused).toMatchObject({
          code: 'payload_too_large',
          details: { usedBytes: 2_000, quotaBytes: 5_000 },
        });
        expect(String(refused)).toMatch(/1\.9 KiB of your 4\.8 KiB storage quota/);
      }
      expect(await pair.inventory()).toEqual([storageKeyOf('alice', sha256(first))]);
      // Someone else's quota is their own.
      await service.upload(bob, Readable.from([randomBytes(4_000)]), {});
      // Room that is left can be used, to the byte.
      await service.upload(alice, Readable.from([randomBytes(3_000)]), {});
      expect(await index.usedBytes('alice')).toBe(5_000);
    });

    it('uploads per minute and uploads at once are bounded per device (rate_limited)', async () => {
      let clock = 0;
      const service = createMediaService({
        index,
        blobs,
        maxBytes: 10_000,
        limits: { perMinute: 2, concurrentPerDevice: 1 },
        logger,
        now: () => clock,
      });
      const phone = { userId: 'alice', deviceId: 'phone' };
      const laptop = { userId: 'alice', deviceId: 'laptop' };
      // One upload in progress (its body still open) holds the device's only place.
      const slow = new PassThrough();
      const inProgress = service.upload(phone, slow, {});
      await expect(
        service.upload(phone, Readable.from([Buffer.from('x')]), {}),
      ).rejects.toMatchObject({ code: 'rate_limited', details: { retryAfterS: 1 } });
      // Another device of the same account is not held up.
      await service.upload(laptop, Readable.from([Buffer.from('y')]), {});
      slow.end(Buffer.from('slow'));
      await inProgress;
      // One upload and one refusal took the minute's two tokens.
      await expect(
        service.upload(phone, Readable.from([Buffer.from('z')]), {}),
      ).rejects.toMatchObject({ code: 'rate_limited', details: { retryAfterS: 30 } });
      clock += 30_000;
      await service.upload(phone, Readable.from([Buffer.from('z')]), {});
    });
  });
}
