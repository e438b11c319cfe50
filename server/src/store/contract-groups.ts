import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { DEFAULT_GROUP_PERMISSIONS } from '@chitchat/shared';
import { stampsOf, type ContractContext } from './contract-context';

/** Store contract, part of `describeStoreContract`: group settings (issue #15). */
export function describeGroupsContract(context: ContractContext): void {
  const { store, who, origin } = context;
  const [a, b] = [0, 1];

  it('a group starts with the default permissions and no description; a change logs one event each and moves the summary', async () => {
    const conversationId = randomUUID();
    await store().createGroup({ ...origin(a), conversationId, title: 'G', memberIds: [who(b)] });
    expect(await store().getConversation(conversationId)).toMatchObject({
      description: null,
      permissions: DEFAULT_GROUP_PERMISSIONS,
    });
    const before = await stampsOf(store(), who(b));
    const permissions = {
      send: 'admins' as const,
      editInfo: 'everyone' as const,
      approveJoins: true,
    };
    const events = await store().changeGroup(conversationId, origin(a), {
      description: 'About us',
      permissions,
    });
    expect(events.map((e) => [e.seq, e.type, e.payload])).toEqual([
      [2, 'description_changed', { description: 'About us' }],
      [3, 'group_settings', { permissions }],
    ]);
    const after = await store().getConversation(conversationId);
    expect(after).toMatchObject({ description: 'About us', permissions, lastSeq: 3 });
    // Not a membership change; but every member's summary changed.
    expect(after?.membersVersion).toBe(1);
    expect((await stampsOf(store(), who(b)))[conversationId]?.[0]).toBeGreaterThan(
      before[conversationId]?.[0] ?? Infinity,
    );
    // Removing the description keeps the permissions; a title change keeps both.
    await store().changeGroup(conversationId, origin(a), { description: null });
    await store().changeGroup(conversationId, origin(a), { title: 'H' });
    expect(await store().getConversation(conversationId)).toMatchObject({
      title: 'H',
      description: null,
      permissions,
      lastSeq: 5,
    });
  });

  it('a group photo is set, replaced and removed as avatar_changed; only current members of the group see it', async () => {
    const conversationId = randomUUID();
    await store().createGroup({ ...origin(a), conversationId, title: 'G', memberIds: [who(b)] });
    expect((await store().getConversation(conversationId))?.avatar).toBeNull();
    const events = await store().changeGroup(conversationId, origin(a), { avatar: 'photo-1' });
    expect(events.map((e) => [e.seq, e.type, e.payload])).toEqual([
      [2, 'avatar_changed', { avatar: 'photo-1' }],
    ]);
    expect((await store().getConversation(conversationId))?.avatar).toBe('photo-1');
    expect(await store().seesGroupPhoto(who(b), 'photo-1')).toBe(true);
    expect(await store().seesGroupPhoto(who(b), 'photo-2')).toBe(false);
    // Replaced: the old photo names no group any more.
    await store().changeGroup(conversationId, origin(a), { avatar: 'photo-2' });
    expect(await store().seesGroupPhoto(who(b), 'photo-1')).toBe(false);
    expect(await store().seesGroupPhoto(who(b), 'photo-2')).toBe(true);
    // A removed member no longer sees it; the remaining one does.
    await store().changeGroup(conversationId, origin(a), { remove: [who(b)] });
    expect(await store().seesGroupPhoto(who(b), 'photo-2')).toBe(false);
    expect(await store().seesGroupPhoto(who(a), 'photo-2')).toBe(true);
    const removed = await store().changeGroup(conversationId, origin(a), { avatar: null });
    expect(removed.map((e) => [e.type, e.payload])).toEqual([['avatar_changed', { avatar: null }]]);
    expect(await store().getConversation(conversationId)).toMatchObject({
      avatar: null,
      lastSeq: 5,
    });
    expect(await store().seesGroupPhoto(who(a), 'photo-2')).toBe(false);
  });
}
