import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { defineModels } from './schemas';
import { mongoMigrations } from './migrations';

// Without a MongoDB server (none can run here): validators run in process on an unopened
// connection (mongo.test.ts runs the store contract, push included, when one exists).
const { PushSubscription, User } = defineModels(mongoose.createConnection());

const invalidPaths = (doc: { validateSync(): mongoose.Error.ValidationError | null | undefined }) =>
  Object.keys(doc.validateSync()?.errors ?? {}).sort();

const doc = {
  _id: 'd1',
  userId: 'u1',
  endpoint: 'https://push.example.org/abc',
  p256dh: `B${'A'.repeat(86)}`,
  auth: 'A'.repeat(22),
  createdAt: 5,
};

describe('mongo schemas: web push', () => {
  it('a subscription needs an http(s) endpoint and keys of the browser shapes', () => {
    expect(invalidPaths(new PushSubscription(doc))).toEqual([]);
    expect(invalidPaths(new PushSubscription({ _id: 'd1' })).sort()).toEqual(
      ['auth', 'createdAt', 'endpoint', 'p256dh', 'userId'].sort(),
    );
    expect(invalidPaths(new PushSubscription({ ...doc, endpoint: 'ftp://x/y' }))).toEqual([
      'endpoint',
    ]);
    expect(invalidPaths(new PushSubscription({ ...doc, p256dh: 'A'.repeat(87) }))).toEqual([
      'p256dh',
    ]);
    expect(invalidPaths(new PushSubscription({ ...doc, auth: 'short' }))).toEqual(['auth']);
    expect(invalidPaths(new PushSubscription({ ...doc, createdAt: 1.5 }))).toEqual(['createdAt']);
    expect(() => new PushSubscription({ ...doc, extra: 1 })).toThrow();
  });

  it('subscriptions are found by user through an index', () => {
    expect(PushSubscription.schema.indexes()).toContainEqual([
      { userId: 1 },
      expect.objectContaining({ name: 'push_subscriptions_by_user' }),
    ]);
  });

  it('a user keeps the choice of previews in notifications', () => {
    const user = new User({
      _id: 'u1',
      username: 'ann',
      usernameKey: 'ann',
      displayName: 'Ann',
      passwordHash: 'h',
      createdAt: 1,
      notificationPreviews: false,
    });
    expect(invalidPaths(user)).toEqual([]);
    expect(user.notificationPreviews).toBe(false);
  });

  it('a migration creates the collection', () => {
    expect(mongoMigrations.some((m) => /push_subscriptions/.test(m.description))).toBe(true);
  });
});
