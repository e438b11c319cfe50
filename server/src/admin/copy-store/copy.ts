import type { Readable } from 'node:stream';
import type { MediaStore } from '../../media/types';
import type { SqliteDatabase } from '../../store/sqlite/database';
import { CopyStoreError, readRow, type Row } from './rows';
import { TABLES, type Doc, type TableCopy, type TargetModels, type TargetName } from './tables';

/*
 * The copy itself, the same for a real run and a dry run: SQLite rows are read in primary-key
 * order a batch at a time, mapped (tables.ts), validated by the MongoDB store's own schemas, and
 * handed to a `CopyTarget`, which writes them to MongoDB (mongo-target.ts) or only collects them
 * (a dry run, and the mapping test). Writes replace the document with the same unique key, so a
 * run cut off anywhere and started again ends with each row exactly once.
 */

export interface CopyTarget {
  /**
   * Stores validated documents of one collection, each replacing the one with the same
   * `identity` (its unique key) if there is one.
   */
  write(target: TargetName, docs: readonly Doc[], identity: readonly string[]): Promise<void>;
  /** True when an object is already stored under `key` (a content key or a thumbnail's). */
  hasBlob(key: string): Promise<boolean>;
  /** Stores the object under its content key. */
  putBlob(key: string, bytes: Readable): Promise<void>;
  /** Stores the thumbnail of the object at `storageKey`; returns the thumbnail's key. */
  putThumbnail(storageKey: string, bytes: Buffer): Promise<string>;
}

export interface CopyReport {
  /** Rows read per SQLite table (each became one document). */
  rows: Record<string, number>;
  /** Stored objects (uploads and thumbnails) copied now, already in the target, or missing here. */
  blobs: { copied: number; present: number; missing: string[] };
}

export interface CopyOptions {
  batchSize?: number;
  /** Called after each batch, for progress output. */
  progress?: (table: string, copied: number, total: number) => void;
}

const DEFAULT_BATCH = 500;

/** The SQL reading the batch after `last` (the key of the previous batch's last row). */
function batchQuery(spec: TableCopy, after: boolean): string {
  const columns = spec.extraColumns === undefined ? '*' : `*, ${spec.extraColumns}`;
  const key = spec.key.join(', ');
  const where = after ? `WHERE (${key}) > (${spec.key.map(() => '?').join(', ')})` : '';
  return `SELECT ${columns} FROM ${spec.table} ${where} ORDER BY ${key} LIMIT ?`;
}

function* batches(source: SqliteDatabase, spec: TableCopy, size: number): Generator<Row[]> {
  const first = source.prepare<[number], Row>(batchQuery(spec, false));
  const next = source.prepare<unknown[], Row>(batchQuery(spec, true));
  let rows = first.all(size);
  while (rows.length > 0) {
    yield rows;
    const last = rows.at(-1);
    if (rows.length < size || last === undefined) return;
    rows = next.all(...spec.key.map((column) => last[column]), size);
  }
}

/** What validating needs of a mongoose model: build a document, validate it, read it back. */
interface ValidatingModel {
  new (doc: Doc): {
    validateSync(options: { pathsToSkip: string[] }): Error | null | undefined;
    toObject(options: { depopulate: boolean }): object;
  };
}

/** Validates one document against `model`'s schema; the stored form (with the schema's defaults). */
function validatorOf(model: ValidatingModel) {
  return (doc: Doc, skip: readonly string[]): { value: Doc; problem: string | null } => {
    let hydrated;
    try {
      hydrated = new model(doc);
    } catch (error) {
      // strict: 'throw' refuses a field the schema does not know, at construction.
      return { value: doc, problem: error instanceof Error ? error.message : String(error) };
    }
    const error = hydrated.validateSync({ pathsToSkip: [...skip] });
    return {
      value: { ...hydrated.toObject({ depopulate: true }) },
      problem: error === null || error === undefined ? null : error.message,
    };
  };
}

const keyOf = (spec: TableCopy, row: Row) =>
  spec.key.map((column) => String(row[column])).join('/');

/**
 * Maps and validates every row of the SQLite store into `target`, table by table, and copies the
 * uploaded bytes and thumbnails the media rows name from `blobs` (the embedded store's files).
 * Reads one snapshot of the file. Throws CopyStoreError, naming the row, on anything that does
 * not fit the MongoDB schemas; what was written before stays (a re-run replaces it).
 */
export async function copyTables(
  source: SqliteDatabase,
  blobs: MediaStore,
  models: TargetModels,
  target: CopyTarget,
  options: CopyOptions = {},
): Promise<CopyReport> {
  const size = options.batchSize ?? DEFAULT_BATCH;
  const report: CopyReport = { rows: {}, blobs: { copied: 0, present: 0, missing: [] } };
  const seenBlobs = new Set<string>();
  // One read transaction: every table comes from the same moment of the file.
  source.exec('BEGIN');
  try {
    for (const spec of TABLES) {
      const validate = validatorOf(models[spec.target]);
      const total = source
        .prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${spec.table}`)
        .get()?.n;
      let copied = 0;
      for (const rows of batches(source, spec, size)) {
        const docs = rows.map((row) => {
          const where = keyOf(spec, row);
          const mapped = spec.toDoc(readRow(spec.table, row, where), source);
          const { value, problem } = validate(mapped, spec.unvalidated?.(mapped) ?? []);
          if (problem !== null) {
            throw new CopyStoreError(
              `${spec.table} row ${where} does not fit the MongoDB schema: ${problem}`,
            );
          }
          if (!spec.identity.includes('_id')) {
            // Mongoose gave it a new ObjectId; the document found by its unique key keeps its own.
            const { _id: ignored, ...rest } = value;
            void ignored;
            return rest;
          }
          return value;
        });
        if (spec.target === 'Media') await copyBlobs(docs, blobs, target, report, seenBlobs);
        await target.write(spec.target, docs, spec.identity);
        copied += docs.length;
        options.progress?.(spec.table, copied, total ?? copied);
      }
      report.rows[spec.table] = copied;
    }
  } finally {
    source.exec('COMMIT');
  }
  return report;
}

/** The bytes of `docs` (media) first, so no copied upload names bytes the target lacks. */
async function copyBlobs(
  docs: readonly Doc[],
  blobs: MediaStore,
  target: CopyTarget,
  report: CopyReport,
  seen: Set<string>,
): Promise<void> {
  for (const doc of docs) {
    const storageKey = String(doc.storageKey);
    if (!seen.has(storageKey)) {
      seen.add(storageKey);
      if (await target.hasBlob(storageKey)) {
        report.blobs.present += 1;
      } else {
        const bytes = await blobs.open(storageKey);
        if (bytes === null) report.blobs.missing.push(storageKey);
        else {
          await target.putBlob(storageKey, bytes);
          report.blobs.copied += 1;
        }
      }
    }
    const thumbnailKey = typeof doc.thumbnailKey === 'string' ? doc.thumbnailKey : null;
    if (thumbnailKey === null || seen.has(thumbnailKey)) continue;
    seen.add(thumbnailKey);
    if (await target.hasBlob(thumbnailKey)) {
      report.blobs.present += 1;
      continue;
    }
    const thumbnail = await blobs.open(thumbnailKey);
    if (thumbnail === null) {
      report.blobs.missing.push(thumbnailKey);
      continue;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of thumbnail) chunks.push(Buffer.from(chunk as Uint8Array));
    const stored = await target.putThumbnail(storageKey, Buffer.concat(chunks));
    if (stored !== thumbnailKey) {
      throw new CopyStoreError(
        `media ${String(doc._id)}: its thumbnail is stored as ${thumbnailKey}, but the target keeps it as ${stored}.`,
      );
    }
    report.blobs.copied += 1;
  }
}
