import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ContractContext } from './contract-context';

/** Store contract, part of `describeStoreContract`: profiles (issue #15). */
export function describeProfileContract(context: ContractContext): void {
  const { store, who, origin } = context;
  const [a, b, c] = [0, 1, 2];

  it('profiles: no photo, an empty about and everyone as both audiences until set; each field alone', async () => {
    expect(await store().getUser(who(a))).toMatchObject({
      photo: null,
      about: '',
      photoVisibility: 'everyone',
      aboutVisibility: 'everyone',
    });
    await store().updateUser(who(a), { photo: 'media-1', about: 'שלום, hi 👋' });
    await store().updateUser(who(a), { photoVisibility: 'contacts' });
    await store().updateUser(who(a), { aboutVisibility: 'nobody', displayName: 'Ana' });
    expect(await store().getUser(who(a))).toMatchObject({
      displayName: 'Ana',
      photo: 'media-1',
      about: 'שלום, hi 👋',
      photoVisibility: 'contacts',
      aboutVisibility: 'nobody',
      // Other settings are untouched.
      readReceipts: true,
    });
    expect((await store().getUsers([who(a)]))[0]?.photo).toBe('media-1');
    await store().updateUser(who(a), { photo: null, about: '' });
    expect(await store().getUser(who(a))).toMatchObject({ photo: null, about: '' });
  });

  it('profiles: a photo names its current owner only; a replaced photo names nobody', async () => {
    expect(await store().userWithPhoto('p1')).toBeNull();
    await store().updateUser(who(b), { photo: 'p1' });
    expect((await store().userWithPhoto('p1'))?.id).toBe(who(b));
    await store().updateUser(who(b), { photo: 'p2' });
    expect(await store().userWithPhoto('p1')).toBeNull();
    expect((await store().userWithPhoto('p2'))?.id).toBe(who(b));
    await store().updateUser(who(b), { photo: null });
    expect(await store().userWithPhoto('p2')).toBeNull();
  });

  it('profiles: conversation partners are the current members of my current conversations; shared groups need both current', async () => {
    expect(await store().conversationPartners(who(a))).toEqual([]);
    await store().getOrCreateDirect({ id: randomUUID(), userId: who(a), peerId: who(b), at: 1 });
    expect(await store().conversationPartners(who(a))).toEqual([who(b)]);
    expect(await store().conversationPartners(who(c))).toEqual([]);
    const first = randomUUID();
    const second = randomUUID();
    await store().createGroup({
      ...origin(a),
      at: 10,
      conversationId: first,
      title: 'first',
      memberIds: [who(c)],
    });
    await store().createGroup({
      ...origin(c),
      at: 20,
      conversationId: second,
      title: 'second',
      memberIds: [who(a), who(b)],
    });
    expect((await store().conversationPartners(who(a))).sort()).toEqual([who(b), who(c)].sort());
    expect(await store().sharedGroups(who(a), who(c))).toEqual([first, second]);
    expect(await store().sharedGroups(who(c), who(a))).toEqual([first, second]);
    // A direct chat is not a group.
    expect(await store().sharedGroups(who(a), who(b))).toEqual([second]);
    expect(await store().sharedGroups(who(a), who(a))).toEqual([]);
    // Someone who left is no longer a partner there, and the group is no longer shared.
    await store().changeGroup(second, origin(c), { remove: [who(b)] });
    expect(await store().sharedGroups(who(a), who(b))).toEqual([]);
    expect(await store().conversationPartners(who(b))).toEqual([who(a)]);
    await store().changeGroup(first, origin(a), { leave: { newOwner: who(c) } });
    expect(await store().sharedGroups(who(a), who(c))).toEqual([second]);
  });
}
