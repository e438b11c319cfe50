import { describe, expect, it } from 'vitest';
import { startServer } from '@chitchat/server/testing';
import type { MessageView } from '../src/common/contract';
import type { ChatClient } from '../src/core/chat-client';
import {
  conversationOf,
  type Engine,
  engine,
  showsTexts,
  signedInEngine,
  until,
  wholeHistory,
} from './engines';
import { aliceOnTwoDevicesAndBob, serverPerTest } from './server-per-test';

/** A message's chips as `emoji:count[:mine]`, e.g. `['👍:2:mine', '😂:1']`. */
const chipsOf = (m: MessageView | undefined) =>
  (m?.reactions ?? []).map((r) => `${r.emoji}:${r.count}${r.mine ? ':mine' : ''}`);

/** Waits until the message with this text shows exactly these chips. */
const showsChips = (client: ChatClient, conversationId: string, text: string, chips: string[]) =>
  until(
    client,
    async () => {
      if ((await conversationOf(client, conversationId)) === undefined) return undefined;
      const m = (await wholeHistory(client, conversationId)).find((x) => x.text === text);
      return m !== undefined && JSON.stringify(chipsOf(m)) === JSON.stringify(chips)
        ? m
        : undefined;
    },
    15_000,
    `${text}: ${chips.join(' ')}`,
  );

describe('reactions in the engine', () => {
  const rig = serverPerTest();
  const reopen = async (e: Engine) => {
    await e.client.stop();
    const again = await engine({ profileDir: e.profileDir, secrets: e.secrets });
    rig.engines.push(again);
    return again;
  };

  /** Alice (two devices) and Bob in a direct chat where Bob said "hi". */
  async function chatWithHi() {
    const { alice, bob, laptop, chat } = await aliceOnTwoDevicesAndBob(rig);
    await bob.client.sendMessage({ conversationId: chat.id, text: 'hi' });
    for (const c of [alice.client, laptop.client]) await showsTexts(c, chat.id, ['hi']);
    return { alice, bob, laptop, chat };
  }

  it('one per person: a new one replaces it, null removes it, on every device; never unread, never reorders', async () => {
    const { alice, bob, laptop, chat } = await chatWithHi();
    const hi = await showsChips(alice.client, chat.id, 'hi', []);

    await alice.client.reactToMessage({ conversationId: chat.id, seq: hi.seq ?? 0, emoji: '👍' });
    // Shown on this device at once, from the outbox.
    expect(
      chipsOf((await wholeHistory(alice.client, chat.id)).find((m) => m.text === 'hi')),
    ).toEqual(['👍:1:mine']);
    await showsChips(bob.client, chat.id, 'hi', ['👍:1']);
    await showsChips(laptop.client, chat.id, 'hi', ['👍:1:mine']);

    await laptop.client.reactToMessage({ conversationId: chat.id, seq: hi.seq ?? 0, emoji: '❤️' });
    await bob.client.reactToMessage({ conversationId: chat.id, seq: hi.seq ?? 0, emoji: '❤️' });
    for (const [client, chips] of [
      [alice.client, ['❤️:2:mine']],
      [laptop.client, ['❤️:2:mine']],
      [bob.client, ['❤️:2:mine']],
    ] as const)
      await showsChips(client, chat.id, 'hi', [...chips]);
    const shown = await showsChips(bob.client, chat.id, 'hi', ['❤️:2:mine']);
    expect(shown.reactions?.[0]?.people.map((p) => p.name)).toEqual(['You', 'Alice']);

    await alice.client.reactToMessage({ conversationId: chat.id, seq: hi.seq ?? 0, emoji: null });
    await showsChips(bob.client, chat.id, 'hi', ['❤️:1:mine']);
    await showsChips(laptop.client, chat.id, 'hi', ['❤️:1']);

    // Bob's own message got reactions: his chat list row is unchanged (no unread, same preview).
    const bobAfter = await conversationOf(bob.client, chat.id);
    expect(bobAfter?.unreadCount).toBe(0);
    expect(bobAfter?.lastMessage?.text).toBe('hi');
    // The last activity is still the message's time, not the reactions'.
    const hiOnBob = (await wholeHistory(bob.client, chat.id)).find((m) => m.text === 'hi');
    expect(bobAfter?.lastActivityAt).toBe(hiOnBob?.createdAt);
    expect(textsInTimeline(await wholeHistory(bob.client, chat.id))).toEqual(['hi']);
  });

  it('offline, on a message still in the outbox, across a restart: lands on the right seq everywhere', async () => {
    const { alice, bob, laptop, chat } = await chatWithHi();
    const hi = await showsChips(alice.client, chat.id, 'hi', []);
    const { dataDir, port } = rig.server;
    await rig.server.stop();
    const question = await alice.client.sendMessage({ conversationId: chat.id, text: 'lunch?' });
    expect(question.seq).toBeNull();
    await alice.client.reactToMessage({ conversationId: chat.id, key: question.key, emoji: '😮' });
    await alice.client.reactToMessage({ conversationId: chat.id, seq: hi.seq ?? 0, emoji: '😂' });
    await alice.client.reactToMessage({ conversationId: chat.id, seq: hi.seq ?? 0, emoji: '🙏' });
    const offline = await wholeHistory(alice.client, chat.id);
    expect(offline.map((m) => [m.text, m.status, chipsOf(m)])).toEqual([
      ['hi', null, ['🙏:1:mine']],
      ['lunch?', 'pending', ['😮:1:mine']],
    ]);

    const reopened = await reopen(alice);
    rig.server = await startServer({ dataDir, port });
    for (const [client, mine] of [
      [bob.client, ''],
      [laptop.client, ':mine'],
      [reopened.client, ':mine'],
    ] as const) {
      await showsChips(client, chat.id, 'hi', [`🙏:1${mine}`]);
      const lunch = await showsChips(client, chat.id, 'lunch?', [`😮:1${mine}`]);
      expect(lunch.seq).toBe((hi.seq ?? 0) + 1);
    }
  });

  it('a reaction to a deleted message disappears; one loaded before its message is kept for it', async () => {
    const { alice, bob, chat } = await chatWithHi();
    await bob.client.sendMessage({ conversationId: chat.id, text: 'old news' });
    for (let i = 0; i < 4; i++)
      await bob.client.sendMessage({ conversationId: chat.id, text: `filler ${i}` });
    const oldShown = await showsChips(alice.client, chat.id, 'old news', []);
    await alice.client.reactToMessage({
      conversationId: chat.id,
      seq: oldShown.seq ?? 0,
      emoji: '👍',
    });
    const hi = await showsChips(bob.client, chat.id, 'hi', []);
    await alice.client.reactToMessage({ conversationId: chat.id, seq: hi.seq ?? 0, emoji: '😢' });
    await showsChips(bob.client, chat.id, 'old news', ['👍:1']);
    await showsChips(bob.client, chat.id, 'hi', ['😢:1']);

    // A new device loads the newest page first (the reactions), older pages (their messages) later.
    const phone = await signedInEngine(rig.server.url, bob.username, rig.engines, {
      sync: { pageSize: 3 },
    });
    await showsChips(phone.client, chat.id, 'old news', ['👍:1']);
    await showsChips(phone.client, chat.id, 'hi', ['😢:1']);

    await bob.client.deleteMessage({ conversationId: chat.id, seq: hi.seq ?? 0 });
    for (const client of [alice.client, bob.client, phone.client]) {
      const gone = await until(
        client,
        async () => {
          const m = (await wholeHistory(client, chat.id)).find((x) => x.seq === hi.seq);
          return m?.deletedAt !== null && m !== undefined ? m : undefined;
        },
        15_000,
        'the delete',
      );
      expect(chipsOf(gone)).toEqual([]);
    }
  });
});

const textsInTimeline = (messages: MessageView[]) => messages.map((m) => m.text ?? m.type);
