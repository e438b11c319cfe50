/** What the media contract suites share: the pair they test, and fixtures. */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterEach, beforeEach } from 'vitest';
import { type AttachmentRef } from '@chitchat/shared';
import type { EventOrigin, Store } from '../store/types';
import { type MediaIndex, type MediaRecord, type MediaStore } from './types';

/** A media index with the store it authorizes by, and a blob store: one deployment mode's media. */
export interface MediaPair {
  /** Users, conversations and messages are written through it. */
  store: Store;
  index: MediaIndex;
  blobs: MediaStore;
  /**
   * Everything the blob store holds, sorted: content keys by name, and whatever else it keeps
   * (staged or half-written uploads, bookkeeping), so a test can see that nothing stayed behind.
   */
  inventory(): Promise<string[]>;
}

export interface MediaPairFactory {
  /** A new, empty pair on a new, empty store. */
  create(): Promise<MediaPair>;
  /** Closes and removes what `create` made. */
  destroy(pair: MediaPair): Promise<void>;
}

/**
 * A new pair for each test of the suite it is called in (made before the test with these users
 * signed up, destroyed after it); the function returns the current test's pair.
 */
export function pairPerTest(
  factory: MediaPairFactory,
  userIds: readonly string[],
): () => MediaPair {
  let pair: MediaPair | undefined;
  beforeEach(async () => {
    pair = await factory.create();
    for (const id of userIds) {
      await pair.store.createUser({
        id,
        username: id,
        displayName: id,
        passwordHash: 'x',
        createdAt: 0,
      });
    }
  });
  afterEach(async () => {
    if (pair !== undefined) await factory.destroy(pair);
  });
  return () => {
    if (pair === undefined) throw new Error('no pair outside a test');
    return pair;
  };
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export const upload = (over: Partial<MediaRecord> = {}): MediaRecord => ({
  id: 'm1',
  uploaderUserId: 'alice',
  name: 'a.png',
  mime: 'image/png',
  size: 10,
  sha256: 'a'.repeat(64),
  width: 2,
  height: 3,
  storageKey: 'a'.repeat(64),
  thumbnailKey: `${'a'.repeat(64)}.thumb`,
  createdAt: 1_000,
  ...over,
});

export const refTo = (id: string): AttachmentRef => ({
  id,
  name: `${id}.png`,
  mime: 'image/png',
  size: 10,
  thumbnail: false,
});

let origins = 0;
/** A fresh origin for a write (a unique id, so no two writes collide). */
/** A unique client message id for a test message. */
export const nextClientMsgId = () => `c-${(origins += 1)}`;

export const origin = (userId: string, at = 5_000): EventOrigin => ({
  id: `${userId}-${at}-${(origins += 1)}`,
  userId,
  deviceId: null,
  at,
});

/** A real PNG with noise, so every call makes different bytes. */
export const noisyPng = (width: number, height: number): Promise<Buffer> =>
  sharp({
    create: {
      width,
      height,
      channels: 3,
      background: { r: 40, g: 120, b: 200 },
      noise: { type: 'gaussian', mean: 128, sigma: 30 },
    },
  })
    .png()
    .toBuffer();
