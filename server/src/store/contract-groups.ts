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
}
