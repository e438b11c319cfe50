import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { defineModels } from './schemas';
import { mongoMigrations } from './migrations';

// Without a MongoDB server (none can run here): validators run in process on an unopened
// connection (mongo.test.ts runs the store contract, two-step included, when one exists).
const { TwoStep } = defineModels(mongoose.createConnection());

const invalidPaths = (doc: { validateSync(): mongoose.Error.ValidationError | null | undefined }) =>
  Object.keys(doc.validateSync()?.errors ?? {}).sort();

const hash = 'a'.repeat(64);
const doc = {
  _id: 'u1',
  secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  enabledAt: 5,
  lastStep: 10,
  recoveryCodes: [{ hash, usedAt: null }],
};

describe('mongo schemas: two-step sign-in', () => {
  it('a document needs a base32 secret; steps and times are whole numbers or null', () => {
    expect(invalidPaths(new TwoStep(doc))).toEqual([]);
    expect(invalidPaths(new TwoStep({ _id: 'u1' }))).toEqual(['secret']);
    expect(invalidPaths(new TwoStep({ ...doc, secret: 'not base32!' }))).toEqual(['secret']);
    expect(invalidPaths(new TwoStep({ ...doc, lastStep: 1.5 }))).toEqual(['lastStep']);
    expect(invalidPaths(new TwoStep({ ...doc, enabledAt: -1 }))).toEqual(['enabledAt']);
    const pending = new TwoStep({ _id: 'u1', secret: doc.secret });
    expect(pending.enabledAt).toBeNull();
    expect(pending.recoveryCodes).toHaveLength(0);
    expect(() => new TwoStep({ ...doc, extra: 1 })).toThrow();
  });

  it('recovery codes are kept only as SHA-256 hashes', () => {
    expect(
      invalidPaths(
        new TwoStep({ ...doc, recoveryCodes: [{ hash: 'abcd-efgh-jkmn', usedAt: null }] }),
      ),
    ).toEqual(['recoveryCodes.0.hash']);
    expect(invalidPaths(new TwoStep({ ...doc, recoveryCodes: [{ hash, usedAt: 2.5 }] }))).toEqual([
      'recoveryCodes.0.usedAt',
    ]);
  });

  it('a migration creates the collection', () => {
    expect(mongoMigrations.some((m) => /two_step/.test(m.description))).toBe(true);
  });
});
