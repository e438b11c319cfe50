import { describe, expect, it } from 'vitest';
import type { ChatEvents } from '../src/common/contract';
import { notificationFor } from '../src/common/notification-policy';
import { conversationOf, type Engine, until, wholeHistory } from './engines';
import { serverPerTest } from './server-per-test';

const away = { windowFocused: false, activeConversationId: null };

describe('mentions, engine to engine through a real server', () => {
  const rig = serverPerTest();
  const signedUp = (name: string) => rig.signedUp(name);

  it('a mention of me notifies in a muted group, shows "@" in my list until read, and is named on every side', async () => {
    const ana = await signedUp('Ana');
    const bob = await signedUp('Bob');
    const carol = await signedUp('Carol');
    const team = await ana.client.createGroup({
      title: 'Team',
      memberIds: [bob.userId, carol.userId],
    });
    for (const e of [bob, carol]) {
      await until(e.client, () => conversationOf(e.client, team.id), 10_000, 'the group');
      await e.client.setMuted(team.id, true);
    }

    // The picker's list: every member, named.
    const members = await ana.client.listMembers(team.id);
    expect(members.map((m) => m.displayName).sort()).toEqual(['Ana', 'Bob', 'Carol']);

    const incoming = (e: Engine) =>
      new Promise<ChatEvents['incoming']>((resolve) => {
        const off = e.client.events.on('incoming', (event) => {
          if (event.message.text !== '@Bob the report?') return;
          off();
          resolve(event);
        });
      });
    const toBob = incoming(bob);
    const toCarol = incoming(carol);
    // A plain message in the muted group first: no notification, no "@".
    await ana.client.sendMessage({ conversationId: team.id, text: 'morning' });
    await ana.client.sendMessage({
      conversationId: team.id,
      text: '@Bob the report?',
      mentions: [bob.userId, bob.userId],
    });
    const [forBob, forCarol] = await Promise.all([toBob, toCarol]);
    expect(forBob.muted).toBe(true);
    expect(forBob.message.mentions).toEqual([
      { userId: bob.userId, name: 'Bob', username: bob.username, me: true },
    ]);
    expect(notificationFor(forBob, away, { kind: 'group', muted: true })).toMatchObject({
      title: 'Team',
      body: 'Ana: @Bob the report?',
    });
    expect(forCarol.message.mentions).toEqual([
      { userId: bob.userId, name: 'Bob', username: bob.username, me: false },
    ]);
    expect(notificationFor(forCarol, away, { kind: 'group', muted: true })).toBeNull();

    // The chat list: "@" for Bob only, until he reads the chat.
    const bobList = await until(
      bob.client,
      async () => {
        const view = await conversationOf(bob.client, team.id);
        return view?.unreadCount === 2 ? view : undefined;
      },
      10_000,
      'two unread',
    );
    expect(bobList.unreadMention).toBe(true);
    expect((await conversationOf(carol.client, team.id))?.unreadMention).toBe(false);
    await bob.client.markRead(team.id);
    await until(
      bob.client,
      async () =>
        (await conversationOf(bob.client, team.id))?.unreadMention === false ? true : undefined,
      10_000,
      'the "@" cleared',
    );

    // The sender's own view (pending, then sent) names the mention too.
    const anaMessage = (await wholeHistory(ana.client, team.id)).at(-1);
    expect(anaMessage?.mentions).toEqual([
      { userId: bob.userId, name: 'Bob', username: bob.username, me: false },
    ]);
  });

  it('a pick of someone who is no longer a member is dropped before sending, so the message still goes', async () => {
    const ana = await signedUp('Ana');
    const bob = await signedUp('Bob');
    const carol = await signedUp('Carol');
    const team = await ana.client.createGroup({
      title: 'Team',
      memberIds: [bob.userId, carol.userId],
    });
    await ana.client.updateGroup({ conversationId: team.id, remove: [carol.userId] });
    await until(
      ana.client,
      async () =>
        (await conversationOf(ana.client, team.id))?.memberCount === 2 ? true : undefined,
      10_000,
      'Carol removed',
    );
    await ana.client.sendMessage({
      conversationId: team.id,
      text: '@Bob @Carol hi',
      mentions: [bob.userId, carol.userId],
    });
    const arrived = await until(
      bob.client,
      async () =>
        (await conversationOf(bob.client, team.id)) === undefined
          ? undefined
          : (await wholeHistory(bob.client, team.id)).find((m) => m.text === '@Bob @Carol hi'),
      10_000,
      'the message',
    );
    expect(arrived.mentions?.map((m) => m.userId)).toEqual([bob.userId]);
  });
});
