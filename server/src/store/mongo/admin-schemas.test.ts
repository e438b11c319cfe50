import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { defineModels } from './schemas';
import { mongoMigrations } from './migrations';

// Like schemas.test.ts: models on a connection that is never opened, validated in process.
const { User, Invite } = defineModels(mongoose.createConnection());

const invalidPaths = (doc: { validateSync(): mongoose.Error.ValidationError | null | undefined }) =>
  Object.keys(doc.validateSync()?.errors ?? {}).sort();

const user = {
  _id: 'u1',
  username: 'Alice',
  usernameKey: 'alice',
  displayName: 'Alice',
  passwordHash: 'hash',
  createdAt: 1,
};
const invite = { _id: 'code', createdBy: 'u1', createdAt: 1, expiresAt: 2, maxUses: 3, uses: 0 };

describe('mongo schemas: admins and invites', () => {
  it('users are members and enabled unless set; only admin and member are roles', () => {
    const plain = new User(user);
    expect(invalidPaths(plain)).toEqual([]);
    expect(plain.role).toBe('member');
    expect(plain.disabledAt).toBeNull();
    expect(invalidPaths(new User({ ...user, role: 'admin', disabledAt: 5 }))).toEqual([]);
    expect(invalidPaths(new User({ ...user, role: 'owner' }))).toEqual(['role']);
    expect(invalidPaths(new User({ ...user, disabledAt: 1.5 }))).toEqual(['disabledAt']);
  });

  it('a deleted account (issue #15) is a user with an integer deletedAt; others have none', () => {
    expect(new User(user).deletedAt).toBeNull();
    expect(invalidPaths(new User({ ...user, deletedAt: 7, disabledAt: 7 }))).toEqual([]);
    expect(invalidPaths(new User({ ...user, deletedAt: 'soon' }))).toEqual(['deletedAt']);
    expect(invalidPaths(new User({ ...user, deletedAt: -1 }))).toEqual(['deletedAt']);
  });

  it('invites: at least one use, never more uses than allowed, integer times, no stray fields', () => {
    expect(invalidPaths(new Invite(invite))).toEqual([]);
    expect(invalidPaths(new Invite({ ...invite, createdBy: null }))).toEqual([]);
    expect(new Invite(invite).revokedAt).toBeNull();
    expect(invalidPaths(new Invite({ ...invite, maxUses: 0 }))).toEqual(['maxUses']);
    expect(invalidPaths(new Invite({ ...invite, uses: 4 }))).toEqual(['uses']);
    expect(invalidPaths(new Invite({ ...invite, expiresAt: 2.5 }))).toEqual(['expiresAt']);
    expect(() => new Invite({ ...invite, extra: 1 })).toThrow();
  });

  it('migration 6 adds the invites and makes the oldest account admin', () => {
    expect(mongoMigrations[5]?.description).toMatch(/invites; roles/);
    expect(Invite.collection.collectionName).toBe('invites');
  });
});
