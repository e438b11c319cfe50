import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { defineModels } from './schemas';
import { mongoMigrations } from './migrations';
import { ssoCodeSchema, ssoIdentitySchema } from './sso-schemas';

// Without a MongoDB server (none can run here): validators run in process on an unopened
// connection (mongo.test.ts runs the store contract, single sign-on included, when one exists).
const { SsoIdentity, SsoCode, SsoDeviceSignIn } = defineModels(mongoose.createConnection());

const invalidPaths = (doc: { validateSync(): mongoose.Error.ValidationError | null | undefined }) =>
  Object.keys(doc.validateSync()?.errors ?? {}).sort();

const code = {
  _id: 'a'.repeat(64),
  userId: 'u1',
  client: 'desktop',
  challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  expiresAt: 5,
  expireAt: new Date(5),
};

describe('mongo schemas: single sign-on', () => {
  it('an identity is unique by (issuer, subject)', () => {
    const identity = {
      issuer: 'https://id.example.org',
      subject: 's1',
      userId: 'u1',
      createdAt: 1,
    };
    expect(invalidPaths(new SsoIdentity(identity))).toEqual([]);
    expect(invalidPaths(new SsoIdentity({ ...identity, subject: '' }))).toEqual(['subject']);
    expect(() => new SsoIdentity({ ...identity, username: 'x' })).toThrow();
    expect(ssoIdentitySchema.indexes()).toContainEqual([
      { issuer: 1, subject: 1 },
      expect.objectContaining({ unique: true }),
    ]);
  });

  it('a one-time code is kept as a SHA-256 with the app’s S256 challenge, and expires by TTL', () => {
    expect(invalidPaths(new SsoCode(code))).toEqual([]);
    expect(invalidPaths(new SsoCode({ ...code, _id: 'the-code-itself' }))).toEqual(['_id']);
    expect(invalidPaths(new SsoCode({ ...code, client: 'cli' }))).toEqual(['client']);
    expect(invalidPaths(new SsoCode({ ...code, challenge: 'plain' }))).toEqual(['challenge']);
    expect(ssoCodeSchema.indexes()).toContainEqual([
      { expireAt: 1 },
      expect.objectContaining({ expireAfterSeconds: 0 }),
    ]);
    expect(invalidPaths(new SsoDeviceSignIn({ _id: 'd1', at: 1.5 }))).toEqual(['at']);
  });

  it('a migration creates the collections and their indexes', () => {
    expect(mongoMigrations.some((m) => /sso_/.test(m.description))).toBe(true);
  });
});
