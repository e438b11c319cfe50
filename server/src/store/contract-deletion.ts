import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { newDevice, stampsOf, type ContractContext } from './contract-context';
import { StoreRefusal, UniqueViolation } from './types';

/**
 * Store contract, part of `describeStoreContract`: delete account (issue #15). User 0 registered
 * first, so it is the server's only admin; user 1 deletes its account.
 */
export function describeDeletionContract(context: ContractContext): void {
  const { store, who, origin } = context;
  const [a, b, c] = [0, 1, 2];

  it('delete account: a tombstone nobody finds, signed out, its private state gone, blocking its chats', async () => {
    const user = (await store().getUser(who(b)))!;
    const { id: deviceId } = newDevice(who(b));
    await store().createDevice(newDevice(who(b), { id: deviceId }), 10);
    const { conversation: chat } = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(b),
      peerId: who(a),
      at: 1,
    });
    const groupId = randomUUID();
    await store().createGroup({
      ...origin(c),
      conversationId: groupId,
      title: 'G',
      memberIds: [who(b)],
    });
    await store().updateBlocks(who(b), [who(c)], []);
    await store().writeAccountState(who(b), [{ key: 'draft:x', value: '"hi"' }], {
      at: 1,
      maxEntries: 100,
    });
    // A request to join another group (approval mode), pending when the account goes.
    const askedId = randomUUID();
    await store().createGroup({ ...origin(a), conversationId: askedId, title: 'H', memberIds: [] });
    const request = { conversationId: askedId, userId: who(b), code: 'link-code', createdAt: 7 };
    expect(await store().addJoinRequest(request)).toBe(true);
    const peerStamps = await stampsOf(store(), who(a));

    const deletion = await store().deleteAccount(who(b), 500);
    expect(deletion).toEqual({
      deviceIds: [deviceId],
      groupIds: [groupId],
      directChats: [{ conversationId: chat.id, peerId: who(a) }],
      joinRequests: [request],
    });
    expect(await store().joinRequestsOf(askedId)).toEqual([]);
    expect(await store().getUser(who(b))).toMatchObject({
      id: who(b),
      username: user.username,
      displayName: '',
      passwordHash: '',
      deletedAt: 500,
      disabledAt: 500,
      role: 'member',
    });
    expect(await store().findUserByUsername(user.username)).toBeNull();
    expect(await store().searchUsers(user.username, 10)).toEqual([]);
    expect(await store().listActiveDevices(who(b))).toEqual([]);
    expect((await store().accountStateSince(who(b), 0, 100)).entries).toEqual([]);
    // Its own blocks are gone; the peer of its direct chat is now blocked by it.
    expect(await store().usersBlocking(who(c), [who(b)])).toEqual([]);
    expect(await store().usersBlocking(who(a), [who(b)])).toEqual([who(b)]);
    // The peer's summary of the chat changed: their devices list it again.
    const after = await stampsOf(store(), who(a));
    expect(after[chat.id]).not.toEqual(peerStamps[chat.id]);
    // Groups are left by the caller, through the leave path.
    expect((await store().getMembership(groupId, who(b)))?.active).toBe(true);
    // Once is enough.
    expect(await store().deleteAccount(who(b), 600)).toBeNull();
  });

  it('delete account: the last admin is refused; a deleted username is free only after its quarantine', async () => {
    await expect(store().deleteAccount(who(a), 1)).rejects.toEqual(new StoreRefusal('last_admin'));
    expect((await store().getUser(who(a)))?.deletedAt).toBeNull();

    const username = (await store().getUser(who(b)))!.username;
    await store().deleteAccount(who(b), 1_000);
    const again = {
      id: randomUUID(),
      username: username.toUpperCase(),
      displayName: 'New',
      passwordHash: 'hash',
      createdAt: 2_000,
    };
    await expect(
      store().registerUser(again, { policy: 'free', at: 2_000, releaseDeletedBefore: 999 }),
    ).rejects.toBeInstanceOf(UniqueViolation);
    const created = await store().registerUser(again, {
      policy: 'free',
      at: 2_000,
      releaseDeletedBefore: 1_000,
    });
    expect(created).toMatchObject({ id: again.id, username: again.username, deletedAt: null });
    expect((await store().findUserByUsername(username))?.id).toBe(again.id);
    // The tombstone is still there for what others received from it.
    expect((await store().getUser(who(b)))?.deletedAt).toBe(1_000);
  });
}
