import { existsSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { diskMediaStore } from '../../media/disk';
import { databaseOf, openGridFsMediaStore } from '../../media/gridfs';
import { openMongoMediaIndex } from '../../media/mongo-index';
import { SECRET_FILE_NAME, VAPID_FILE_NAME } from '../../services/secrets';
import { openDatabase, type SqliteDatabase } from '../../store/sqlite/database';
import { SQLITE_FILE_NAME } from '../../store/sqlite/index';
import { mongoStoreParts, openMongoStore, redactUri } from '../../store/mongo/index';
import { copyTables, type CopyReport } from './copy';
import { CopyStoreError } from './rows';
import { TABLES, type TargetModels } from './tables';
import { collectingTarget, mongoTarget, targetModels } from './targets';

/*
 * `npm run admin -- copy-store [--to <uri>] [--dry-run] [--force]` (DESIGN §9): moves an embedded
 * server's data into MongoDB as it is. A note in the target's `store_copies` collection says which
 * store is being copied and whether the copy finished, so a run cut off anywhere is simply run
 * again (it resumes: every write replaces by unique key), while a database holding anything else
 * is refused unless --force.
 */

/** The collection of the target holding the copy's note (one document, `_id` COPY_NOTE_ID). */
export const COPY_NOTES_COLLECTION = 'store_copies';
export const COPY_NOTE_ID = 'sqlite';

interface CopyNote {
  _id: string;
  /** The SQLite store's epoch: which store this copy is of. */
  sourceEpoch: string;
  source: string;
  startedAt: number;
  finishedAt: number | null;
  rows?: Record<string, number>;
}

export interface CopyStoreRequest {
  dataDir: string;
  /** The MongoDB URI to copy into; unset for a dry run. */
  uri?: string;
  /** The database, when not the one the URI names (tests use a fresh one). */
  dbName?: string;
  dryRun: boolean;
  force: boolean;
  progress?: (line: string) => void;
}

/**
 * One-time codes of single sign-on expire within minutes, and MongoDB's TTL monitor removes the
 * expired ones at any moment, so their count is not compared after the copy.
 */
const UNCOUNTED_TABLES = new Set(['sso_codes']);

const sourceEpochOf = (source: SqliteDatabase) => {
  const row = source
    .prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'store_epoch'")
    .get();
  if (row === undefined) {
    throw new CopyStoreError('The SQLite file has no store epoch; it was not made by chitchat.');
  }
  return row.value;
};

const countLines = (report: CopyReport) => [
  ...TABLES.map(
    (spec) =>
      `  ${spec.table.padEnd(22)} ${String(report.rows[spec.table] ?? 0).padStart(9)}  -> ${collectionOf(spec.target)}`,
  ),
  `  media files copied ${report.blobs.copied}, already there ${report.blobs.present}, missing here ${report.blobs.missing.length}`,
];

/** The collection each model writes (mongoose names them in schemas.ts; an unopened connection). */
const namesOf = targetModels(mongoose.createConnection());
const collectionOf = (target: keyof TargetModels) => namesOf[target].collection.collectionName;

/** Runs the copy (or the dry run) and returns what to print. Throws CopyStoreError on refusal. */
export async function copyStore(request: CopyStoreRequest): Promise<string> {
  const file = path.join(request.dataDir, SQLITE_FILE_NAME);
  if (!existsSync(file)) {
    throw new CopyStoreError(
      `There is no embedded store in DATA_DIR (${file}): point DATA_DIR at the embedded server's data directory.`,
    );
  }
  // Brings an older file's schema up to date first, as the server does when it starts.
  const source = openDatabase(file);
  try {
    const sourceEpoch = sourceEpochOf(source);
    const blobs = diskMediaStore(request.dataDir);
    const progress = (table: string, copied: number, total: number) =>
      request.progress?.(`${table}: ${copied} of ${total}`);
    if (request.dryRun || request.uri === undefined) {
      const report = await copyTables(
        source,
        blobs,
        targetModels(mongoose.createConnection()),
        collectingTarget(),
        { progress },
      );
      return [
        `Dry run: every row of ${file} fits the MongoDB schemas; nothing was written.`,
        'Rows per table, and the collection each goes to:',
        ...countLines(report),
        ...missingLines(report),
      ].join('\n');
    }
    return await copyIntoMongo(request, request.uri, source, sourceEpoch, blobs, progress, file);
  } finally {
    source.close();
  }
}

const missingLines = (report: CopyReport) =>
  report.blobs.missing.length === 0
    ? []
    : [
        `${report.blobs.missing.length} stored file(s) named by uploads were not on disk (the uploads are copied; their downloads will fail): ${report.blobs.missing.slice(0, 5).join(', ')}${report.blobs.missing.length > 5 ? ', ...' : ''}`,
      ];

async function copyIntoMongo(
  request: CopyStoreRequest,
  uri: string,
  source: SqliteDatabase,
  sourceEpoch: string,
  blobs: ReturnType<typeof diskMediaStore>,
  progress: (table: string, copied: number, total: number) => void,
  file: string,
): Promise<string> {
  // Creates the collections and indexes (the migrations) and a store epoch, as a server would.
  const store = await openMongoStore(
    uri,
    request.dbName === undefined ? {} : { dbName: request.dbName },
  );
  try {
    const parts = mongoStoreParts(store);
    if (parts === undefined) throw new Error('the MongoDB store has no connection');
    await openMongoMediaIndex(parts.connection, parts.models);
    const db = databaseOf(parts.connection);
    const gridFs = await openGridFsMediaStore(db);
    const models: TargetModels = targetModels(parts.connection);
    const notes = db.collection<CopyNote>(COPY_NOTES_COLLECTION);
    const note = await notes.findOne({ _id: COPY_NOTE_ID });
    const held = await heldCounts(models);
    const resuming = note !== null && note.sourceEpoch === sourceEpoch && note.finishedAt === null;
    const empty = held.length === 0;
    if (!empty && !resuming && !request.force) {
      throw new CopyStoreError(
        note !== null && note.sourceEpoch === sourceEpoch
          ? `The MongoDB database at ${redactUri(uri)} already holds a finished copy of this store (${new Date(note.finishedAt ?? 0).toISOString()}). Add --force to copy it again over that copy.`
          : `The MongoDB database at ${redactUri(uri)} is not empty (${held.join(', ')}). copy-store fills an empty database; add --force to copy into this one anyway (documents with the same ids are replaced, the others stay).`,
      );
    }
    if (resuming) request.progress?.('Resuming the copy that was interrupted.');
    await notes.replaceOne(
      { _id: COPY_NOTE_ID },
      {
        sourceEpoch,
        source: file,
        startedAt: resuming ? note.startedAt : Date.now(),
        finishedAt: null,
      },
      { upsert: true },
    );
    const report = await copyTables(source, blobs, models, mongoTarget(models, gridFs), {
      progress,
    });
    // A copy into an empty database (or the resumed one) holds exactly the rows.
    if (empty || resuming) {
      for (const spec of TABLES) {
        if (UNCOUNTED_TABLES.has(spec.table)) continue;
        const count = await models[spec.target].collection.countDocuments({});
        const rows = report.rows[spec.table] ?? 0;
        if (count !== rows) {
          throw new CopyStoreError(
            `${collectionOf(spec.target)} holds ${count} documents after copying ${rows} rows of ${spec.table}; run copy-store again.`,
          );
        }
      }
    }
    const epoch = await store.rotateStoreEpoch();
    await notes.updateOne(
      { _id: COPY_NOTE_ID },
      { $set: { finishedAt: Date.now(), rows: report.rows } },
    );
    return [
      `Copied ${file} into MongoDB at ${redactUri(uri)}:`,
      ...countLines(report),
      ...missingLines(report),
      `New store epoch ${epoch}: every app resyncs when it reconnects.`,
      `Next: start the servers with MONGODB_URI, and JWT_SECRET set to the contents of ${path.join(request.dataDir, SECRET_FILE_NAME)} (unless JWT_SECRET was set already) so signed-in devices stay signed in; with Web Push, VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY from ${path.join(request.dataDir, VAPID_FILE_NAME)}, so browsers keep receiving notifications.`,
    ].join('\n');
  } finally {
    await store.close();
  }
}

/** What the target already holds, as "N users" phrases (empty when it holds no data). */
async function heldCounts(models: TargetModels): Promise<string[]> {
  const held: string[] = [];
  for (const spec of TABLES) {
    const count = await models[spec.target].collection.estimatedDocumentCount();
    if (count > 0) held.push(`${count} ${collectionOf(spec.target)}`);
  }
  return held;
}
