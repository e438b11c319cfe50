import mongoose from 'mongoose';

const { ObjectId } = mongoose.mongo;
type Db = mongoose.mongo.Db;
type Doc = Record<string, unknown>;
type Filter = Record<string, unknown>;

/*
 * A stand-in for what cannot run here (no MongoDB server can be installed, DESIGN §8): an in-memory
 * `Db` with just the collection methods that the GridFS media store and the driver's own GridFS
 * streams call (insert, find with sort/limit/projection, findOne, update with $set (and $max), delete, index
 * creation and listing), and a matcher for the filters they use (equality, $lt/$lte/$gt/$gte,
 * $ne, $in, $or). It lets the real GridFSBucket upload, rename and download through the real
 * GridFS media store code here; it is no substitute for the contract run against MongoDB
 * (media/mongo.test.ts), which also covers concurrency and what the server enforces.
 */

const isObjectId = (value: unknown): value is mongoose.mongo.ObjectId => value instanceof ObjectId;

function comparable(value: unknown): string | number | undefined {
  if (value instanceof Date) return value.getTime();
  if (isObjectId(value)) return value.toHexString();
  if (typeof value === 'number' || typeof value === 'string') return value;
  return undefined;
}

function compare(a: unknown, b: unknown): number {
  const x = comparable(a);
  const y = comparable(b);
  if (x === y) return 0;
  if (x === undefined) return -1;
  if (y === undefined) return 1;
  return x < y ? -1 : 1;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) {
    return (a ?? null) === (b ?? null);
  }
  const x = comparable(a);
  return x !== undefined && x === comparable(b) && typeof a === typeof b;
}

const isOperators = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !(value instanceof Date) &&
  !isObjectId(value) &&
  Object.keys(value).every((key) => key.startsWith('$'));

function matches(doc: Doc, filter: Filter): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    if (key === '$or') return (condition as Filter[]).some((f) => matches(doc, f));
    const value = doc[key];
    if (!isOperators(condition)) return equal(value, condition);
    return Object.entries(condition).every(([op, operand]) => {
      switch (op) {
        case '$eq':
          return equal(value, operand);
        case '$ne':
          return !equal(value, operand);
        case '$in':
          return (operand as unknown[]).some((o) => equal(value, o));
        case '$lt':
          return value !== undefined && compare(value, operand) < 0;
        case '$lte':
          return value !== undefined && compare(value, operand) <= 0;
        case '$gt':
          return value !== undefined && compare(value, operand) > 0;
        case '$gte':
          return value !== undefined && compare(value, operand) >= 0;
        default:
          throw new Error(`memory-db: unsupported operator ${op}`);
      }
    });
  });
}

const copy = (doc: Doc): Doc =>
  Object.fromEntries(
    Object.entries(doc).map(([k, v]) => [k, Buffer.isBuffer(v) ? Buffer.from(v) : v]),
  );

function project(doc: Doc, projection: Record<string, unknown> | undefined): Doc {
  if (projection === undefined || Object.keys(projection).length === 0) return copy(doc);
  const kept = Object.keys(projection).filter((key) => projection[key]);
  if (projection._id !== 0 && !kept.includes('_id')) kept.push('_id');
  return Object.fromEntries(kept.filter((k) => k in doc).map((k) => [k, doc[k]]));
}

class MemoryCursor {
  #order: [string, number][] = [];
  #limit = 0;
  #skip = 0;
  #projection: Record<string, unknown> | undefined;
  #results: Doc[] | undefined;

  constructor(
    private readonly load: () => Doc[],
    options: { projection?: Record<string, unknown>; sort?: Record<string, number> } = {},
  ) {
    this.#projection = options.projection;
    if (options.sort) this.sort(options.sort);
  }

  sort(spec: Record<string, number>) {
    this.#order = Object.entries(spec);
    return this;
  }
  limit(n: number) {
    this.#limit = n;
    return this;
  }
  skip(n: number) {
    this.#skip = n;
    return this;
  }
  project(spec: Record<string, unknown>) {
    this.#projection = spec;
    return this;
  }
  withReadPreference() {
    return this;
  }

  #run(): Doc[] {
    if (this.#results === undefined) {
      const docs = [...this.load()].sort((a, b) => {
        for (const [key, direction] of this.#order) {
          const order = compare(a[key], b[key]) * direction;
          if (order !== 0) return order;
        }
        return 0;
      });
      const skipped = docs.slice(this.#skip);
      const limited = this.#limit > 0 ? skipped.slice(0, this.#limit) : skipped;
      this.#results = limited.map((doc) => project(doc, this.#projection));
    }
    return this.#results;
  }

  async next(): Promise<Doc | null> {
    return this.#run().shift() ?? null;
  }
  async toArray(): Promise<Doc[]> {
    return this.#run().splice(0);
  }
  async close(): Promise<void> {
    this.#results = [];
  }
  async *[Symbol.asyncIterator]() {
    for (;;) {
      const doc = await this.next();
      if (doc === null) return;
      yield doc;
    }
  }
}

class MemoryCollection {
  docs: Doc[] = [];
  readonly indexes: { name: string; key: Record<string, number>; unique?: boolean }[] = [
    { name: '_id_', key: { _id: 1 }, unique: true },
  ];
  /** Rejects the insert with this number (1 = the next one), then clears. */
  failInsertAt = 0;

  constructor(readonly collectionName: string) {}

  #duplicate(doc: Doc): boolean {
    return this.indexes.some(
      (index) =>
        index.unique === true &&
        this.docs.some((other) => Object.keys(index.key).every((k) => equal(other[k], doc[k]))),
    );
  }

  async insertOne(doc: Doc) {
    if (this.failInsertAt > 0) {
      this.failInsertAt -= 1;
      if (this.failInsertAt === 0) throw new Error('memory-db: insert failed (injected)');
    }
    const stored = copy({ _id: doc._id ?? new ObjectId(), ...doc });
    if (this.#duplicate(stored)) {
      throw Object.assign(new Error(`E11000 duplicate key error in ${this.collectionName}`), {
        code: 11000,
      });
    }
    this.docs.push(stored);
    return { acknowledged: true, insertedId: stored._id };
  }
  find(filter: Filter = {}, options: { projection?: Record<string, unknown> } = {}) {
    return new MemoryCursor(() => this.docs.filter((doc) => matches(doc, filter)), options);
  }
  async findOne(
    filter: Filter = {},
    options: { projection?: Record<string, unknown>; sort?: Record<string, number> } = {},
  ) {
    return this.find(filter, options).limit(1).next();
  }
  async updateOne(filter: Filter, update: { $set?: Doc }) {
    const doc = this.docs.find((d) => matches(d, filter));
    if (doc === undefined) return { matchedCount: 0, modifiedCount: 0 };
    Object.assign(doc, update.$set ?? {});
    return { matchedCount: 1, modifiedCount: 1 };
  }
  /** `$set`, and `$max` (the GridFS store moves a file's time forward with it). */
  async updateMany(filter: Filter, update: { $set?: Doc; $max?: Doc }) {
    const hits = this.docs.filter((d) => matches(d, filter));
    for (const doc of hits) {
      Object.assign(doc, update.$set ?? {});
      for (const [field, value] of Object.entries(update.$max ?? {})) {
        if (doc[field] === undefined || compare(value, doc[field]) > 0) doc[field] = value;
      }
    }
    return { matchedCount: hits.length, modifiedCount: hits.length };
  }
  async deleteOne(filter: Filter) {
    const at = this.docs.findIndex((d) => matches(d, filter));
    if (at >= 0) this.docs.splice(at, 1);
    return { acknowledged: true, deletedCount: at >= 0 ? 1 : 0 };
  }
  async deleteMany(filter: Filter) {
    const before = this.docs.length;
    this.docs = this.docs.filter((d) => !matches(d, filter));
    return { acknowledged: true, deletedCount: before - this.docs.length };
  }
  async distinct(field: string, filter: Filter = {}) {
    const values: unknown[] = [];
    for (const doc of this.docs.filter((d) => matches(d, filter))) {
      if (!values.some((v) => equal(v, doc[field]))) values.push(doc[field]);
    }
    return values;
  }
  async createIndex(
    key: Record<string, number>,
    options: { name?: string; unique?: boolean } = {},
  ) {
    const name = options.name ?? Object.entries(key).flat().join('_');
    if (!this.indexes.some((index) => index.name === name)) {
      this.indexes.push({ name, key, ...(options.unique ? { unique: true } : {}) });
    }
    return name;
  }
  listIndexes() {
    return new MemoryCursor(() => this.indexes.map((index) => ({ ...index, v: 2 })));
  }
}

export interface MemoryDb {
  /** Pass where a `Db` is expected (only the methods above exist). */
  db: Db;
  collection(name: string): MemoryCollection;
}

export function memoryDb(): MemoryDb {
  const collections = new Map<string, MemoryCollection>();
  const collection = (name: string) => {
    let found = collections.get(name);
    if (found === undefined) {
      found = new MemoryCollection(name);
      collections.set(name, found);
    }
    return found;
  };
  const db = { databaseName: 'memory', collection } as unknown as Db;
  return { db, collection };
}
