import { describe, expect, it } from 'vitest';
import { startServer } from '@chitchat/server/testing';
import type { MessageView, PollView } from '../src/common/contract';
import type { ChatClient } from '../src/core/chat-client';
import {
  type EngineOptions,
  conversationOf,
  engine,
  signedInEngine,
  until,
  wholeHistory,
} from './engines';
import { serverPerTest } from './server-per-test';

const lunch = { question: 'Lunch?', options: ['Pizza', 'Sushi', 'Salad'], multiple: false };

/** The poll messages of a conversation as the client shows them (none while it is not known). */
const pollsIn = async (client: ChatClient, conversationId: string) =>
  (await conversationOf(client, conversationId)) === undefined
    ? []
    : (await wholeHistory(client, conversationId)).filter(
        (m): m is MessageView & { poll: PollView } => m.poll !== undefined,
      );

/** Votes per option and the options marked as mine, e.g. "0,2,1 mine:1". */
const resultOf = (poll: PollView) =>
  `${poll.options.map((o) => o.votes).join(',')} mine:${poll.options.flatMap((o, i) => (o.mine ? [i] : [])).join('')}`;

/** Waits until the conversation's only poll shows `expected` (see resultOf). */
const showsResult = (client: ChatClient, conversationId: string, expected: string) =>
  until(
    client,
    async () => {
      const [poll] = await pollsIn(client, conversationId);
      return poll !== undefined && resultOf(poll.poll) === expected && !poll.poll.pending
        ? poll
        : undefined;
    },
    15_000,
    `poll result ${expected}`,
  );

describe('polls, engine to engine through a real server', () => {
  const rig = serverPerTest();
  const signedUp = (name: string, options: EngineOptions = {}) => rig.signedUp(name, options);

  it('votes fold to one per person (the last one wins) on every device, with who voted for what', async () => {
    const ana = await signedUp('Ana');
    const bob = await signedUp('Bob');
    const cat = await signedUp('Cat');
    const anaPhone = await signedInEngine(rig.server.url, ana.username, rig.engines);
    const group = await ana.client.createGroup({
      title: 'Team',
      memberIds: [bob.userId, cat.userId],
    });
    const sent = await ana.client.sendPoll({
      conversationId: group.id,
      poll: { question: ' Lunch? ', options: ['Pizza', 'Sushi', 'Salad', ' '], multiple: false },
    });
    expect(sent.poll).toMatchObject({ question: 'Lunch?', voterCount: 0 });
    expect(sent.poll?.options.map((o) => o.text)).toEqual(['Pizza', 'Sushi', 'Salad']);
    const [atBob] = await until(bob.client, async () => {
      const polls = await pollsIn(bob.client, group.id);
      return polls.length === 1 ? polls : undefined;
    });
    if (atBob?.seq == null) throw new Error('the poll did not arrive');

    await bob.client.votePoll({
      conversationId: group.id,
      seq: atBob.seq,
      key: atBob.key,
      options: [0],
    });
    // Shown at once, before the server answered.
    const [mine] = await pollsIn(bob.client, group.id);
    expect(mine && resultOf(mine.poll)).toBe('1,0,0 mine:0');
    await showsResult(ana.client, group.id, '1,0,0 mine:');
    await bob.client.votePoll({
      conversationId: group.id,
      seq: atBob.seq,
      key: atBob.key,
      options: [1],
    });
    await cat.client.votePoll({
      conversationId: group.id,
      seq: atBob.seq,
      key: atBob.key,
      options: [1],
    });
    await ana.client.votePoll({
      conversationId: group.id,
      seq: atBob.seq,
      key: atBob.key,
      options: [2],
    });
    const atAna = await showsResult(ana.client, group.id, '0,2,1 mine:2');
    await showsResult(anaPhone.client, group.id, '0,2,1 mine:2');
    await showsResult(bob.client, group.id, '0,2,1 mine:1');
    await showsResult(cat.client, group.id, '0,2,1 mine:1');
    expect(atAna.poll.voterCount).toBe(3);
    expect(atAna.poll.options[1]?.voters.map((v) => v.name).sort()).toEqual(['Bob', 'Cat']);
    expect(atAna.poll.options[2]?.voters.map((v) => v.name)).toEqual(['You']);

    // A single-choice poll takes one answer; votes never count as unread or make a chat row move.
    await expect(
      bob.client.votePoll({
        conversationId: group.id,
        seq: atBob.seq,
        key: atBob.key,
        options: [0, 1],
      }),
    ).rejects.toMatchObject({ code: 'invalid_payload' });
    const row = await conversationOf(ana.client, group.id);
    expect(row?.unreadCount).toBe(0);
    expect(row?.lastMessage).toMatchObject({ text: '📊 Lunch?' });

    // [] takes a vote back.
    await cat.client.votePoll({
      conversationId: group.id,
      seq: atBob.seq,
      key: atBob.key,
      options: [],
    });
    await showsResult(ana.client, group.id, '0,1,1 mine:2');
  });

  it('a poll made offline, and a vote on it while still pending, survive a restart and land once', async () => {
    const ana = await signedUp('Ana');
    const bob = await signedUp('Bob');
    const chat = await ana.client.startDirectChat(bob.userId);
    const { dataDir, port } = rig.server;
    await rig.server.stop();
    await until(ana.client, async () =>
      (await ana.client.getConnectionState()) !== 'online' ? true : undefined,
    );
    const multi = { question: 'Which days?', options: ['Mon', 'Tue', 'Wed'], multiple: true };
    const pending = await ana.client.sendPoll({ conversationId: chat.id, poll: multi });
    expect(pending.seq).toBeNull();
    await ana.client.votePoll({
      conversationId: chat.id,
      seq: null,
      key: pending.key,
      options: [2, 0],
    });
    await ana.client.votePoll({
      conversationId: chat.id,
      seq: null,
      key: pending.key,
      options: [0, 1],
    });
    const [shown] = await pollsIn(ana.client, chat.id);
    expect(shown && resultOf(shown.poll)).toBe('1,1,0 mine:01');
    expect(shown?.poll.pending).toBe(true);
    expect((await conversationOf(ana.client, chat.id))?.lastMessage).toMatchObject({
      text: '📊 Which days?',
      status: 'pending',
    });

    // The app is closed and opened again while the server is still down.
    await ana.client.stop();
    const reopened = await engine({ profileDir: ana.profileDir, secrets: ana.secrets });
    rig.engines.push(reopened);
    const [afterRestart] = await pollsIn(reopened.client, chat.id);
    expect(afterRestart && resultOf(afterRestart.poll)).toBe('1,1,0 mine:01');

    rig.server = await startServer({ dataDir, port });
    const atBob = await showsResult(bob.client, chat.id, '1,1,0 mine:');
    await showsResult(reopened.client, chat.id, '1,1,0 mine:01');
    expect(atBob.poll.multiple).toBe(true);
    // One poll and two votes reached the log, each once.
    const log = await wholeHistory(bob.client, chat.id);
    expect(log.filter((m) => m.poll !== undefined)).toHaveLength(1);
    expect(atBob.seq).toBe(1);
    expect((await conversationOf(bob.client, chat.id))?.unreadCount).toBe(1);
  });

  it('a device that loads the poll after its votes (a new device, paging back) shows the same result', async () => {
    const ana = await signedUp('Ana');
    const bob = await signedUp('Bob', { sync: { pageSize: 2 } });
    const chat = await ana.client.startDirectChat(bob.userId);
    const poll = await ana.client.sendPoll({ conversationId: chat.id, poll: lunch });
    const [atBob] = await until(bob.client, async () => {
      const polls = await pollsIn(bob.client, chat.id);
      return polls[0]?.seq != null ? polls : undefined;
    });
    if (atBob?.seq == null || poll.key !== atBob.key) throw new Error('the poll did not arrive');
    await bob.client.votePoll({
      conversationId: chat.id,
      seq: atBob.seq,
      key: atBob.key,
      options: [2],
    });
    await bob.client.votePoll({
      conversationId: chat.id,
      seq: atBob.seq,
      key: atBob.key,
      options: [1],
    });
    for (let i = 0; i < 5; i++)
      await ana.client.sendMessage({ conversationId: chat.id, text: `after ${i}` });
    await showsResult(ana.client, chat.id, '0,1,0 mine:');
    // A new device of Bob's loads the newest page first (the votes), the poll only on scrolling back.
    const bobLaptop = await signedInEngine(rig.server.url, bob.username, rig.engines, {
      sync: { pageSize: 2 },
    });
    await showsResult(bobLaptop.client, chat.id, '0,1,0 mine:1');
  });
});
