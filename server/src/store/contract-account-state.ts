import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { StoreRefusal, type Store } from './types';

/**
 * The account state's part of the store contract (DESIGN §3 "Account state"), run inside
 * describeStoreContract against each implementation; `store` is that suite's fresh store.
 */
export function accountStateContract(store: () => Store): void {
  const newUserId = async () => {
    const id = randomUUID();
    const username = `u_${id.slice(0, 8)}`;
    await store().createUser({
      id,
      username,
      displayName: username,
      passwordHash: 'hash',
      createdAt: 1,
    });
    return id;
  };
  const opts = { at: 10, maxEntries: 100 };

  it('account state: each changed entry gets the next per-user version; unchanged ones are skipped', async () => {
    const a = await newUserId();
    const b = await newUserId();
    expect(await store().accountStateSince(a, 0, 10)).toEqual({ version: 0, entries: [] });
    const first = await store().writeAccountState(
      a,
      [
        { key: 'star:c:1', value: 'true' },
        { key: 'star:c:2', value: 'true' },
      ],
      opts,
    );
    expect(first.version).toBe(2);
    expect(first.entries).toEqual([
      { key: 'star:c:1', value: 'true', version: 1, updatedAt: 10 },
      { key: 'star:c:2', value: 'true', version: 2, updatedAt: 10 },
    ]);
    // The same value again and the removal of an absent key change nothing.
    const same = await store().writeAccountState(
      a,
      [
        { key: 'star:c:1', value: 'true' },
        { key: 'star:c:9', value: null },
      ],
      opts,
    );
    expect(same).toEqual({ version: 2, entries: [] });
    // Versions are per user: b starts at 1 and sees nothing of a's.
    expect(
      (await store().writeAccountState(b, [{ key: 'deleted:c:1', value: 'true' }], opts)).version,
    ).toBe(1);
    expect((await store().accountStateSince(b, 0, 10)).entries.map((e) => e.key)).toEqual([
      'deleted:c:1',
    ]);
  });

  it('account state: a removal is a tombstone for devices that hold a version, left out from 0', async () => {
    const a = await newUserId();
    await store().writeAccountState(
      a,
      [
        { key: 'star:c:1', value: 'true' },
        { key: 'star:c:2', value: 'true' },
      ],
      opts,
    );
    const removed = await store().writeAccountState(a, [{ key: 'star:c:1', value: null }], {
      ...opts,
      at: 11,
    });
    expect(removed.entries).toEqual([{ key: 'star:c:1', value: null, version: 3, updatedAt: 11 }]);
    expect(await store().accountStateSince(a, 2, 10)).toEqual({
      version: 3,
      entries: [{ key: 'star:c:1', value: null, version: 3, updatedAt: 11 }],
    });
    expect(await store().accountStateSince(a, 0, 10)).toEqual({
      version: 3,
      entries: [{ key: 'star:c:2', value: 'true', version: 2, updatedAt: 10 }],
    });
    // Paged by version, ascending, at most `limit`.
    expect((await store().accountStateSince(a, 1, 1)).entries.map((e) => e.version)).toEqual([2]);
  });

  it('account state: a repeated opId writes nothing and answers the first version', async () => {
    const a = await newUserId();
    const b = await newUserId();
    const write = { ...opts, opId: 'op-1' };
    expect(
      (await store().writeAccountState(a, [{ key: 'star:c:1', value: 'true' }], write)).version,
    ).toBe(1);
    await store().writeAccountState(a, [{ key: 'star:c:2', value: 'true' }], opts);
    expect(await store().writeAccountState(a, [{ key: 'star:c:3', value: 'true' }], write)).toEqual(
      { version: 1, entries: [] },
    );
    expect(await store().accountOpVersion(a, 'op-1')).toBe(1);
    expect(await store().accountOpVersion(a, 'op-2')).toBeNull();
    // opIds are per user.
    expect(
      (await store().writeAccountState(b, [{ key: 'star:c:1', value: 'true' }], write)).version,
    ).toBe(1);
    expect((await store().accountStateSince(a, 0, 10)).entries.map((e) => e.key)).toEqual([
      'star:c:1',
      'star:c:2',
    ]);
  });

  it('account state: a write past maxEntries is refused whole; removals still pass', async () => {
    const a = await newUserId();
    const small = { at: 1, maxEntries: 2 };
    await store().writeAccountState(
      a,
      [
        { key: 'star:c:1', value: 'true' },
        { key: 'star:c:2', value: 'true' },
      ],
      small,
    );
    const refused = store().writeAccountState(
      a,
      [
        { key: 'star:c:1', value: null },
        { key: 'star:c:3', value: 'true' },
        { key: 'star:c:4', value: 'true' },
      ],
      { ...small, opId: 'full' },
    );
    await expect(refused).rejects.toBeInstanceOf(StoreRefusal);
    await expect(refused).rejects.toMatchObject({ reason: 'account_full' });
    expect(await store().accountOpVersion(a, 'full')).toBeNull();
    expect(await store().accountStateSince(a, 0, 10)).toMatchObject({ version: 2 });
    // Replacing one entry by another fits; so does a removal.
    const swap = await store().writeAccountState(
      a,
      [
        { key: 'star:c:1', value: null },
        { key: 'star:c:3', value: 'true' },
      ],
      small,
    );
    expect(swap.version).toBe(4);
    expect((await store().accountStateSince(a, 0, 10)).entries.map((e) => e.key)).toEqual([
      'star:c:2',
      'star:c:3',
    ]);
  });

  it("account state: accountValues answers the current values of the asked keys, the user's own only", async () => {
    const a = await newUserId();
    const b = await newUserId();
    await store().writeAccountState(
      a,
      [
        { key: 'mute:c1', value: '"always"' },
        { key: 'mute:c2', value: '"2030-01-01T00:00:00.000Z"' },
        { key: 'draft:c1', value: '"hello"' },
      ],
      opts,
    );
    await store().writeAccountState(a, [{ key: 'mute:c2', value: null }], opts);
    await store().writeAccountState(b, [{ key: 'mute:c3', value: '"always"' }], opts);
    const values = await store().accountValues(a, ['mute:c1', 'mute:c2', 'mute:c3', 'draft:c1']);
    // The removed key and another user's key are absent; nothing beyond the asked keys.
    expect([...values.entries()].sort()).toEqual([
      ['draft:c1', '"hello"'],
      ['mute:c1', '"always"'],
    ]);
    expect((await store().accountValues(a, [])).size).toBe(0);
  });
}
