import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { stampsOf, type ContractContext } from './contract-context';

/** Store contract, part of `describeStoreContract`: membership periods, receipts and the change cursor. */
export function describeMembershipContract(context: ContractContext): void {
  const { store, who, origin, message } = context;
  const [a, b, c] = [0, 1, 2];
  /** A fresh direct chat between a and b. */
  const directAB = async () =>
    (await store().getOrCreateDirect({ id: randomUUID(), userId: who(a), peerId: who(b), at: 1 }))
      .conversation;
  it('group membership is a list of periods; removal closes one, a re-add opens another', async () => {
    const conversationId = randomUUID();
    const created = await store().createGroup({
      ...origin(a),
      conversationId,
      title: 'G',
      memberIds: [who(b)],
    });
    expect(created.events.map((e) => [e.seq, e.type])).toEqual([[1, 'member_added']]);
    expect(await store().getMembership(conversationId, who(a))).toMatchObject({
      role: 'owner',
      active: true,
    });
    await store().appendMessage(message(conversationId, a, 'hello'));
    const added = await store().changeGroup(conversationId, origin(a), { add: [who(c)] });
    expect(added.map((e) => e.seq)).toEqual([3]);
    const removed = await store().changeGroup(conversationId, origin(a), { remove: [who(c)] });
    await store().appendMessage(message(conversationId, a, 'while away'));
    await store().changeGroup(conversationId, origin(a), { add: [who(c)], title: 'Renamed' });
    const membership = await store().getMembership(conversationId, who(c));
    expect(membership?.periods).toEqual([
      { joinedSeq: 3, leftSeq: removed[0]?.seq ?? -1 },
      { joinedSeq: 7, leftSeq: null },
    ]);
    expect((await store().getConversation(conversationId))?.title).toBe('Renamed');
    const visible = await store().eventsAfter(
      conversationId,
      membership?.periods ?? [],
      0,
      100,
      100,
    );
    // The rename (6) came before the re-add (7) in the same change: not hers to see.
    expect(visible.map((e) => e.seq)).toEqual([3, 4, 7]);
    expect(await store().activeMembers(conversationId)).toHaveLength(3);
  });

  it('a member removed and re-added a thousand times gets correct pages, preview and unread count', async () => {
    const conversationId = randomUUID();
    await store().createGroup({
      ...origin(a),
      conversationId,
      title: 'G',
      memberIds: [who(b), who(c)],
    });
    const cycles = 1_000;
    for (let i = 0; i < cycles; i++) {
      if (i % 20 === 0) await store().appendMessage(message(conversationId, b, `in ${i}`));
      await store().changeGroup(conversationId, origin(a), { remove: [who(c)] });
      if (i % 20 === 10) await store().appendMessage(message(conversationId, b, `out ${i}`));
      await store().changeGroup(conversationId, origin(a), { add: [who(c)] });
    }
    await store().appendMessage(message(conversationId, b, 'last'));
    const periods = (await store().getMembership(conversationId, who(c)))?.periods ?? [];
    expect(periods).toHaveLength(cycles + 1);
    const lastSeq = (await store().getConversation(conversationId))?.lastSeq ?? 0;
    // The owner, a member throughout, sees every event: the reference for what c may see.
    const owner = (await store().getMembership(conversationId, who(a)))?.periods ?? [];
    const all = await store().eventsAfter(conversationId, owner, 0, lastSeq, lastSeq);
    expect(all).toHaveLength(lastSeq);
    const inside = (seq: number) =>
      periods.some((p) => seq >= p.joinedSeq && (p.leftSeq === null || seq <= p.leftSeq));
    const expected = all.filter((e) => inside(e.seq)).map((e) => e.seq);
    const texts = all.filter((e) => inside(e.seq) && e.type === 'message');
    expect(texts.some((e) => e.type === 'message' && e.payload.text?.startsWith('out'))).toBe(
      false,
    );

    const forward: number[] = [];
    for (let after = 0; ;) {
      const page = await store().eventsAfter(conversationId, periods, after, lastSeq, 100);
      forward.push(...page.map((e) => e.seq));
      if (page.length < 100) break;
      after = page.at(-1)?.seq ?? lastSeq;
    }
    expect(forward).toEqual(expected);
    const backward: number[] = [];
    for (let before = lastSeq + 1; ;) {
      const page = await store().eventsBefore(conversationId, periods, before, 100);
      backward.push(...page.map((e) => e.seq));
      if (page.length < 100) break;
      before = page.at(-1)?.seq ?? 0;
    }
    expect(backward).toEqual([...expected].reverse());
    const middle = expected[Math.floor(expected.length / 2)] ?? 0;
    expect(
      (await store().eventsAfter(conversationId, periods, middle, lastSeq, 7)).map((e) => e.seq),
    ).toEqual(expected.filter((seq) => seq > middle).slice(0, 7));
    expect(
      (await store().eventsBefore(conversationId, periods, middle, 7)).map((e) => e.seq),
    ).toEqual(
      expected
        .filter((seq) => seq < middle)
        .reverse()
        .slice(0, 7),
    );
    expect((await store().lastVisibleEvent(conversationId, periods, lastSeq))?.seq).toBe(lastSeq);
    expect(await store().countUnread(conversationId, who(c), periods, 0, lastSeq, 999)).toBe(
      texts.length,
    );
    expect(await store().countUnread(conversationId, who(c), periods, 0, lastSeq, 10)).toBe(10);
    expect(await store().countUnread(conversationId, who(c), periods, middle, lastSeq, 999)).toBe(
      texts.filter((e) => e.seq > middle).length,
    );
    // Two thousand durable membership changes take a while on a loaded machine.
  }, 180_000);

  it('membersVersion moves with every add, removal, role change and leave, and an append returns it as of its commit', async () => {
    const conversationId = randomUUID();
    await store().createGroup({ ...origin(a), conversationId, title: 'G', memberIds: [who(b)] });
    const version = async () => (await store().getConversation(conversationId))?.membersVersion;
    const appendedAt = async (text: string) => {
      const appended = await store().appendMessage(message(conversationId, a, text));
      return appended.duplicate ? -1 : appended.membersVersion;
    };
    const seen = [await version()];
    expect(await appendedAt('one')).toBe(seen[0]);
    await store().changeGroup(conversationId, origin(a), { title: 'Renamed' });
    expect(await version()).toBe(seen[0]); // a rename is not a membership change
    const changes = [
      { add: [who(c)] },
      { roles: [{ userId: who(c), role: 'admin' as const }] },
      { remove: [who(c)] },
    ];
    for (const change of changes) {
      await store().changeGroup(conversationId, origin(a), change);
      const now = await version();
      expect(now).toBeGreaterThan(seen.at(-1) ?? Infinity);
      expect(await appendedAt('after')).toBe(now);
      seen.push(now);
    }
    await store().changeGroup(conversationId, origin(b), { leave: { newOwner: null } });
    expect(await version()).toBeGreaterThan(seen.at(-1) ?? Infinity);
  });

  it('groupReceiptMinimum is the lowest delivered and public read mark over current members only', async () => {
    const conversationId = randomUUID();
    await store().createGroup({
      ...origin(a),
      conversationId,
      title: 'G',
      memberIds: [who(b), who(c)],
    });
    await store().appendMessage(message(conversationId, a, 'one'));
    await store().appendMessage(message(conversationId, a, 'two'));
    // The sender has seen both; B has two delivered and one read; C nothing yet.
    await store().advanceReceipts(conversationId, who(b), { deliveredSeq: 3, readSeq: 2 });
    expect(await store().groupReceiptMinimum(conversationId)).toEqual({
      deliveredSeq: 0,
      readSeq: 0,
    });
    await store().advanceReceipts(conversationId, who(c), { deliveredSeq: 2 });
    expect(await store().groupReceiptMinimum(conversationId)).toEqual({
      deliveredSeq: 2,
      readSeq: 0,
    });
    // A former member no longer holds the group back.
    await store().changeGroup(conversationId, origin(a), { remove: [who(c)] });
    expect(await store().groupReceiptMinimum(conversationId)).toEqual({
      deliveredSeq: 3,
      readSeq: 2,
    });
    expect(await store().groupReceiptMinimum(randomUUID())).toEqual({
      deliveredSeq: 0,
      readSeq: 0,
    });
  });

  it('groupReceiptMinimum counts a member only from where their current period began', async () => {
    const conversationId = randomUUID();
    await store().createGroup({
      ...origin(a),
      conversationId,
      title: 'G',
      memberIds: [who(b)],
    });
    await store().appendMessage(message(conversationId, a, 'one'));
    await store().appendMessage(message(conversationId, a, 'two'));
    await store().advanceReceipts(conversationId, who(b), { deliveredSeq: 3, readSeq: 3 });
    expect(await store().groupReceiptMinimum(conversationId)).toEqual({
      deliveredSeq: 3,
      readSeq: 3,
    });
    // C joins at seq 4 with no marks: what B read stays read.
    await store().changeGroup(conversationId, origin(a), { add: [who(c)] });
    expect(await store().groupReceiptMinimum(conversationId)).toEqual({
      deliveredSeq: 3,
      readSeq: 3,
    });
    // A message after C joined waits for C too.
    await store().appendMessage(message(conversationId, a, 'three'));
    await store().advanceReceipts(conversationId, who(b), { deliveredSeq: 5, readSeq: 5 });
    expect(await store().groupReceiptMinimum(conversationId)).toEqual({
      deliveredSeq: 3,
      readSeq: 3,
    });
    await store().advanceReceipts(conversationId, who(c), { deliveredSeq: 5, readSeq: 5 });
    expect(await store().groupReceiptMinimum(conversationId)).toEqual({
      deliveredSeq: 5,
      readSeq: 5,
    });
  });

  it('a private read (read receipts off) moves readSeq but leaves receiptSeq frozen; a public one moves both', async () => {
    const conversation = await directAB();
    await store().appendMessage(message(conversation.id, a, 'one'));
    await store().appendMessage(message(conversation.id, a, 'two'));
    await store().appendMessage(message(conversation.id, a, 'three'));
    const first = await store().advanceReceipts(conversation.id, who(b), { readSeq: 1 });
    expect(first.membership).toMatchObject({ deliveredSeq: 1, readSeq: 1, receiptSeq: 1 });
    const hidden = await store().advanceReceipts(conversation.id, who(b), {
      readSeq: 3,
      privateRead: true,
    });
    expect(hidden).toMatchObject({
      changed: true,
      membership: { deliveredSeq: 3, readSeq: 3, receiptSeq: 1 },
    });
    expect(await store().getMembership(conversation.id, who(b))).toMatchObject({
      readSeq: 3,
      receiptSeq: 1,
    });
    // A public read later moves the public mark to it (never back).
    const shown = await store().advanceReceipts(conversation.id, who(b), { readSeq: 3 });
    expect(shown.membership).toMatchObject({ readSeq: 3 });
    expect((await store().getMembership(conversation.id, who(b)))?.receiptSeq).toBe(1);
    await store().appendMessage(message(conversation.id, a, 'four'));
    const next = await store().advanceReceipts(conversation.id, who(b), { readSeq: 4 });
    expect(next.membership).toMatchObject({ readSeq: 4, receiptSeq: 4 });
  });

  it('a send with read receipts off moves the sender’s readSeq but not their public receiptSeq (direct chats only)', async () => {
    const conversation = await directAB();
    await store().appendMessage(message(conversation.id, a, 'one'));
    await store().appendMessage(message(conversation.id, b, 'seen'));
    expect(await store().getMembership(conversation.id, who(b))).toMatchObject({
      readSeq: 2,
      receiptSeq: 2,
    });
    await store().updateUser(who(b), { readReceipts: false });
    try {
      await store().appendMessage(message(conversation.id, a, 'two'));
      await store().appendMessage(message(conversation.id, a, 'three'));
      // Replying implies having read up to the reply: privately, with receipts off.
      const reply = await store().appendMessage(message(conversation.id, b, 'reply'));
      expect(reply.event.seq).toBe(5);
      // The event says so, for apps that infer the sender's read from their message.
      expect(reply.event.payload).toMatchObject({ privateRead: true });
      expect(await store().getMembership(conversation.id, who(b))).toMatchObject({
        deliveredSeq: 5,
        readSeq: 5,
        receiptSeq: 2,
      });
      // In a group a send still moves the public mark: groups always show who read.
      const groupId = randomUUID();
      await store().createGroup({
        ...origin(a),
        conversationId: groupId,
        title: 'G',
        memberIds: [who(b)],
      });
      await store().appendMessage(message(groupId, a, 'hello'));
      const inGroup = await store().appendMessage(message(groupId, b, 'hi'));
      expect(inGroup.event.payload).not.toHaveProperty('privateRead');
      expect(await store().getMembership(groupId, who(b))).toMatchObject({
        readSeq: 3,
        receiptSeq: 3,
      });
    } finally {
      await store().updateUser(who(b), { readReceipts: true });
    }
    // Turning receipts on again reveals none of it; the next send shows as usual.
    expect((await store().getMembership(conversation.id, who(b)))?.receiptSeq).toBe(2);
    const back = await store().appendMessage(message(conversation.id, b, 'back'));
    expect(back.event.payload).not.toHaveProperty('privateRead');
    expect(await store().getMembership(conversation.id, who(b))).toMatchObject({
      readSeq: 6,
      receiptSeq: 6,
    });
  });

  it("the change cursor: a change after it is returned since it; others' receipts do not change mine", async () => {
    const conversation = await directAB();
    const start = await store().changeCursor();
    await store().appendMessage(message(conversation.id, b, 'hi'));
    expect((await store().changedSummaries(who(a), start)).map((r) => r.conversation.id)).toEqual([
      conversation.id,
    ]);
    const afterMessage = await store().changeCursor();
    const bAfterMessage = await stampsOf(store(), who(b));
    const receipt = await store().advanceReceipts(conversation.id, who(b), { readSeq: 1 });
    expect(receipt.changed).toBe(false); // the sender already read their own message
    await store().advanceReceipts(conversation.id, who(a), { deliveredSeq: 1 });
    expect(await stampsOf(store(), who(b))).toEqual(bAfterMessage);
    expect(await store().changedSummaries(who(a), afterMessage)).toHaveLength(1);
    const back = await store().advanceReceipts(conversation.id, who(a), { deliveredSeq: 0 });
    expect(back).toMatchObject({ changed: false, membership: { deliveredSeq: 1 } });
    expect(
      await store().countUnread(
        conversation.id,
        who(a),
        [{ joinedSeq: 1, leftSeq: null }],
        0,
        1,
        999,
      ),
    ).toBe(1);
    // Counted only up to the lastSeq the caller read: a later message is not counted here.
    await store().appendMessage(message(conversation.id, b, 'later'));
    expect(
      await store().countUnread(
        conversation.id,
        who(a),
        [{ joinedSeq: 1, leftSeq: null }],
        0,
        1,
        999,
      ),
    ).toBe(1);
    expect(
      await store().lastVisibleEvent(conversation.id, [{ joinedSeq: 1, leftSeq: null }], 1),
    ).toMatchObject({ seq: 1 });
    expect(await store().sharingConversation(who(a), [who(b), who(c)])).toEqual([who(b)]);
  });

  it('sends to different conversations write no shared row: each stamps only its own', async () => {
    const first = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(a),
      peerId: who(b),
      at: 1,
    });
    const second = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(a),
      peerId: who(c),
      at: 1,
    });
    const cursor = await store().changeCursor();
    const before = await store().getConversation(second.conversation.id);
    const cBefore = await stampsOf(store(), who(c));
    await Promise.all([
      store().appendMessage(message(first.conversation.id, b, 'to a from b')),
      store().appendMessage(message(first.conversation.id, a, 'to b from a')),
    ]);
    // The other conversation and its members' rows are untouched by these sends.
    expect(await store().getConversation(second.conversation.id)).toEqual(before);
    expect(await stampsOf(store(), who(c))).toEqual(cBefore);
    // Stamps only move forward, and every change after the cursor is found since it.
    const after = await store().getConversation(first.conversation.id);
    expect(after?.version).toBeGreaterThan(first.conversation.version);
    expect(after?.version).toBeGreaterThan(cursor);
    for (const user of [a, b])
      expect(
        (await store().changedSummaries(who(user), cursor)).map((r) => r.conversation.id),
      ).toContain(first.conversation.id);
  });
}
