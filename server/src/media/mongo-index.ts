import { Schema, type Connection, type Model, type PipelineStage } from 'mongoose';
import type { Period } from '../store/types';
import { isDuplicateKeyError, periodFilter } from '../store/mongo/records';
import {
  nullableInt,
  nullableString,
  requiredInt,
  type MembershipDoc,
  type MongoModels,
} from '../store/mongo/schemas';
import type { MediaIndex, MediaRecord } from './types';

/*
 * The media index of the scaled mode: a `media` collection beside the store's, on the store's
 * connection. Where the SQLite store keeps a `media_refs` table up to date, this one asks the
 * events themselves, through the partial index `event_attachments` on `payload.attachments.id`
 * (store/mongo/schemas.ts): a message references the media it attaches, and a deleted message has
 * no attachments left, so it references nothing.
 */

export interface MediaDoc {
  /** The media id. */
  _id: string;
  uploaderUserId: string;
  name: string;
  mime: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  storageKey: string;
  thumbnailKey: string | null;
  createdAt: number;
}

export const MEDIA_COLLECTION = 'media';
const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export const mediaSchema = new Schema<MediaDoc>(
  {
    _id: { type: String, required: true },
    uploaderUserId: { type: String, required: true },
    name: { type: String, required: true },
    mime: { type: String, required: true },
    size: requiredInt(0),
    sha256: { type: String, required: true, match: SHA256_PATTERN },
    width: nullableInt(1),
    height: nullableInt(1),
    storageKey: { type: String, required: true },
    thumbnailKey: nullableString,
    createdAt: requiredInt(0),
  },
  { versionKey: false, id: false, strict: 'throw', minimize: false },
);
// The same person uploading the same bytes under the same name gets the same upload back.
mediaSchema.index(
  { uploaderUserId: 1, sha256: 1, name: 1 },
  { unique: true, name: 'media_upload_key' },
);
// Uploads of some bytes (then filtered by storage key): their image facts, and whether any is left.
mediaSchema.index({ sha256: 1 }, { name: 'media_by_sha256' });
// The sweep of unreferenced uploads, oldest first (`_id` makes the order total).
mediaSchema.index({ createdAt: 1, _id: 1 }, { name: 'media_by_created_at' });

export const toMediaRecord = (doc: MediaDoc): MediaRecord => ({
  id: doc._id,
  uploaderUserId: doc.uploaderUserId,
  name: doc.name,
  mime: doc.mime,
  size: doc.size,
  sha256: doc.sha256,
  width: doc.width ?? null,
  height: doc.height ?? null,
  storageKey: doc.storageKey,
  thumbnailKey: doc.thumbnailKey ?? null,
  createdAt: doc.createdAt,
});

/** The fields of a message that name media: its attachments and its link preview's image. */
export const MEDIA_REFERENCE_FIELDS = ['payload.attachments.id', 'payload.linkPreview.image.id'];

/**
 * The messages that reference `mediaId`. States `type: 'message'` verbatim: MongoDB uses the
 * partial indexes `event_attachments` and `event_preview_images` (one per clause of the `$or`)
 * only for a query that implies their filter.
 */
export const referencing = (mediaId: string) => ({
  type: 'message' as const,
  deletedAt: null,
  $or: MEDIA_REFERENCE_FIELDS.map((field) => ({ [field]: mediaId })),
});

/**
 * The messages referencing `mediaId` that a user sees: those inside one of their periods of a
 * conversation (as the store pages them, `periodFilter`). Null when no period could cover one.
 */
export function readableReferences(
  mediaId: string,
  memberships: readonly { conversationId: string; periods: readonly Period[] }[],
) {
  const covered = memberships.flatMap(({ conversationId, periods }) => {
    const visible = periodFilter(periods);
    return visible === null ? [] : [{ conversationId, ...visible }];
  });
  if (covered.length === 0) return null;
  const { $or: fields, ...conditions } = referencing(mediaId);
  return { ...conditions, $and: [{ $or: fields }, { $or: covered }] };
}

/**
 * The aggregation listing uploads created before `cutoff` that no message references and that are
 * nobody's current profile photo nor any group's current photo, oldest first. `$lookup` with `localField`/`foreignField` and a pipeline (MongoDB 5.0+) probes
 * `event_attachments` once per upload and stops at the first reference.
 */
/**
 * The bytes one uploader's uploads occupy, each stored object once (`media_upload_key` leads with
 * the uploader, so only their uploads are read).
 */
export function usedBytesPipeline(uploaderUserId: string): PipelineStage[] {
  return [
    { $match: { uploaderUserId } },
    { $group: { _id: '$storageKey', size: { $max: '$size' } } },
    { $group: { _id: null, used: { $sum: '$size' } } },
  ];
}

export function unreferencedPipeline(
  cutoff: number,
  limit: number,
  eventsCollection: string,
  usersCollection: string,
  conversationsCollection: string,
): PipelineStage[] {
  return [
    { $match: { createdAt: { $lt: cutoff } } },
    { $sort: { createdAt: 1, _id: 1 } },

    // One lookup per field that can name media, each through its own index.
    ...MEDIA_REFERENCE_FIELDS.map((field, i): PipelineStage => ({
      $lookup: {
        from: eventsCollection,
        localField: '_id',
        foreignField: field,
        pipeline: [
          { $match: { type: 'message', deletedAt: null } },
          { $limit: 1 },
          { $project: { _id: 1 } },
        ],
        as: `references${i}`,
      },
    })),
    // Someone's current profile photo is in use too (users_by_photo).
    {
      $lookup: {
        from: usersCollection,
        localField: '_id',
        foreignField: 'photo',
        pipeline: [{ $limit: 1 }, { $project: { _id: 1 } }],
        as: 'photoOf',
      },
    },
    // And a group's current photo (conversations_by_avatar; issue #15).
    {
      $lookup: {
        from: conversationsCollection,
        localField: '_id',
        foreignField: 'avatar',
        pipeline: [{ $limit: 1 }, { $project: { _id: 1 } }],
        as: 'avatarOf',
      },
    },
    {
      $match: {
        ...Object.fromEntries(
          MEDIA_REFERENCE_FIELDS.map((_, i) => [`references${i}`, { $size: 0 }]),
        ),
        photoOf: { $size: 0 },
        avatarOf: { $size: 0 },
      },
    },
    { $limit: limit },
    {
      $project: {
        ...Object.fromEntries(MEDIA_REFERENCE_FIELDS.map((_, i) => [`references${i}`, 0])),
        photoOf: 0,
        avatarOf: 0,
      },
    },
  ];
}

/** Registers the media model on `connection` (once; an unopened connection is fine for validation). */
export function defineMediaModel(connection: Connection): Model<MediaDoc> {
  return (
    (connection.models.Media as Model<MediaDoc> | undefined) ??
    connection.model<MediaDoc>('Media', mediaSchema, MEDIA_COLLECTION)
  );
}

/**
 * Opens the media index on the store's connection: creates the collection and its indexes when
 * missing (idempotent, so replicas starting together are fine). `models` are the store's: the
 * index reads its events and memberships. Closing it leaves the connection to the store.
 */
export async function openMongoMediaIndex(
  connection: Connection,
  models: Pick<MongoModels, 'Event' | 'Membership' | 'User' | 'Conversation'>,
): Promise<MediaIndex> {
  const Media = defineMediaModel(connection);
  await Media.createCollection();
  await Media.createIndexes();
  return mongoMediaIndex(Media, models);
}

export function mongoMediaIndex(
  Media: Model<MediaDoc>,
  {
    Event,
    Membership,
    User,
    Conversation,
  }: Pick<MongoModels, 'Event' | 'Membership' | 'User' | 'Conversation'>,
): MediaIndex {
  const isReferenced = async (mediaId: string) =>
    (await Event.exists(referencing(mediaId))) !== null ||
    (await User.exists({ photo: { $eq: mediaId } })) !== null ||
    (await Conversation.exists({ avatar: { $eq: mediaId } })) !== null;

  const upsert = (upload: MediaRecord) => {
    const { id, createdAt, ...fields } = upload;
    return Media.findOneAndUpdate(
      { uploaderUserId: upload.uploaderUserId, sha256: upload.sha256, name: upload.name },
      // A repeat keeps the first upload and only moves its time forward.
      { $setOnInsert: { _id: id, ...fields }, $max: { createdAt } },
      { upsert: true, new: true, runValidators: true },
    ).lean<MediaDoc>();
  };

  return {
    async recordUpload(upload) {
      let doc;
      try {
        doc = await upsert(upload);
      } catch (error) {
        // A concurrent twin inserted first: this time the upsert finds it.
        if (!isDuplicateKeyError(error, 'media_upload_key')) throw error;
        doc = await upsert(upload);
      }
      if (doc === null) throw new Error('the upload was not recorded');
      return toMediaRecord(doc);
    },

    async get(id) {
      const doc = await Media.findById(id).lean<MediaDoc>();
      return doc ? toMediaRecord(doc) : null;
    },

    async anyWithContent(sha256, storageKey) {
      const doc = await Media.findOne({ sha256, storageKey })
        .sort({ createdAt: 1 })
        .lean<MediaDoc>();
      return doc ? toMediaRecord(doc) : null;
    },

    async usedBytes(uploaderUserId) {
      const [total] = await Media.aggregate<{ used: number }>(usedBytesPipeline(uploaderUserId));
      return total?.used ?? 0;
    },

    async canRead(userId, mediaId) {
      if ((await Media.exists({ _id: mediaId, uploaderUserId: userId })) !== null) return true;
      // Few messages attach one media id (its uploader's, and forwards of them): find their
      // conversations, the user's periods there, then whether a period covers one of them.
      const conversationIds = (await Event.distinct('conversationId', referencing(mediaId))).map(
        String,
      );
      if (conversationIds.length === 0) return false;
      const memberships = await Membership.find(
        { userId, conversationId: { $in: conversationIds } },
        { conversationId: 1, periods: 1 },
      ).lean<Pick<MembershipDoc, 'conversationId' | 'periods'>[]>();
      const filter = readableReferences(mediaId, memberships);
      return filter !== null && (await Event.exists(filter)) !== null;
    },

    async unreferencedBefore(cutoff, limit) {
      if (limit <= 0) return [];
      const docs = await Media.aggregate<MediaDoc>(
        unreferencedPipeline(
          cutoff,
          limit,
          Event.collection.collectionName,
          User.collection.collectionName,
          Conversation.collection.collectionName,
        ),
      );
      return docs.map(toMediaRecord);
    },

    async markUsed(ids, at) {
      const missing: string[] = [];
      for (const id of new Set(ids)) {
        // One document, one atomic update: against the sweep's findOneAndDelete (created before
        // its cutoff) exactly one of the two matches.
        const kept = await Media.updateOne({ _id: id }, { $max: { createdAt: at } });
        if (kept.matchedCount === 0) missing.push(id);
      }
      return missing;
    },

    async deleteIfUnreferenced(id, cutoff) {
      if (await isReferenced(id)) return false;
      const removed = await Media.findOneAndDelete({
        _id: id,
        createdAt: { $lt: cutoff },
      }).lean<MediaDoc>();
      if (removed === null) return false;
      // Nothing makes "no reference" and the delete one atomic step here (SQLite's DELETE is), so
      // look again: a message that committed meanwhile gets its upload back. This leaves the same
      // window as SQLite: a send that resolved its attachments before the delete and commits after
      // this second look.
      if (await isReferenced(id)) {
        await Media.insertMany([removed]).catch((error: unknown) => {
          // The uploader recorded the same bytes and name again meanwhile: that upload stays.
          if (!isDuplicateKeyError(error)) throw error;
        });
        return false;
      }
      return true;
    },

    async contentInUse(sha256, storageKey) {
      return (await Media.exists({ sha256, storageKey })) !== null;
    },

    async removeUploadsOf(uploaderUserId) {
      const docs = await Media.find({ uploaderUserId }).lean<MediaDoc[]>();
      await Media.deleteMany({ _id: { $in: docs.map((d) => d._id) } });
      return docs.map(toMediaRecord);
    },

    async close() {
      // The connection belongs to the store, which closes it.
    },
  };
}
