import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { describe, expect, it, vi } from 'vitest';
import { mongoMigrations } from '../store/mongo/migrations';
import { mongoStoreParts } from '../store/mongo/index';
import { defineModels, eventSchema, type MongoModels } from '../store/mongo/schemas';
import { openSqliteStore } from '../store/sqlite/index';
import {
  defineMediaModel,
  mediaSchema,
  readableReferences,
  referencing,
  toMediaRecord,
  unreferencedPipeline,
  usedBytesPipeline,
  type MediaDoc,
} from './mongo-index';

// Everything here runs without a MongoDB server (none can run here, DESIGN §8): models live on a
// connection that is never opened, `validateSync` runs mongoose's validators in process, and
// queries are only built and cast. What needs a server (the indexes enforced and used, the
// queries' answers) is the media contract in mongo.test.ts, run when MONGODB_URI is set.
const connection = mongoose.createConnection();
const { Event, Membership } = defineModels(connection);
const Media = defineMediaModel(connection);

const doc: MediaDoc = {
  _id: 'm1',
  uploaderUserId: 'u1',
  name: 'a.png',
  mime: 'image/png',
  size: 10,
  sha256: 'a'.repeat(64),
  width: 2,
  height: 3,
  storageKey: 'a'.repeat(64),
  thumbnailKey: `${'a'.repeat(64)}.thumb`,
  createdAt: 1_000,
};

function invalidPaths(document: {
  validateSync(): mongoose.Error.ValidationError | null | undefined;
}) {
  return Object.keys(document.validateSync()?.errors ?? {}).sort();
}

const indexNamed = (schema: mongoose.Schema, name: string) =>
  schema.indexes().find(([, options]) => options.name === name);

describe('mongo media schema: validation without a connection', () => {
  it('accepts an upload, with or without image facts', () => {
    expect(invalidPaths(new Media(doc))).toEqual([]);
    expect(
      invalidPaths(new Media({ ...doc, width: null, height: null, thumbnailKey: null })),
    ).toEqual([]);
    // Absent image facts are stored as null, as the record has them.
    const { width: _w, height: _h, thumbnailKey: _t, ...bare } = doc;
    expect(new Media(bare).toObject()).toMatchObject({
      width: null,
      height: null,
      thumbnailKey: null,
    });
  });

  it('refuses missing fields, a hash that is not hex SHA-256, sizes and times that are not whole or are negative', () => {
    expect(invalidPaths(new Media({ _id: 'm1' }))).toEqual(
      ['createdAt', 'mime', 'name', 'sha256', 'size', 'storageKey', 'uploaderUserId'].sort(),
    );
    expect(invalidPaths(new Media({ ...doc, sha256: 'A'.repeat(64) }))).toEqual(['sha256']);
    expect(invalidPaths(new Media({ ...doc, sha256: 'abc' }))).toEqual(['sha256']);
    expect(invalidPaths(new Media({ ...doc, size: -1 }))).toEqual(['size']);
    expect(invalidPaths(new Media({ ...doc, size: 1.5 }))).toEqual(['size']);
    expect(invalidPaths(new Media({ ...doc, width: 0 }))).toEqual(['width']);
    expect(invalidPaths(new Media({ ...doc, createdAt: -5 }))).toEqual(['createdAt']);
  });

  it('refuses fields the schema does not know (strict)', () => {
    expect(() => new Media({ ...doc, storagekey: 'x' })).toThrow(/not in schema/);
  });

  it('is registered once per connection, in the `media` collection', () => {
    expect(defineMediaModel(connection)).toBe(Media);
    expect(Media.collection.collectionName).toBe('media');
  });

  it('maps a document to exactly the record the SQLite index returns', () => {
    expect(toMediaRecord(doc)).toEqual({
      id: 'm1',
      uploaderUserId: 'u1',
      name: 'a.png',
      mime: 'image/png',
      size: 10,
      sha256: 'a'.repeat(64),
      width: 2,
      height: 3,
      storageKey: 'a'.repeat(64),
      thumbnailKey: `${'a'.repeat(64)}.thumb`,
      createdAt: 1_000,
    });
  });
});

describe('mongo media indexes', () => {
  it('media: unique per (uploader, bytes, name) for the dedupe; by hash; by time for the sweep', () => {
    expect(indexNamed(mediaSchema, 'media_upload_key')).toEqual([
      { uploaderUserId: 1, sha256: 1, name: 1 },
      expect.objectContaining({ unique: true }),
    ]);
    // The unique key covers fields that are always there (else a partial filter would be needed).
    for (const field of ['uploaderUserId', 'sha256', 'name']) {
      expect(mediaSchema.path(field).options.required).toBe(true);
    }
    expect(indexNamed(mediaSchema, 'media_by_sha256')?.[0]).toEqual({ sha256: 1 });
    expect(indexNamed(mediaSchema, 'media_by_created_at')?.[0]).toEqual({ createdAt: 1, _id: 1 });
  });

  it('events: messages by attached media id, through a PARTIAL index on type "message"', () => {
    expect(indexNamed(eventSchema, 'event_attachments')).toEqual([
      { 'payload.attachments.id': 1 },
      expect.objectContaining({ partialFilterExpression: { type: 'message' } }),
    ]);
    expect(indexNamed(eventSchema, 'event_attachments')?.[1].unique).toBeUndefined();
  });

  it('events: messages by link preview image, through a PARTIAL index on type "message"', () => {
    expect(indexNamed(eventSchema, 'event_preview_images')).toEqual([
      { 'payload.linkPreview.image.id': 1 },
      expect.objectContaining({ partialFilterExpression: { type: 'message' } }),
    ]);
  });

  it('a migration creates the preview image index on a database made before it', async () => {
    // Found by what it does, not by position: later migrations (account state, ...) follow it.
    const previews = mongoMigrations.filter((m) => m.description.includes('event_preview_images'));
    expect(previews).toHaveLength(1);
    const createIndexes = vi.fn(async () => undefined);
    await previews[0]?.up({ Event: { createIndexes } } as unknown as MongoModels);
    expect(createIndexes).toHaveBeenCalledOnce();
  });

  it('migration 2 creates it on a database made before it (migration 1 makes it on a new one)', async () => {
    // Later migrations (contacts, ...) follow; the second one is the attachments index.
    expect(mongoMigrations.length).toBeGreaterThanOrEqual(2);
    const createIndexes = vi.fn(async () => undefined);
    await mongoMigrations[1]?.up({ Event: { createIndexes } } as unknown as MongoModels);
    expect(createIndexes).toHaveBeenCalledOnce();
  });
});

describe('mongo media queries (built and cast without a server)', () => {
  it('a reference lookup states the partial index filter verbatim, so MongoDB can use the index', () => {
    for (const name of ['event_attachments', 'event_preview_images']) {
      const partial: Record<string, unknown> =
        indexNamed(eventSchema, name)?.[1].partialFilterExpression ?? {};
      const filter = referencing('m1');
      for (const [field, condition] of Object.entries(partial)) {
        expect(filter).toHaveProperty([field], condition);
      }
    }
    const filter = referencing('m1');
    expect(filter).toEqual({
      type: 'message',
      deletedAt: null,
      $or: [{ 'payload.attachments.id': 'm1' }, { 'payload.linkPreview.image.id': 'm1' }],
    });
    expect(Event.find(filter).cast(Event)).toEqual(filter);
  });

  it('readable references: per conversation, the seq ranges of the periods (both ends inclusive, an open one unbounded)', () => {
    const filter = readableReferences('m1', [
      {
        conversationId: 'g',
        periods: [
          { joinedSeq: 1, leftSeq: 4 },
          { joinedSeq: 9, leftSeq: null },
        ],
      },
      { conversationId: 'd', periods: [{ joinedSeq: 1, leftSeq: null }] },
    ]);
    expect(filter).toEqual({
      type: 'message',
      deletedAt: null,
      $and: [
        { $or: [{ 'payload.attachments.id': 'm1' }, { 'payload.linkPreview.image.id': 'm1' }] },
        {
          $or: [
            {
              conversationId: 'g',
              $or: [{ seq: { $gte: 1, $lte: 4 } }, { seq: { $gte: 9 } }],
            },
            { conversationId: 'd', $or: [{ seq: { $gte: 1 } }] },
          ],
        },
      ],
    });
    expect(filter && Event.find(filter).cast(Event)).toEqual(filter);
  });

  it('readable references: no membership, or no period, covers nothing', () => {
    expect(readableReferences('m1', [])).toBeNull();
    expect(readableReferences('m1', [{ conversationId: 'g', periods: [] }])).toBeNull();
    expect(
      readableReferences('m1', [
        { conversationId: 'g', periods: [] },
        { conversationId: 'd', periods: [{ joinedSeq: 3, leftSeq: 3 }] },
      ])?.$and[1],
    ).toEqual({ $or: [{ conversationId: 'd', $or: [{ seq: { $gte: 3, $lte: 3 } }] }] });
  });

  it('the membership lookup of canRead casts as written', () => {
    const filter = { userId: 'u1', conversationId: { $in: ['g', 'd'] } };
    expect(Membership.find(filter).cast(Membership)).toEqual(filter);
  });

  it("the used-bytes sum reads one uploader's uploads through the upload key's leading field", () => {
    const pipeline = usedBytesPipeline('alice');
    expect(pipeline).toEqual([
      { $match: { uploaderUserId: 'alice' } },
      { $group: { _id: '$storageKey', size: { $max: '$size' } } },
      { $group: { _id: null, used: { $sum: '$size' } } },
    ]);
    expect(Object.keys(indexNamed(mediaSchema, 'media_upload_key')?.[0] ?? {})[0]).toBe(
      'uploaderUserId',
    );
  });

  it('the unreferenced listing: old uploads, oldest first, those no message attaches, at most `limit`', () => {
    const pipeline = unreferencedPipeline(5_000, 7, 'events', 'users', 'conversations');
    expect(pipeline[0]).toEqual({ $match: { createdAt: { $lt: 5_000 } } });
    expect(pipeline[1]).toEqual({ $sort: { createdAt: 1, _id: 1 } });
    // The sort matches the index, so MongoDB walks it instead of sorting.
    expect(Object.keys(pipeline[1] && '$sort' in pipeline[1] ? pipeline[1].$sort : {})).toEqual(
      Object.keys(indexNamed(mediaSchema, 'media_by_created_at')?.[0] ?? {}),
    );
    // One lookup per field naming media: attachments, then the link preview image.
    const fields = ['payload.attachments.id', 'payload.linkPreview.image.id'];
    fields.forEach((field, i) => {
      expect(pipeline[2 + i]).toEqual({
        $lookup: {
          from: 'events',
          localField: '_id',
          foreignField: field,
          // The same conditions as a reference lookup (minus the id the join supplies).
          pipeline: [
            { $match: { type: 'message', deletedAt: null } },
            { $limit: 1 },
            { $project: { _id: 1 } },
          ],
          as: `references${i}`,
        },
      });
    });
    const { $or: _ids, ...conditions } = referencing('m1');
    const lookup = pipeline[2];
    expect(lookup && '$lookup' in lookup ? lookup.$lookup.pipeline?.[0] : null).toEqual({
      $match: conditions,
    });
    expect(pipeline.slice(4)).toEqual([
      // Nobody's current profile photo either (users_by_photo).
      {
        $lookup: {
          from: 'users',
          localField: '_id',
          foreignField: 'photo',
          pipeline: [{ $limit: 1 }, { $project: { _id: 1 } }],
          as: 'photoOf',
        },
      },
      // Nor any group's current photo (conversations_by_avatar).
      {
        $lookup: {
          from: 'conversations',
          localField: '_id',
          foreignField: 'avatar',
          pipeline: [{ $limit: 1 }, { $project: { _id: 1 } }],
          as: 'avatarOf',
        },
      },
      {
        $match: {
          references0: { $size: 0 },
          references1: { $size: 0 },
          photoOf: { $size: 0 },
          avatarOf: { $size: 0 },
        },
      },
      { $limit: 7 },
      { $project: { references0: 0, references1: 0, photoOf: 0, avatarOf: 0 } },
    ]);
  });
});

describe('the MongoDB store shares its connection with media', () => {
  it('only a store opened by openMongoStore has parts to share', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-parts-'));
    const store = openSqliteStore(dir);
    try {
      expect(mongoStoreParts(store)).toBeUndefined();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
