import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { StoreRefusal } from './types';
import { stampsOf, type ContractContext } from './contract-context';

/** Store contract, part of `describeStoreContract`: direct chats, relationships, the log and its visibility. */
export function describeLogContract(context: ContractContext): void {
  const { store, who, origin, message } = context;
  const [a, b, c] = [0, 1, 2];
  it('relationships: contacts one way, request dismissals, invitations, shared groups', async () => {
    await store().updateUser(who(a), { groupAdds: 'contacts', lastSeenVisibility: 'everyone' });
    expect(await store().getUser(who(a))).toMatchObject({
      groupAdds: 'contacts',
      lastSeenVisibility: 'everyone',
    });
    expect(await store().getUser(who(b))).toMatchObject({ groupAdds: 'everyone' });
    // The read-receipts switch: on until turned off, and back.
    expect(await store().getUser(who(a))).toMatchObject({ readReceipts: true });
    await store().updateUser(who(a), { readReceipts: false });
    expect(await store().getUser(who(a))).toMatchObject({
      readReceipts: false,
      groupAdds: 'contacts',
    });
    await store().updateUser(who(a), { readReceipts: true });
    expect(await store().getUser(who(a))).toMatchObject({ readReceipts: true });

    const { conversation } = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(a),
      peerId: who(b),
      at: 1,
    });
    const before = await store().changeCursor();
    // Contacts are one way; self and unknown ids are ignored; a repeat adds nothing.
    expect(await store().addContacts(who(a), [who(b), who(a), 'missing'], 5)).toEqual([who(b)]);
    expect(await store().addContacts(who(a), [who(b)], 6)).toEqual([]);
    expect(await store().contactsAmong(who(a), [who(b), who(c)])).toEqual([who(b)]);
    expect(await store().contactsAmong(who(b), [who(a)])).toEqual([]);
    expect(await store().havingContact(who(b), [who(a), who(c)])).toEqual([who(a)]);
    // A new contact changes the pair's direct chat for both (its request state).
    expect(await store().changedSummaries(who(b), before)).toHaveLength(1);
    expect(await store().changedSummaries(who(a), before)).toHaveLength(1);

    expect(await store().dismissedRequestSeq(who(b), conversation.id)).toBeNull();
    const beforeDismissal = await store().changeCursor();
    const aBeforeDismissal = await stampsOf(store(), who(a));
    await store().dismissRequest(who(b), conversation.id, 3);
    await store().dismissRequest(who(b), conversation.id, 2);
    expect(await store().dismissedRequestSeq(who(b), conversation.id)).toBe(3);
    expect(await store().changedSummaries(who(b), beforeDismissal)).toHaveLength(1);
    expect(await stampsOf(store(), who(a))).toEqual(aBeforeDismissal);

    const { conversation: team } = await store().createGroup({
      ...origin(c),
      conversationId: randomUUID(),
      title: 'Team',
      memberIds: [who(b)],
    });
    expect(await store().sharingGroup(who(c), [who(a), who(b)])).toEqual([who(b)]);
    // A direct chat is no shared group.
    expect(await store().sharingGroup(who(a), [who(b)])).toEqual([]);

    expect(await store().addInvitations(team.id, who(c), [who(a), 'missing'], 7)).toEqual([who(a)]);
    expect(await store().addInvitations(team.id, who(b), [who(a)], 8)).toEqual([]);
    const invitation = {
      conversationId: team.id,
      userId: who(a),
      inviterId: who(c),
      createdAt: 7,
    };
    expect(await store().invitationsOf(who(a))).toEqual([invitation]);
    expect(await store().getInvitation(team.id, who(a))).toEqual(invitation);
    expect(await store().removeInvitation(team.id, who(a))).toBe(true);
    expect(await store().removeInvitation(team.id, who(a))).toBe(false);
    expect(await store().invitationsOf(who(a))).toEqual([]);
  });

  it('direct chats are one per pair, in either order', async () => {
    expect(await store().findDirect(who(a), who(b))).toBeNull();
    const first = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(a),
      peerId: who(b),
      at: 1,
    });
    const again = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(b),
      peerId: who(a),
      at: 2,
    });
    expect(first.created).toBe(true);
    expect(again).toEqual({ conversation: first.conversation, created: false });
    expect(await store().findDirect(who(b), who(a))).toEqual(first.conversation);
    expect(
      (await store().activeMembers(first.conversation.id)).map((m) => m.userId).sort(),
    ).toEqual([who(a), who(b)].sort());
  });

  it('appends gapless seqs; a repeated clientMsgId returns the first event and writes nothing', async () => {
    const { conversation } = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(a),
      peerId: who(b),
      at: 1,
    });
    const first = await store().appendMessage(message(conversation.id, a, 'one', 'cm-1'));
    const retry = await store().appendMessage(message(conversation.id, a, 'one again', 'cm-1'));
    expect(retry).toEqual({ event: first.event, duplicate: true });
    const cursor = await store().changeCursor();
    const second = await store().appendMessage(message(conversation.id, b, 'two'));
    expect([first.event.seq, second.event.seq]).toEqual([1, 2]);
    expect((await store().getConversation(conversation.id))?.lastSeq).toBe(2);
    const periods = [{ joinedSeq: 1, leftSeq: null }];
    expect(
      (await store().eventsAfter(conversation.id, periods, 0, 2, 10)).map((e) => e.seq),
    ).toEqual([1, 2]);
    expect((await store().eventsBefore(conversation.id, periods, 3, 10)).map((e) => e.seq)).toEqual(
      [2, 1],
    );
    expect(await store().eventByClientMsgId(who(a), 'cm-1')).toMatchObject({ seq: 1 });
    // The sender's own watermarks follow their send, and their summary (read up to the new
    // message) is among what changed since before it, as is the peer's (one more unread).
    expect(await store().getMembership(conversation.id, who(b))).toMatchObject({
      readSeq: 2,
      deliveredSeq: 2,
    });
    for (const [user, readSeq] of [
      [b, 2],
      [a, 1],
    ] as const) {
      const changed = await store().changedSummaries(who(user), cursor);
      expect(changed.map((row) => [row.conversation.lastSeq, row.membership.readSeq])).toEqual([
        [2, readSeq],
      ]);
    }
    await expect(
      store().appendMessage(message(conversation.id, c, 'intruder')),
    ).rejects.toBeInstanceOf(StoreRefusal);
  });

  it('a send to someone who blocks the sender is refused and writes nothing', async () => {
    const { conversation } = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(a),
      peerId: who(b),
      at: 1,
    });
    const toB = (text: string, clientMsgId?: string) => ({
      ...message(conversation.id, a, text, clientMsgId),
      unlessBlockedBy: who(b),
    });
    await store().appendMessage(toB('before'));
    const before = await store().getConversation(conversation.id);
    await store().updateBlocks(who(b), [who(a)], []);
    const [refused, fromB] = await Promise.allSettled([
      store().appendMessage(toB('blocked')),
      store().appendMessage({
        ...message(conversation.id, b, 'b may still write'),
        unlessBlockedBy: who(a),
      }),
    ]);
    expect(refused).toMatchObject({ status: 'rejected', reason: { reason: 'blocked' } });
    expect(fromB).toMatchObject({ status: 'fulfilled', value: { event: { seq: 2 } } });
    expect(await store().getMembership(conversation.id, who(a))).toMatchObject({ readSeq: 1 });
    // A retry of the message sent before the block still gets its first answer.
    const first = (
      await store().eventsAfter(conversation.id, [{ joinedSeq: 1, leftSeq: null }], 0, 2, 10)
    )[0];
    expect(
      await store().appendMessage(
        toB('before', first?.type === 'message' ? first.clientMsgId : ''),
      ),
    ).toMatchObject({ event: { seq: 1 }, duplicate: true });
    await store().updateBlocks(who(b), [], [who(a)]);
    expect((await store().appendMessage(toB('after'))).event.seq).toBe(3);
    expect((await store().getConversation(conversation.id))?.lastSeq).toBe(
      (before?.lastSeq ?? 0) + 2,
    );
  });

  it('concurrent appends get consecutive seqs; a refused or repeated one disturbs no other', async () => {
    const { conversation } = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(a),
      peerId: who(b),
      at: 1,
    });
    const outcomes = await Promise.allSettled([
      store().appendMessage(message(conversation.id, a, 'one', 'same-id')),
      store().appendMessage(message(conversation.id, c, 'not a member')),
      store().appendMessage(message(conversation.id, b, 'two')),
      store().appendMessage(message(conversation.id, a, 'one again', 'same-id')),
      store().appendMessage(message(conversation.id, b, 'three')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    const values = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(values.map((v) => [v.event.seq, v.duplicate])).toEqual([
      [1, false],
      [2, false],
      [1, true],
      [3, false],
    ]);
    const log = await store().eventsAfter(
      conversation.id,
      [{ joinedSeq: 1, leftSeq: null }],
      0,
      10,
      10,
    );
    expect(log.map((e) => (e.type === 'message' ? e.payload.text : null))).toEqual([
      'one',
      'two',
      'three',
    ]);
  });

  it('edits update the current state; deletes remove the text from the message and its edits', async () => {
    const { conversation } = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(a),
      peerId: who(b),
      at: 1,
    });
    await store().appendMessage(message(conversation.id, a, 'draft'));
    const edit = await store().editMessage(conversation.id, 1, 'final', origin(a, 'op-edit'));
    expect(await store().editMessage(conversation.id, 1, 'ignored', origin(a, 'op-edit'))).toEqual(
      edit,
    );
    expect(await store().getEvent(conversation.id, 1)).toMatchObject({
      payload: { text: 'final' },
      editVersion: 1,
    });
    await store().deleteMessage(conversation.id, 1, origin(a));
    const all = await store().eventsAfter(
      conversation.id,
      [{ joinedSeq: 1, leftSeq: null }],
      0,
      10,
      10,
    );
    expect(JSON.stringify(all)).not.toContain('final');
    expect(JSON.stringify(all)).not.toContain('draft');
    expect(all[0]).toMatchObject({ payload: { text: null, attachments: [] } });
    await expect(store().deleteMessage(conversation.id, 1, origin(a))).rejects.toMatchObject({
      reason: 'already_deleted',
    });
    await expect(store().editMessage(conversation.id, 2, 'x', origin(a))).rejects.toMatchObject({
      reason: 'not_message',
    });
  });

  it('a message keeps `forwarded` and its link preview as sent; a delete removes the preview; plain messages carry neither', async () => {
    const { conversation } = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(a),
      peerId: who(b),
      at: 1,
    });
    const image = { id: 'img', name: 'og.png', mime: 'image/png', size: 3, thumbnail: false };
    const linkPreview = {
      url: 'https://example.com/',
      title: 'Example',
      description: null,
      image,
    };
    await store().appendMessage({
      ...message(conversation.id, a, 'https://example.com/'),
      forwarded: true,
      linkPreview,
    });
    await store().appendMessage(message(conversation.id, a, 'plain'));
    const page = async () =>
      store().eventsAfter(conversation.id, [{ joinedSeq: 1, leftSeq: null }], 0, 10, 10);
    const [withExtras, plain] = await page();
    expect(withExtras).toMatchObject({
      payload: { text: 'https://example.com/', forwarded: true, linkPreview },
    });
    expect(plain && 'payload' in plain ? Object.keys(plain.payload).sort() : []).toEqual([
      'attachments',
      'replyToSeq',
      'text',
    ]);
    await store().deleteMessage(conversation.id, 1, origin(a));
    const [deleted] = await page();
    expect(deleted && 'payload' in deleted ? deleted.payload : null).toEqual({
      text: null,
      replyToSeq: null,
      attachments: [],
      forwarded: true,
    });
  });

  it('mentions: stored when every id is an active member, refused with nothing written otherwise; a repeat answers as first; a delete removes them', async () => {
    const conversationId = randomUUID();
    await store().createGroup({ ...origin(a), conversationId, title: 'G', memberIds: [who(b)] });
    const first = await store().appendMessage({
      ...message(conversationId, a, 'hi @B', 'mention-1'),
      mentions: [who(b), who(a)],
    });
    expect(first.event).toMatchObject({ seq: 2, payload: { mentions: [who(b), who(a)] } });
    const lastSeq = async () => (await store().getConversation(conversationId))?.lastSeq;
    for (const mentions of [[who(c)], [who(b), 'missing']]) {
      await expect(
        store().appendMessage({ ...message(conversationId, a, 'hi'), mentions }),
      ).rejects.toMatchObject({ reason: 'mention_not_member' });
    }
    expect(await lastSeq()).toBe(2);
    // A former member can no longer be mentioned; the stored send still answers as it first did.
    await store().changeGroup(conversationId, origin(a), { remove: [who(b)] }); // 3
    await expect(
      store().appendMessage({ ...message(conversationId, a, 'hi'), mentions: [who(b)] }),
    ).rejects.toMatchObject({ reason: 'mention_not_member' });
    const repeat = await store().appendMessage({
      ...message(conversationId, a, 'hi @B', 'mention-1'),
      mentions: [who(b)],
    });
    expect(repeat).toMatchObject({ duplicate: true, event: { seq: 2 } });
    expect(await lastSeq()).toBe(3);
    // An empty list stores no field at all.
    await store().appendMessage({ ...message(conversationId, a, 'plain'), mentions: [] }); // 4
    const periods = [{ joinedSeq: 1, leftSeq: null }];
    const page = await store().eventsAfter(conversationId, periods, 0, 10, 10);
    const plain = page.find((e) => e.seq === 4);
    expect(plain && 'payload' in plain ? Object.keys(plain.payload).sort() : []).toEqual([
      'attachments',
      'replyToSeq',
      'text',
    ]);
    await store().deleteMessage(conversationId, 2, origin(a));
    expect((await store().getEvent(conversationId, 2))?.payload).toEqual({
      text: null,
      replyToSeq: null,
      attachments: [],
    });
  });

  it('referencing events: hidden stubs when the target lies outside the periods; messages as they stood when the reader left', async () => {
    const conversationId = randomUUID();
    await store().createGroup({ ...origin(a), conversationId, title: 'G', memberIds: [who(b)] });
    await store().appendMessage(message(conversationId, a, 'v0')); // 2
    await store().editMessage(conversationId, 2, 'v1', origin(a)); // 3
    await store().appendMessage(message(conversationId, a, 'doomed')); // 4
    await store().changeGroup(conversationId, origin(a), { add: [who(c)] }); // 5: c joins
    await store().changeGroup(conversationId, origin(a), { remove: [who(b)] }); // 6: b leaves
    await store().editMessage(conversationId, 2, 'v2', origin(a)); // 7
    await store().deleteMessage(conversationId, 4, origin(a)); // 8
    const periodsOf = async (i: number) =>
      (await store().getMembership(conversationId, who(i)))?.periods ?? [];
    const cPeriods = await periodsOf(c);
    const bPeriods = await periodsOf(b);
    expect(cPeriods).toEqual([{ joinedSeq: 5, leftSeq: null }]);
    expect(bPeriods).toEqual([{ joinedSeq: 1, leftSeq: 6 }]);

    // The newcomer: the edit and the delete of messages from before she joined are stubs.
    const hidden = [
      { conversationId, seq: 7, type: 'hidden' },
      { conversationId, seq: 8, type: 'hidden' },
    ];
    const cAfter = await store().eventsAfter(conversationId, cPeriods, 0, 8, 10);
    expect(cAfter.map((e) => e.seq)).toEqual([5, 6, 7, 8]);
    expect(cAfter.slice(2)).toEqual(hidden);
    expect((await store().eventsBefore(conversationId, cPeriods, 9, 10)).slice(0, 2)).toEqual(
      [...hidden].reverse(),
    );
    expect(JSON.stringify(cAfter)).not.toContain('v2');

    // The former member sees the message as it stood at their leftSeq (v1, not v2), the
    // edit they saw, and the delete for everyone, which holds for them too.
    const bLog = await store().eventsAfter(conversationId, bPeriods, 0, 6, 10);
    expect(bLog.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(bLog[1]).toMatchObject({ payload: { text: 'v1' }, editVersion: 1 });
    expect(bLog[2]).toMatchObject({ type: 'message_edited', payload: { text: 'v1' } });
    const deleted = bLog[3];
    expect(
      deleted?.type === 'message' ? [deleted.payload.text, deleted.deletedAt !== null] : null,
    ).toEqual([null, true]);
    expect(JSON.stringify(bLog)).not.toContain('v2');
    expect(JSON.stringify(bLog)).not.toContain('doomed');
    const bBefore = await store().eventsBefore(conversationId, bPeriods, 7, 10);
    expect(bBefore.find((e) => e.seq === 2)).toMatchObject({ payload: { text: 'v1' } });

    // A member since the start sees everything as it is now.
    const aLog = await store().eventsAfter(conversationId, await periodsOf(a), 0, 8, 10);
    expect(aLog[1]).toMatchObject({ payload: { text: 'v2' }, editVersion: 2 });
    expect(aLog.filter((e) => e.type === 'hidden')).toEqual([]);

    // Someone who left before any edit sees the original text.
    const early = [{ joinedSeq: 1, leftSeq: 2 }];
    expect((await store().eventsAfter(conversationId, early, 0, 2, 10))[1]).toMatchObject({
      payload: { text: 'v0' },
      editVersion: 0,
      editedAt: null,
    });
    expect(await store().lastVisibleEvent(conversationId, early, 2)).toMatchObject({
      payload: { text: 'v0' },
    });
  });
}
