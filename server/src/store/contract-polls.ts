import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ContractContext } from './contract-context';

/** Store contract, part of `describeStoreContract`: polls and their votes (`poll_vote`). */
export function describePollContract(context: ContractContext): void {
  const { store, who, origin, message } = context;
  const [a, b] = [0, 1];
  const poll = { question: 'Lunch?', options: ['Pizza', 'Sushi', 'Salad'], multiple: false };
  const everything = [{ joinedSeq: 1, leftSeq: null }];

  it('polls: a message keeps its poll; votes append after it, count as no message, and go with a delete', async () => {
    const { conversation } = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(a),
      peerId: who(b),
      at: 1,
    });
    await store().appendMessage({ ...message(conversation.id, a, '📊 Lunch?'), poll }); // 1
    const vote = (i: number, options: number[], opId?: string) =>
      store().appendReference(
        conversation.id,
        { type: 'poll_vote', payload: { targetSeq: 1, options } },
        origin(i, opId),
      );
    const first = await vote(b, [1], 'op-vote');
    expect(first).toMatchObject({
      seq: 2,
      type: 'poll_vote',
      senderUserId: who(b),
      payload: { targetSeq: 1, options: [1] },
    });
    // A repeated opId answers the first event and writes nothing.
    expect(await vote(b, [2], 'op-vote')).toEqual(first);
    await vote(b, []); // 3: retracted
    expect((await store().getConversation(conversation.id))?.lastSeq).toBe(3);
    expect(await store().getEvent(conversation.id, 1)).toMatchObject({ payload: { poll } });

    // Votes are no messages: the preview stays the poll, and nothing is unread for its author.
    expect(await store().lastVisibleEvent(conversation.id, everything, 3)).toMatchObject({
      seq: 1,
    });
    expect(await store().countUnread(conversation.id, who(a), everything, 1, 3, 10)).toBe(0);

    // Only members vote; the target must be a message that is not deleted.
    await expect(
      store().appendReference(
        conversation.id,
        { type: 'poll_vote', payload: { targetSeq: 1, options: [0] } },
        origin(2),
      ),
    ).rejects.toMatchObject({ reason: 'not_member' });
    await expect(
      store().appendReference(
        conversation.id,
        { type: 'poll_vote', payload: { targetSeq: 2, options: [0] } },
        origin(a),
      ),
    ).rejects.toMatchObject({ reason: 'not_message' });
    await expect(
      store().appendReference(
        conversation.id,
        { type: 'poll_vote', payload: { targetSeq: 9, options: [0] } },
        origin(a),
      ),
    ).rejects.toMatchObject({ reason: 'not_found' });
    await store().deleteMessage(conversation.id, 1, origin(a)); // 4
    const [deleted] = await store().eventsAfter(conversation.id, everything, 0, 4, 1);
    expect(deleted && 'payload' in deleted ? deleted.payload : null).toEqual({
      text: null,
      replyToSeq: null,
      attachments: [],
    });
    await expect(vote(a, [0])).rejects.toMatchObject({ reason: 'already_deleted' });
    expect((await store().getConversation(conversation.id))?.lastSeq).toBe(4);
  });
}
