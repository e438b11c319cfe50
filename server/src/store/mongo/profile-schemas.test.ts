import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { mongoMigrations } from './migrations';
import { toUserRecord } from './records';
import { defineModels, userSchema, type UserDoc } from './schemas';

// Without a MongoDB server (none can run here): validators run in process on an unopened
// connection (mongo.test.ts runs the store contract, profiles included, when one exists).
const { User } = defineModels(mongoose.createConnection());

const invalidPaths = (doc: { validateSync(): mongoose.Error.ValidationError | null | undefined }) =>
  Object.keys(doc.validateSync()?.errors ?? {}).sort();

const user: UserDoc = {
  _id: 'u1',
  username: 'Ana',
  usernameKey: 'ana',
  displayName: 'Ana',
  passwordHash: 'x',
  createdAt: 1,
  lastSeenVisibility: 'contacts',
  devicesVersion: 0,
};

describe('mongo schemas: profiles', () => {
  it('a user written before profiles reads as no photo, an empty about, both audiences everyone', () => {
    const doc = new User(user);
    expect(invalidPaths(doc)).toEqual([]);
    expect(doc.photo).toBeUndefined();
    expect(toUserRecord(user)).toMatchObject({
      photo: null,
      about: '',
      photoVisibility: 'everyone',
      aboutVisibility: 'everyone',
    });
  });

  it('keeps a photo id, an about line and audiences of the three values; refuses others', () => {
    const full = {
      ...user,
      photo: 'm1',
      about: 'hi',
      photoVisibility: 'contacts',
      aboutVisibility: 'nobody',
    };
    expect(invalidPaths(new User(full))).toEqual([]);
    expect(
      toUserRecord({
        ...user,
        photo: 'm1',
        about: 'hi',
        photoVisibility: 'contacts',
        aboutVisibility: 'nobody',
      }),
    ).toMatchObject({
      photo: 'm1',
      about: 'hi',
      photoVisibility: 'contacts',
      aboutVisibility: 'nobody',
    });
    expect(invalidPaths(new User({ ...user, photo: null }))).toEqual([]);
    expect(invalidPaths(new User({ ...user, photoVisibility: 'friends' }))).toEqual([
      'photoVisibility',
    ]);
    expect(invalidPaths(new User({ ...user, aboutVisibility: 'all' }))).toEqual([
      'aboutVisibility',
    ]);
  });

  it('users are indexed by photo (downloads and the media sweep), and a migration builds the index', () => {
    const index = userSchema.indexes().find(([, options]) => options.name === 'users_by_photo');
    expect(index?.[0]).toEqual({ photo: 1 });
    expect(mongoMigrations.some((m) => /users_by_photo/.test(m.description))).toBe(true);
  });
});
