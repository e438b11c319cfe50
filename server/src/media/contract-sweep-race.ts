import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { MEDIA_UNREFERENCED_TTL_MS } from '@chitchat/shared';
import { createLogger } from '../logger';
import { createMediaService } from '../services/media';
import { noisyPng, pairPerTest, sha256, upload, type MediaPairFactory } from './contract-support';
import type { MediaIndex } from './types';

/**
 * The sweep against a send on another replica (issue #18), beside ./contract.ts and run with the
 * same factories: a message attaching an upload marks it used (`markUsed`) before it is written,
 * and the sweep deletes only uploads unreferenced AND older than its cutoff, each in one atomic
 * write of the same record. Whichever comes first wins, in both orders, so a message never names
 * an upload the sweep removed, and a sweep never removes one a message is about to name.
 */
export function describeSweepRaceContract(name: string, factory: MediaPairFactory): void {
  describe(`Media contract (sweep against a send on another replica): ${name}`, () => {
    const pair = pairPerTest(factory, ['alice']);
    const DAY = 86_400_000;

    it('an old upload marked used just before the sweep deletes it is kept: the sweep finds it too recent', async () => {
      const { index } = pair();
      await index.recordUpload(upload({ id: 'old', createdAt: 1_000 }));
      // The sweep listed it (unreferenced, a day old) ...
      expect((await index.unreferencedBefore(1_000 + DAY, 10)).map((m) => m.id)).toEqual(['old']);
      // ... a send on another replica marks it used ...
      expect(await index.markUsed(['old'], 2_000 + DAY)).toEqual([]);
      // ... and the sweep's delete, with the cutoff it listed by, no longer matches.
      expect(await index.deleteIfUnreferenced('old', 1_001 + DAY)).toBe(false);
      expect((await index.get('old'))?.createdAt).toBe(2_000 + DAY);
    });

    it('when the sweep deletes first, marking it used reports it gone (the send is refused, never written)', async () => {
      const { index } = pair();
      await index.recordUpload(upload({ id: 'old', createdAt: 1_000 }));
      await index.recordUpload(upload({ id: 'fresh', name: 'b.png', createdAt: 5_000 }));
      expect(await index.deleteIfUnreferenced('old', 1_001 + DAY)).toBe(true);
      expect(await index.markUsed(['fresh', 'old'], 2_000 + DAY)).toEqual(['old']);
      expect(await index.get('old')).toBeNull();
    });

    it('marking used only moves the time forward', async () => {
      const { index } = pair();
      await index.recordUpload(upload({ id: 'm', createdAt: 9_000 }));
      expect(await index.markUsed(['m'], 3_000)).toEqual([]);
      expect((await index.get('m'))?.createdAt).toBe(9_000);
    });

    it('the send path marks what it attaches: an upload due for the sweep, attached now, outlives the sweep that runs before the message is written', async () => {
      let clock = 1_000_000;
      const service = createMediaService({
        index: pair().index,
        blobs: pair().blobs,
        maxBytes: 5e6,
        logger: createLogger('silent'),
        now: () => clock,
      });
      const image = await noisyPng(40, 30);
      const { id } = await service.upload(
        { userId: 'alice', deviceId: 'd' },
        Readable.from([image]),
        { name: 'old.png' },
      );
      clock += MEDIA_UNREFERENCED_TTL_MS + 1;
      // Forwarded a day later: resolved for a message that another replica has not written yet
      // when this replica's sweep runs.
      expect((await service.attachments.resolve('alice', [id])).map((r) => r.id)).toEqual([id]);
      expect(await service.sweep()).toBe(0);
      expect(await pair().index.get(id)).not.toBeNull();
      // Still never referenced a day after that: then the sweep takes it.
      clock += MEDIA_UNREFERENCED_TTL_MS + 1;
      expect(await service.sweep()).toBe(1);
      expect(await pair().index.get(id)).toBeNull();
    });

    /*
     * Two replicas, each its own service (so nothing in one process orders them), over the same
     * index and blobs. Replica A sweeps an expired upload; replica B uploads the same bytes under
     * another name. A has found that no upload names the bytes any more; B's upload then runs whole
     * (it finds the bytes stored and relies on them); only then does A delete the bytes.
     */
    it('an upload reusing stored bytes while another replica sweeps their expired twin keeps them: the bytes are deleted only if still older than the cutoff', async () => {
      let clock = 1_000_000;
      const common = { blobs: pair().blobs, maxBytes: 5e6, logger: createLogger('silent') };
      const replicaB = createMediaService({ ...common, index: pair().index, now: () => clock });
      let meanwhile: () => Promise<void> = async () => undefined;
      const pausing: MediaIndex = Object.create(pair().index, {
        contentInUse: {
          value: async (hash: string, key: string) => {
            const inUse = await pair().index.contentInUse(hash, key);
            await meanwhile();
            return inUse;
          },
        },
      }) as MediaIndex;
      const replicaA = createMediaService({ ...common, index: pausing, now: () => clock });
      const image = await noisyPng(40, 30);
      const alice = { userId: 'alice', deviceId: 'd' };
      await replicaB.upload(alice, Readable.from([image]), { name: 'old.png' });
      clock += MEDIA_UNREFERENCED_TTL_MS + 1;
      let fresh = '';
      meanwhile = async () => {
        meanwhile = async () => undefined;
        ({ id: fresh } = await replicaB.upload(alice, Readable.from([image]), { name: 'new.png' }));
      };
      expect(await replicaA.sweep()).toBe(1);
      const record = await pair().index.get(fresh);
      expect(record?.name).toBe('new.png');
      const stored = record === null ? null : await pair().blobs.open(record.storageKey);
      expect(stored && sha256(await buffer(stored))).toBe(sha256(image));
      expect(record?.thumbnailKey).not.toBeNull();
      expect(record?.thumbnailKey && (await pair().blobs.open(record.thumbnailKey))).not.toBeNull();
      // Once the new upload expires too, the next sweep removes everything.
      clock += MEDIA_UNREFERENCED_TTL_MS + 1;
      expect(await replicaA.sweep()).toBe(1);
      expect(await pair().inventory()).toEqual([]);
    });

    it('a commit reusing stored bytes moves their time forward; a delete with a cutoff keeps bytes stored at or after it', async () => {
      const bytes = Buffer.from('the same bytes, twice');
      const key = 'b'.repeat(64);
      await (await pair().blobs.stage(Readable.from([bytes]), 100)).commit(key, 1_000);
      await (await pair().blobs.stage(Readable.from([bytes]), 100)).commit(key, 5_000);
      expect(await pair().blobs.delete(key, 5_000)).toBe(false);
      expect(await pair().blobs.open(key)).not.toBeNull();
      // Never back: an older commit leaves the newer time.
      await (await pair().blobs.stage(Readable.from([bytes]), 100)).commit(key, 2_000);
      expect(await pair().blobs.delete(key, 5_000)).toBe(false);
      expect(await pair().blobs.delete(key, 5_001)).toBe(true);
      expect(await pair().blobs.open(key)).toBeNull();
      expect(await pair().inventory()).toEqual([]);
      // After the delete, a commit finds nothing and stores its own copy.
      await (await pair().blobs.stage(Readable.from([bytes]), 100)).commit(key, 6_000);
      const again = await pair().blobs.open(key);
      expect(again && (await buffer(again)).equals(bytes)).toBe(true);
    });
  });
}
