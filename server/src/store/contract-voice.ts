import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ContractContext } from './contract-context';

/** Store contract, part of `describeStoreContract`: voice notes and their played marks. */
export function describeVoiceContract(context: ContractContext): void {
  const { store, who, origin, message } = context;
  const [a, b, c] = [0, 1, 2];
  const direct = async () =>
    (
      await store().getOrCreateDirect({
        id: randomUUID(),
        userId: who(a),
        peerId: who(b),
        at: 1,
      })
    ).conversation;
  const recording = {
    id: 'rec',
    name: 'voice.webm',
    mime: 'audio/webm',
    size: 9,
    thumbnail: false,
  };
  const voice = { durationMs: 12_345, waveform: [0, 17, 255, 3] };

  it('voice notes: a message keeps its voice description as sent; a delete removes it with the recording', async () => {
    const conversation = await direct();
    await store().appendMessage({
      ...message(conversation.id, a, ''),
      text: null,
      attachments: [recording],
      voice,
    });
    const page = async () =>
      store().eventsAfter(conversation.id, [{ joinedSeq: 1, leftSeq: null }], 0, 10, 10);
    const [note] = await page();
    expect(note).toMatchObject({ payload: { text: null, attachments: [recording], voice } });
    await store().deleteMessage(conversation.id, 1, origin(a));
    const [deleted] = await page();
    expect(deleted && 'payload' in deleted ? deleted.payload : null).toEqual({
      text: null,
      replyToSeq: null,
      attachments: [],
    });
  });

  it('voice notes: one played mark per listener and note; a repeat keeps the first time', async () => {
    const conversation = await direct();
    const id = conversation.id;
    expect(await store().markPlayed(id, 1, who(b), 100)).toEqual({ playedAt: 100, created: true });
    expect(await store().markPlayed(id, 1, who(b), 200)).toEqual({
      playedAt: 100,
      created: false,
    });
    expect(await store().markPlayed(id, 1, who(c), 150)).toEqual({ playedAt: 150, created: true });
    expect(await store().markPlayed(id, 3, who(b), 90)).toEqual({ playedAt: 90, created: true });
    // Another conversation's marks are its own.
    const other = await store().getOrCreateDirect({
      id: randomUUID(),
      userId: who(a),
      peerId: who(c),
      at: 1,
    });
    expect(await store().markPlayed(other.conversation.id, 1, who(c), 5)).toMatchObject({
      created: true,
    });

    expect(await store().playsOf(id, [3, 1, 2])).toEqual([
      { conversationId: id, seq: 1, userId: who(b), playedAt: 100 },
      { conversationId: id, seq: 1, userId: who(c), playedAt: 150 },
      { conversationId: id, seq: 3, userId: who(b), playedAt: 90 },
    ]);
    expect(await store().playsOf(id, [2])).toEqual([]);
    expect(await store().playsOf(id, [])).toEqual([]);
  });
}
