import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type mongoose from 'mongoose';
import { defineMediaModel } from '../../media/mongo-index';
import type { MediaStore } from '../../media/types';
import { defineModels } from '../../store/mongo/schemas';
import type { CopyTarget } from './copy';
import type { Doc, TargetModels, TargetName } from './tables';

/** Every model of the Mongo store and its media index, on `connection` (an unopened one validates). */
export function targetModels(connection: mongoose.Connection): TargetModels {
  return { ...defineModels(connection), Media: defineMediaModel(connection) };
}

export interface CollectingTarget extends CopyTarget {
  /** The documents each collection would hold, in the order written (a re-write replaces). */
  docs: Map<TargetName, Doc[]>;
  /** The objects stored, by key: their SHA-256 (hex) and size. */
  blobs: Map<string, { sha256: string; size: number }>;
}

const identityOf = (doc: Doc, identity: readonly string[]) =>
  JSON.stringify(identity.map((field) => doc[field]));

/**
 * A target that writes nothing: a dry run (`copy-store --dry-run`) and the mapping test. It keeps
 * what MongoDB would hold, replacing by unique key as the real target does, so a second pass over
 * the same rows changes no count.
 */
export function collectingTarget(): CollectingTarget {
  const docs = new Map<TargetName, Doc[]>();
  const positions = new Map<TargetName, Map<string, number>>();
  const blobs = new Map<string, { sha256: string; size: number }>();
  return {
    docs,
    blobs,
    async write(target, batch, identity) {
      const list = docs.get(target) ?? [];
      const at = positions.get(target) ?? new Map<string, number>();
      docs.set(target, list);
      positions.set(target, at);
      for (const doc of batch) {
        const key = identityOf(doc, identity);
        const position = at.get(key);
        if (position === undefined) {
          at.set(key, list.length);
          list.push(doc);
        } else list[position] = doc;
      }
    },
    async hasBlob(key) {
      return blobs.has(key);
    },
    async putBlob(key, bytes: Readable) {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of bytes) {
        const buffer = Buffer.from(chunk as Uint8Array);
        hash.update(buffer);
        size += buffer.length;
      }
      blobs.set(key, { sha256: hash.digest('hex'), size });
    },
    async putThumbnail(storageKey, bytes) {
      const key = `${storageKey}.thumb`;
      blobs.set(key, {
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
      });
      return key;
    },
  };
}

/**
 * The real target: the collections of an opened Mongo store (`models`, on its connection) and its
 * GridFS media store. Each batch is one unordered bulk write of upserting replacements, so a
 * re-run after an interruption replaces what the first run wrote and adds only what it had not.
 */
export function mongoTarget(models: TargetModels, gridFs: MediaStore): CopyTarget {
  return {
    async write(target, batch, identity) {
      if (batch.length === 0) return;
      const { collection } = models[target];
      await collection.bulkWrite(
        batch.map((doc) => ({
          replaceOne: {
            filter: Object.fromEntries(identity.map((field) => [field, doc[field]])),
            replacement: doc,
            upsert: true,
          },
        })),
        { ordered: false },
      );
    },
    async hasBlob(key) {
      const stream = await gridFs.open(key);
      if (stream === null) return false;
      stream.destroy();
      return true;
    },
    async putBlob(key, bytes) {
      // No size limit: these bytes were accepted by the server once already.
      const staged = await gridFs.stage(bytes, Number.MAX_SAFE_INTEGER);
      try {
        // Time 0: copying is no upload, so the bytes stay as deletable by the target's sweep
        // as the uploads naming them (a copy-time stamp would outlive their last record).
        await staged.commit(key, 0);
      } finally {
        await staged.discard();
      }
    },
    putThumbnail: (storageKey, bytes) => gridFs.putThumbnail(storageKey, bytes),
  };
}
