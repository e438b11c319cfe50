import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MIN_PROTOCOL, type LogEntry } from '@chitchat/shared';
import { call, connect, request, type ClientSocket, type TestServer } from './harness';
import {
  catchUp,
  collectEvents,
  group,
  person,
  recorder,
  send,
  worldPerTest,
  type Person,
  type World,
  seqPagesAfter,
} from './fixtures';

const lunch = { question: 'Lunch?', options: ['Pizza', 'Sushi', 'Salad'], multiple: false };

const sendPoll = (from: Person, conversationId: string, poll = lunch) =>
  call(from.socket, 'message:send', {
    conversationId,
    clientMsgId: randomUUID(),
    text: `📊 ${poll.question}`,
    poll,
  });

const vote = (
  from: Person,
  conversationId: string,
  targetSeq: number,
  options: number[],
  opId: string = randomUUID(),
) => request(from.socket, 'poll:vote', { conversationId, targetSeq, options, opId });

const votesIn = (events: readonly LogEntry[]) =>
  events.flatMap((e) => (e.type === 'poll_vote' ? [{ userId: e.senderUserId, ...e.payload }] : []));

/** The tally as an app folds it from the log: each person's last vote on the poll counts, once. */
function tally(events: readonly LogEntry[], pollSeq: number): number[] {
  const latest = new Map<string, number[]>();
  for (const v of votesIn(events)) if (v.targetSeq === pollSeq) latest.set(v.userId, v.options);
  const counts = lunch.options.map(() => 0);
  for (const options of latest.values()) for (const i of options) counts[i] = (counts[i] ?? 0) + 1;
  return counts;
}

describe('polls', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  it('votes change and count once per person; every member and device sees each vote live', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const { seq: pollSeq } = await sendPoll(w.alice, chat.id);
    const alicePhone = recorder(w.alice2.socket);
    const carolSees = collectEvents(w.carol.socket, chat.id, 4, (e) => e.type === 'poll_vote');

    const first = await vote(w.bob, chat.id, pollSeq, [0], 'bob-vote-1');
    expect(first).toMatchObject({ ok: true });
    // A retry of the same vote is the same event.
    expect(await vote(w.bob, chat.id, pollSeq, [0], 'bob-vote-1')).toEqual(first);
    expect((await vote(w.bob, chat.id, pollSeq, [1])).ok).toBe(true); // Bob changes his mind
    expect((await vote(w.carol, chat.id, pollSeq, [1])).ok).toBe(true);
    expect((await vote(w.alice, chat.id, pollSeq, [2])).ok).toBe(true);

    const live = await carolSees;
    expect(votesIn(live).map((v) => [v.userId, v.options])).toEqual([
      [w.bob.userId, [0]],
      [w.bob.userId, [1]],
      [w.carol.userId, [1]],
      [w.alice.userId, [2]],
    ]);
    expect(tally(live, pollSeq)).toEqual([0, 2, 1]);
    const log = await catchUp(w.bob.socket, chat.id, 0);
    expect(tally(log.events, pollSeq)).toEqual([0, 2, 1]);
    expect(log.events.find((e) => e.seq === pollSeq)).toMatchObject({
      type: 'message',
      payload: { poll: lunch },
    });
    // Alice's other device got every vote too.
    expect(votesIn(alicePhone.of(chat.id))).toHaveLength(4);

    // [] retracts; a multiple-choice poll takes several options (stored ascending).
    expect((await vote(w.carol, chat.id, pollSeq, [])).ok).toBe(true);
    const multi = { question: 'Which days?', options: ['Mon', 'Tue', 'Wed'], multiple: true };
    const { seq: multiSeq } = await sendPoll(w.alice, chat.id, multi);
    const answer = await vote(w.bob, chat.id, multiSeq, [2, 0]);
    if (!answer.ok) throw new Error(answer.error.message);
    const after = await catchUp(w.carol.socket, chat.id, 0);
    expect(tally(after.events, pollSeq)).toEqual([0, 1, 1]);
    expect(after.events.find((e) => e.seq === answer.data.seq)).toMatchObject({
      payload: { targetSeq: multiSeq, options: [0, 2] },
    });
  });

  it('votes are no messages: no unread count, and the chat keeps its preview and place', async () => {
    const chat = await group(w.alice, [w.bob]);
    const { seq: pollSeq } = await sendPoll(w.alice, chat.id);
    const listed = async (who: Person) =>
      (await call(who.socket, 'conversation:list', {})).conversations.find((c) => c.id === chat.id);
    const before = await listed(w.alice);
    await vote(w.bob, chat.id, pollSeq, [1]);
    await vote(w.bob, chat.id, pollSeq, [2]);
    const now = await listed(w.alice);
    expect(now?.lastSeq).toBe(pollSeq + 2);
    expect(now?.unreadCount).toBe(before?.unreadCount);
    expect(now?.lastActivityAt).toBe(before?.lastActivityAt);
    expect(now?.lastEvent).toMatchObject({ seq: pollSeq, type: 'message', text: '📊 Lunch?' });
  });

  it('bad votes are refused with clear codes and store nothing', async () => {
    const chat = await group(w.alice, [w.bob]);
    const { seq: pollSeq } = await sendPoll(w.alice, chat.id);
    const { seq: plainSeq } = await send(w.alice, chat.id, 'not a poll');
    const outsider = await person(server, 'dave');
    const lastSeq = async () => (await catchUp(w.alice.socket, chat.id, 0)).lastSeq;
    const seqBefore = await lastSeq();
    const codeOf = async (answer: ReturnType<typeof vote>) => {
      const result = await answer;
      return result.ok ? 'ok' : result.error.code;
    };
    const raw = (payload: unknown) =>
      codeOf(
        (
          w.bob.socket.timeout(5_000).emitWithAck as (
            e: string,
            p: unknown,
          ) => ReturnType<typeof vote>
        )('poll:vote', payload),
      );

    expect(await codeOf(vote(w.bob, chat.id, pollSeq, [3]))).toBe('invalid_payload'); // no 4th option
    expect(await codeOf(vote(w.bob, chat.id, pollSeq, [0, 1]))).toBe('invalid_payload'); // single choice
    expect(await codeOf(vote(w.bob, chat.id, plainSeq, [0]))).toBe('invalid_payload'); // not a poll
    expect(await codeOf(vote(w.bob, chat.id, 1, [0]))).toBe('invalid_payload'); // member_added
    expect(await codeOf(vote(w.bob, chat.id, 999, [0]))).toBe('not_found');
    expect(await codeOf(vote(outsider, chat.id, pollSeq, [0]))).toBe('not_found');
    for (const payload of [
      { conversationId: chat.id, targetSeq: pollSeq, options: [0] }, // no opId
      { opId: randomUUID(), conversationId: chat.id, targetSeq: pollSeq, options: [0, 0] },
      { opId: randomUUID(), conversationId: chat.id, targetSeq: pollSeq, options: [-1] },
      { opId: randomUUID(), conversationId: chat.id, targetSeq: pollSeq, options: [12] },
      { opId: randomUUID(), conversationId: chat.id, targetSeq: pollSeq, options: [0.5] },
      { opId: randomUUID(), conversationId: chat.id, targetSeq: 0, options: [0] },
      { opId: randomUUID(), conversationId: chat.id, targetSeq: pollSeq },
      { opId: randomUUID(), conversationId: chat.id, targetSeq: pollSeq, options: '0' },
      null,
    ])
      expect(await raw(payload)).toBe('invalid_payload');
    expect(await lastSeq()).toBe(seqBefore);

    // A poll is never edited; a deleted poll takes no votes.
    const edit = await request(w.alice.socket, 'message:edit', {
      conversationId: chat.id,
      seq: pollSeq,
      text: 'Dinner?',
    });
    expect(edit).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    await call(w.alice.socket, 'message:delete', { conversationId: chat.id, seq: pollSeq });
    expect(await codeOf(vote(w.bob, chat.id, pollSeq, [0]))).toBe('conflict');
    const log = await catchUp(w.bob.socket, chat.id, 0);
    expect(log.events.find((e) => e.seq === pollSeq)).toMatchObject({
      payload: { text: null, attachments: [] },
    });
    expect(JSON.stringify(log.events)).not.toContain('Pizza');
    expect(log.lastSeq).toBe(seqBefore + 1); // the delete only
  });

  it('bad polls are refused when sent', async () => {
    const chat = await group(w.alice, [w.bob]);
    const bad = [
      { ...lunch, options: ['Only one'] },
      { ...lunch, options: Array.from({ length: 13 }, (_, i) => `Option ${i}`) },
      { ...lunch, options: ['Pizza', ' Pizza '] },
      { ...lunch, options: ['Pizza', ''] },
      { ...lunch, question: '   ' },
      { ...lunch, question: 'x'.repeat(301) },
      { ...lunch, options: ['Pizza', 'y'.repeat(101)] },
      { question: 'Lunch?', options: ['Pizza', 'Sushi'] },
    ];
    for (const poll of bad) {
      const answer = await request(w.alice.socket, 'message:send', {
        conversationId: chat.id,
        clientMsgId: randomUUID(),
        text: 'Lunch?',
        poll: poll as typeof lunch,
      });
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
    // A poll carries no attachments or link preview.
    const withPreview = await request(w.alice.socket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      text: 'Lunch? https://example.com/',
      poll: lunch,
      linkPreview: { url: 'https://example.com/', title: 'Example' },
    });
    expect(withPreview).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    // Twelve options are fine, and a poll needs no text.
    const twelve = { ...lunch, options: Array.from({ length: 12 }, (_, i) => `Option ${i}`) };
    const ok = await request(w.alice.socket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      poll: twelve,
    });
    expect(ok.ok).toBe(true);
  });

  it('votes outside a member’s periods are never delivered: stubs for a later member, nothing after removal', async () => {
    const dave = await person(server, 'dave');
    const chat = await group(w.alice, [w.bob, w.carol]);
    const { seq: pollSeq } = await sendPoll(w.alice, chat.id);
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, add: [dave.userId] });
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      remove: [w.carol.userId],
    });
    const daveLive = recorder(dave.socket);
    const carolLive = recorder(w.carol.socket);

    const answer = await vote(w.bob, chat.id, pollSeq, [1]);
    if (!answer.ok) throw new Error(answer.error.message);
    // A message after the vote: whoever has it has had everything sent before it.
    const daveNext = collectEvents(dave.socket, chat.id, 1, (e) => e.type === 'message');
    const { seq: nextSeq } = await send(w.alice, chat.id, 'after the vote');
    await daveNext;

    // Dave joined after the poll: a stub in the vote's place, live and in pages.
    const stub = { conversationId: chat.id, seq: answer.data.seq, type: 'hidden' };
    expect(daveLive.of(chat.id).filter((e) => e.seq >= answer.data.seq)).toEqual([
      stub,
      expect.objectContaining({ seq: nextSeq, type: 'message' }),
    ]);
    const davePage = await catchUp(dave.socket, chat.id, 0);
    expect(davePage.events.find((e) => e.seq === answer.data.seq)).toEqual(stub);
    // Carol was removed before the vote: nothing of it, live or in pages.
    expect(carolLive.of(chat.id)).toEqual([]);
    const carolPage = await catchUp(w.carol.socket, chat.id, 0);
    expect(carolPage.events.some((e) => e.seq >= answer.data.seq)).toBe(false);
    // Nor may she vote any more.
    const refused = await vote(w.carol, chat.id, pollSeq, [0]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('a protocol 1 socket gets no votes, live or in pages, and the poll as its text', async () => {
    const chat = await group(w.alice, [w.bob]);
    const bobV1: ClientSocket = await connect(server, w.bob.session.accessToken, MIN_PROTOCOL);
    try {
      const live = recorder(bobV1);
      const pollLive = collectEvents(bobV1, chat.id, 1, (e) => e.type === 'message');
      const { seq: pollSeq } = await sendPoll(w.alice, chat.id);
      const [pollAsText] = await pollLive;
      expect(pollAsText).toMatchObject({ payload: { text: '📊 Lunch?' } });
      expect(
        pollAsText && 'payload' in pollAsText ? Object.keys(pollAsText.payload) : [],
      ).not.toContain('poll');
      for (const options of [[0], [1], [2]]) await vote(w.alice, chat.id, pollSeq, options);
      const next = collectEvents(bobV1, chat.id, 1, (e) => e.type === 'message');
      const { seq: lastSeq } = await send(w.alice, chat.id, 'after the votes');
      await next;
      expect(live.of(chat.id).map((e) => e.type)).toEqual(['message', 'message']);

      // Pages of 2 over [created, poll, 3 votes, message]: full until the end, without votes.
      const pages = await seqPagesAfter(bobV1, chat.id, 2);
      expect(pages).toEqual([[1, pollSeq], [lastSeq]]);
      const back = await call(bobV1, 'events:before', {
        conversationId: chat.id,
        beforeSeq: lastSeq,
        limit: 2,
      });
      expect(back.events.map((e) => e.seq)).toEqual([pollSeq, 1]);
      // A poll sent without text shows its question there.
      const bare = collectEvents(bobV1, chat.id, 1, (e) => e.type === 'message');
      await call(w.alice.socket, 'message:send', {
        conversationId: chat.id,
        clientMsgId: randomUUID(),
        poll: { question: 'Bare?', options: ['Yes', 'No'], multiple: false },
      });
      expect(await bare).toMatchObject([{ payload: { text: 'Bare?' } }]);
    } finally {
      bobV1.close();
    }
  });
});
