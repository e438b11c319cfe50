import { describe, expect, it } from 'vitest';
import { mongoMigrations } from './migrations';
import type { MongoModels } from './schemas';

/*
 * No MongoDB server can run here (DESIGN §8): the migration runs against an in-memory stand-in of
 * the three collections it touches, with just the query shapes it uses (named a mock for that).
 */
function mockMongoCollections(
  memberships: { conversationId: string; userId: string; muted: boolean }[],
) {
  const versions = new Map<string, number>();
  const entries = new Map<
    string,
    { userId: string; key: string; value: string; version: number }
  >();
  const models = {
    Membership: {
      find: (filter: { muted: boolean }) => ({
        sort: () => ({
          lean: () => ({
            cursor: async function* () {
              const rows = memberships
                .filter((m) => m.muted === filter.muted)
                .sort((a, b) =>
                  a.userId === b.userId
                    ? a.conversationId.localeCompare(b.conversationId)
                    : a.userId.localeCompare(b.userId),
                );
              for (const row of rows) yield row;
            },
          }),
        }),
      }),
    },
    AccountEntry: {
      exists: async (q: { userId: string; key: string }) =>
        entries.has(`${q.userId} ${q.key}`) ? { _id: 'x' } : null,
      updateOne: async (
        q: { userId: string; key: string },
        update: { $setOnInsert: { value: string; version: number } },
      ) => {
        const id = `${q.userId} ${q.key}`;
        if (!entries.has(id)) entries.set(id, { ...q, ...update.$setOnInsert });
      },
    },
    AccountVersion: {
      findOneAndUpdate: (q: { _id: string }, update: { $inc: { version: number } }) => ({
        lean: async () => {
          const version = (versions.get(q._id) ?? 0) + update.$inc.version;
          versions.set(q._id, version);
          return { _id: q._id, version };
        },
      }),
    },
  };
  return { models: models as unknown as MongoModels, versions, entries };
}

describe('mongo migration: mute moves into the account state', () => {
  it("muted memberships become mute:<id> = always at each user's next versions, once", async () => {
    const migration = mongoMigrations.find((m) =>
      /mute moves into the account state/.test(m.description),
    );
    expect(migration).toBeDefined();
    const mock = mockMongoCollections([
      { conversationId: 'g2', userId: 'ann', muted: true },
      { conversationId: 'g1', userId: 'ann', muted: true },
      { conversationId: 'g3', userId: 'ann', muted: false },
      { conversationId: 'g3', userId: 'ben', muted: true },
    ]);
    mock.versions.set('ann', 2);
    await migration?.up(mock.models);
    // Run again (an interrupted start-up repeats it): nothing more.
    await migration?.up(mock.models);
    expect([...mock.entries.values()].map((e) => [e.userId, e.key, e.value, e.version])).toEqual([
      ['ann', 'mute:g1', '"always"', 3],
      ['ann', 'mute:g2', '"always"', 4],
      ['ben', 'mute:g3', '"always"', 1],
    ]);
    expect(Object.fromEntries(mock.versions)).toEqual({ ann: 4, ben: 1 });
  });
});
