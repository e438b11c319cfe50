import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_KEY_MAX_LENGTH, ACCOUNT_VALUE_MAX_BYTES } from '@chitchat/shared';
import { accountEntrySchema, accountOpSchema } from './account-state-schemas';
import { defineModels } from './schemas';
import { mongoMigrations } from './migrations';

// Without a MongoDB server (none can run here): validators run in process on an unopened
// connection; the indexes are checked as declared (mongo.test.ts runs the contract when one exists).
const { AccountVersion, AccountEntry, AccountOp } = defineModels(mongoose.createConnection());

const invalidPaths = (doc: { validateSync(): mongoose.Error.ValidationError | null | undefined }) =>
  Object.keys(doc.validateSync()?.errors ?? {}).sort();

const entry = { userId: 'u1', key: 'star:c:1', value: 'true', version: 1, updatedAt: 5 };

describe('mongo schemas: account state', () => {
  it('entries need their fields; a removal keeps a null value; bounds follow the wire limits', () => {
    expect(invalidPaths(new AccountEntry(entry))).toEqual([]);
    expect(invalidPaths(new AccountEntry({ ...entry, value: null }))).toEqual([]);
    expect(new AccountEntry({ ...entry, value: undefined }).value).toBeNull();
    expect(invalidPaths(new AccountEntry({ userId: 'u1' }))).toEqual(
      ['key', 'updatedAt', 'version'].sort(),
    );
    expect(invalidPaths(new AccountEntry({ ...entry, version: 0 }))).toEqual(['version']);
    expect(invalidPaths(new AccountEntry({ ...entry, version: 1.5 }))).toEqual(['version']);
    expect(
      invalidPaths(new AccountEntry({ ...entry, key: 'k'.repeat(ACCOUNT_KEY_MAX_LENGTH + 1) })),
    ).toEqual(['key']);
    expect(
      invalidPaths(new AccountEntry({ ...entry, value: 'v'.repeat(ACCOUNT_VALUE_MAX_BYTES + 1) })),
    ).toEqual(['value']);
    expect(() => new AccountEntry({ ...entry, extra: 1 })).toThrow();
  });

  it('versions and applied opIds need their fields', () => {
    expect(invalidPaths(new AccountVersion({ _id: 'u1', version: 3 }))).toEqual([]);
    expect(invalidPaths(new AccountVersion({ _id: 'u1', version: -1 }))).toEqual(['version']);
    expect(invalidPaths(new AccountOp({ userId: 'u1', opId: 'o', version: 2 }))).toEqual([]);
    expect(invalidPaths(new AccountOp({ userId: 'u1' }))).toEqual(['opId', 'version']);
  });

  it('indexes: one entry per key, unique versions per user, one record per opId', () => {
    expect(accountEntrySchema.indexes()).toEqual([
      [{ userId: 1, key: 1 }, expect.objectContaining({ unique: true, name: 'account_entry_key' })],
      [
        { userId: 1, version: 1 },
        expect.objectContaining({ unique: true, name: 'account_entries_by_version' }),
      ],
    ]);
    expect(accountOpSchema.indexes()).toEqual([
      [{ userId: 1, opId: 1 }, expect.objectContaining({ unique: true, name: 'account_op' })],
    ]);
  });

  it('a migration creates the account-state collections', () => {
    expect(mongoMigrations.some((m) => /account state/.test(m.description))).toBe(true);
  });
});
