import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ContractContext } from './contract-context';

/**
 * Store contract, part of `describeStoreContract`: referencing events appended by `appendReference`
 * (reactions; later pins and votes). The store checks the sender and the target and logs the event;
 * it never folds them into the target (clients do, DESIGN §10).
 */
export function describeReferencesContract(context: ContractContext): void {
  const { store, who, origin, message } = context;
  const [a, b, c] = [0, 1, 2];
  const open = [{ joinedSeq: 1, leftSeq: null }];

  it('appendReference logs a reaction at the next seq, once per opId, and leaves the target as it was', async () => {
    const { conversation } = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(a),
      peerId: who(b),
      at: 1,
    });
    await store().appendMessage(message(conversation.id, a, 'hello'));
    const reaction = { type: 'reaction' as const, payload: { targetSeq: 1, emoji: '👍' } };
    const first = await store().appendReference(conversation.id, reaction, origin(b, 'op-r'));
    expect(first).toMatchObject({
      seq: 2,
      type: 'reaction',
      senderUserId: who(b),
      payload: { targetSeq: 1, emoji: '👍' },
    });
    // A repeat of the operation returns the first event, whatever it asks now.
    const removal = { type: 'reaction' as const, payload: { targetSeq: 1, emoji: null } };
    expect(await store().appendReference(conversation.id, removal, origin(b, 'op-r'))).toEqual(
      first,
    );
    expect(await store().eventByOpId(who(b), 'op-r')).toMatchObject({ seq: 2 });
    await store().appendReference(conversation.id, removal, origin(b));
    expect((await store().getConversation(conversation.id))?.lastSeq).toBe(3);
    const log = await store().eventsAfter(conversation.id, open, 0, 10, 10);
    expect(log.map((e) => e.type)).toEqual(['message', 'reaction', 'reaction']);
    expect(log[2]).toMatchObject({ payload: { targetSeq: 1, emoji: null } });
    expect(log[0]).toMatchObject({ payload: { text: 'hello' }, editVersion: 0, editedAt: null });
  });

  it('appendReference refuses a non-member, a missing target, a non-message and a deleted message, writing nothing', async () => {
    const conversationId = randomUUID();
    await store().createGroup({ ...origin(a), conversationId, title: 'G', memberIds: [who(b)] });
    await store().appendMessage(message(conversationId, a, 'one'));
    await store().appendMessage(message(conversationId, a, 'two'));
    await store().deleteMessage(conversationId, 3, origin(a));
    const react = (targetSeq: number, by: number) =>
      store().appendReference(
        conversationId,
        { type: 'reaction', payload: { targetSeq, emoji: '😮' } },
        origin(by),
      );
    await expect(react(2, c)).rejects.toMatchObject({ reason: 'not_member' });
    await expect(react(9, b)).rejects.toMatchObject({ reason: 'not_found' });
    await expect(react(1, b)).rejects.toMatchObject({ reason: 'not_message' });
    await expect(react(3, b)).rejects.toMatchObject({ reason: 'already_deleted' });
    expect((await store().getConversation(conversationId))?.lastSeq).toBe(4);
  });

  it('appendReference logs pins and unpins like any referencing event; the target stays as it was', async () => {
    const { conversation } = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(a),
      peerId: who(b),
      at: 1,
    });
    await store().appendMessage(message(conversation.id, a, 'pin me'));
    const pin = (pinned: boolean) => ({ type: 'pin' as const, payload: { targetSeq: 1, pinned } });
    const first = await store().appendReference(conversation.id, pin(true), origin(b, 'op-p'));
    expect(first).toMatchObject({ seq: 2, type: 'pin', payload: { targetSeq: 1, pinned: true } });
    expect(await store().appendReference(conversation.id, pin(false), origin(b, 'op-p'))).toEqual(
      first,
    );
    await store().appendReference(conversation.id, pin(false), origin(a));
    const log = await store().eventsAfter(conversation.id, open, 0, 10, 10);
    expect(log.map((e) => [e.type, e.seq])).toEqual([
      ['message', 1],
      ['pin', 2],
      ['pin', 3],
    ]);
    expect(log[0]).toMatchObject({ payload: { text: 'pin me' }, editVersion: 0 });
    expect(await store().lastVisibleEvent(conversation.id, open, 3)).toMatchObject({ seq: 1 });
    expect(await store().countUnread(conversation.id, who(a), open, 0, 3, 999)).toBe(0);
  });

  it('referencing events are never unread and never the preview', async () => {
    const { conversation } = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(a),
      peerId: who(b),
      at: 1,
    });
    await store().appendMessage(message(conversation.id, a, 'mine'));
    await store().appendReference(
      conversation.id,
      { type: 'reaction', payload: { targetSeq: 1, emoji: '❤️' } },
      origin(b),
    );
    expect(await store().countUnread(conversation.id, who(a), open, 0, 2, 999)).toBe(0);
    expect(await store().lastVisibleEvent(conversation.id, open, 2)).toMatchObject({
      seq: 1,
      type: 'message',
    });
  });
}
