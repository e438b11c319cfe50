import { describe, expect, it } from 'vitest';
import { pairPerTest, type MediaPairFactory } from './contract-support';
import type { MediaRecord } from './types';

const photo = (id: string, createdAt: number, hex: string): MediaRecord => ({
  id,
  uploaderUserId: 'alice',
  name: `${id}.jpg`,
  mime: 'image/jpeg',
  size: 10,
  sha256: hex.repeat(64),
  width: 512,
  height: 512,
  storageKey: hex.repeat(64),
  thumbnailKey: null,
  createdAt,
});

/**
 * Profile photos in the media index (issue #15), beside ./contract.ts and run with the same
 * factories: a current profile photo is in use, so the sweep of unreferenced uploads keeps it; a
 * replaced or removed one is swept like any upload no message references.
 */
export function describeProfilePhotoContract(name: string, factory: MediaPairFactory): void {
  describe(`Media contract (profile photos): ${name}`, () => {
    const pair = pairPerTest(factory, ['alice']);

    it('the sweep keeps the current photo and takes a replaced one', async () => {
      const { store, index } = pair();
      await index.recordUpload(photo('p1', 1_000, 'c'));
      await index.recordUpload(photo('p2', 2_000, 'd'));
      await store.updateUser('alice', { photo: 'p1' });
      const unreferenced = async () =>
        (await index.unreferencedBefore(10_000, 100)).map((m) => m.id);
      expect(await unreferenced()).toEqual(['p2']);
      expect(await index.deleteIfUnreferenced('p1', 10_000)).toBe(false);
      expect(await index.get('p1')).not.toBeNull();

      await store.updateUser('alice', { photo: 'p2' });
      expect(await unreferenced()).toEqual(['p1']);
      expect(await index.deleteIfUnreferenced('p1', 10_000)).toBe(true);
      expect(await index.deleteIfUnreferenced('p2', 10_000)).toBe(false);

      await store.updateUser('alice', { photo: null });
      expect(await unreferenced()).toEqual(['p2']);
    });
    it("the sweep keeps a group's current photo and takes it once replaced", async () => {
      const { store, index } = pair();
      await store.createUser({
        id: 'bob',
        username: 'bob',
        displayName: 'Bob',
        passwordHash: 'x',
        createdAt: 0,
      });
      await index.recordUpload(photo('g1', 1_000, 'e'));
      await index.recordUpload(photo('g2', 2_000, 'f'));
      const origin = (id: string) => ({ id, userId: 'alice', deviceId: null, at: 3_000 });
      await store.createGroup({
        ...origin('e1'),
        conversationId: 'g',
        title: 'G',
        memberIds: ['bob'],
      });
      await store.changeGroup('g', origin('e2'), { avatar: 'g1' });
      const unreferenced = async () =>
        (await index.unreferencedBefore(10_000, 100)).map((m) => m.id);
      expect(await unreferenced()).toEqual(['g2']);
      expect(await index.deleteIfUnreferenced('g1', 10_000)).toBe(false);

      await store.changeGroup('g', origin('e3'), { avatar: 'g2' });
      expect(await unreferenced()).toEqual(['g1']);
      expect(await index.deleteIfUnreferenced('g1', 10_000)).toBe(true);
      expect(await index.deleteIfUnreferenced('g2', 10_000)).toBe(false);
    });
  });
}
