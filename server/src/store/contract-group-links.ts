import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ContractContext } from './contract-context';

/** Store contract, part of `describeStoreContract`: invite links and join requests (issue #15). */
export function describeGroupLinksContract(context: ContractContext): void {
  const { store, who, origin } = context;
  const [a, b, c] = [0, 1, 2];

  it('invite links: a repeated opId returns the first link; listed newest first until revoked once', async () => {
    const conversationId = randomUUID();
    await store().createGroup({ ...origin(a), conversationId, title: 'G', memberIds: [who(b)] });
    const link = (code: string, at: number, opId: string | null) => ({
      code,
      conversationId,
      createdBy: who(a),
      createdAt: at,
      expiresAt: null,
      revokedAt: null,
      opId,
    });
    const first = await store().createInviteLink(link('code-one', 10, 'op-1'));
    expect(await store().createInviteLink(link('code-two', 20, 'op-1'))).toEqual(first);
    await store().createInviteLink({ ...link('code-three', 30, null), expiresAt: 99 });
    expect((await store().inviteLinksOf(conversationId)).map((l) => l.code)).toEqual([
      'code-three',
      'code-one',
    ]);
    expect(await store().inviteLinkByCode('code-two')).toBeNull();
    expect(await store().revokeInviteLink(conversationId, 'code-one', 40)).toBe(true);
    expect(await store().revokeInviteLink(conversationId, 'code-one', 50)).toBe(false);
    expect(await store().revokeInviteLink('other', 'code-three', 50)).toBe(false);
    expect(await store().inviteLinkByCode('code-one')).toMatchObject({ revokedAt: 40 });
    expect((await store().inviteLinksOf(conversationId)).map((l) => l.code)).toEqual([
      'code-three',
    ]);
  });

  it("a join through a link is logged as member_added { via: 'link' }; an add is not", async () => {
    const conversationId = randomUUID();
    await store().createGroup({ ...origin(a), conversationId, title: 'G', memberIds: [who(b)] });
    const [joined] = await store().changeGroup(conversationId, origin(a), {
      add: [who(c)],
      addedVia: 'link',
    });
    expect(joined).toMatchObject({
      type: 'member_added',
      payload: { userIds: [who(c)], via: 'link' },
    });
    await store().changeGroup(conversationId, origin(a), { remove: [who(c)] });
    const [added] = await store().changeGroup(conversationId, origin(a), { add: [who(c)] });
    expect(added?.payload).toEqual({ userIds: [who(c)] });
    // Read back as stored (MongoDB's documents are parsed by their schema).
    const log = await store().eventsAfter(
      conversationId,
      [{ joinedSeq: 1, leftSeq: null }],
      0,
      100,
      10,
    );
    expect(log.flatMap((e) => ('payload' in e && 'via' in e.payload ? [e.payload] : []))).toEqual([
      { userIds: [who(c)], via: 'link' },
    ]);
  });

  it('join requests: one per person and group, oldest first; removed once', async () => {
    const conversationId = randomUUID();
    await store().createGroup({ ...origin(a), conversationId, title: 'G', memberIds: [] });
    const request = (i: number, at: number) => ({
      conversationId,
      userId: who(i),
      code: 'code',
      createdAt: at,
    });
    expect(await store().addJoinRequest(request(c, 20))).toBe(true);
    expect(await store().addJoinRequest(request(b, 30))).toBe(true);
    expect(await store().addJoinRequest(request(c, 40))).toBe(false);
    expect(await store().joinRequest(conversationId, who(c))).toEqual(request(c, 20));
    expect((await store().joinRequestsOf(conversationId)).map((r) => r.userId)).toEqual([
      who(c),
      who(b),
    ]);
    expect(await store().removeJoinRequest(conversationId, who(c))).toBe(true);
    expect(await store().removeJoinRequest(conversationId, who(c))).toBe(false);
    expect(await store().joinRequest(conversationId, who(c))).toBeNull();
  });
}
