import { describe, expect, it } from 'vitest';
import { startServer } from '@chitchat/server/testing';
import type { ChatClient } from '../src/core/chat-client';
import {
  conversationOf,
  engine,
  type EngineOptions,
  online,
  showsTexts,
  signedInEngine,
  until,
} from './engines';
import { aliceOnTwoDevicesAndBob, serverPerTest } from './server-per-test';

/** Waits until the chat's pinned bar would show exactly these texts, newest pin first. */
const pinsAre = (client: ChatClient, conversationId: string, texts: string[], timeoutMs = 15_000) =>
  until(
    client,
    async () => {
      const pins = await client.listPins(conversationId);
      return JSON.stringify(pins.map((p) => p.text)) === JSON.stringify(texts) ? pins : undefined;
    },
    timeoutMs,
    `pins ${JSON.stringify(texts)}`,
  );

describe('pinned messages in the engine', () => {
  const rig = serverPerTest();
  const signedUp = (name: string, options: EngineOptions = {}) => rig.signedUp(name, options);

  it('a pin made offline shows at once, survives a restart, and reaches every device; a fourth replaces the oldest', async () => {
    const { alice, bob, laptop, chat } = await aliceOnTwoDevicesAndBob(rig);
    const texts = ['one', 'two', 'three', 'four'];
    for (const text of texts) await bob.client.sendMessage({ conversationId: chat.id, text });
    await showsTexts(alice.client, chat.id, texts);
    const seqOf = async (client: ChatClient, text: string) =>
      (await client.openConversation(chat.id)).messages.find((m) => m.text === text)?.seq ?? 0;

    const { dataDir, port } = rig.server;
    await rig.server.stop();
    await alice.client.pinMessage({
      conversationId: chat.id,
      seq: await seqOf(alice.client, 'one'),
      pinned: true,
    });
    // At once, offline: in the bar and on the message.
    expect((await alice.client.listPins(chat.id)).map((p) => [p.text, p.pinnedBy])).toEqual([
      ['one', 'You'],
    ]);
    expect((await alice.client.openConversation(chat.id)).messages[0]?.pinned).toBe(true);
    await alice.client.stop();
    const reopened = await engine({ profileDir: alice.profileDir, secrets: alice.secrets });
    rig.engines.push(reopened);
    expect((await reopened.client.listPins(chat.id)).map((p) => p.text)).toEqual(['one']);
    rig.server = await startServer({ dataDir, port });
    await online(reopened.client);
    for (const client of [bob.client, laptop.client, reopened.client]) {
      const [pin] = await pinsAre(client, chat.id, ['one']);
      expect(pin).toMatchObject({ senderName: client === bob.client ? 'You' : 'Bob' });
    }
    // Bob sees a line for it; it is not unread and not the chat's preview.
    const bobLine = await until(bob.client, async () =>
      (await bob.client.openConversation(chat.id)).messages.find((m) => m.type === 'pin'),
    );
    expect(bobLine.systemText).toBe('Alice pinned a message');
    // The line names the message it pinned, so a click on it jumps there.
    expect(bobLine.pinTarget).toBe(await seqOf(bob.client, 'one'));
    const bobChat = await conversationOf(bob.client, chat.id);
    expect(bobChat).toMatchObject({ unreadCount: 0, lastMessage: { text: 'four' } });

    for (const text of ['two', 'three', 'four'])
      await reopened.client.pinMessage({
        conversationId: chat.id,
        seq: await seqOf(reopened.client, text),
        pinned: true,
      });
    for (const client of [bob.client, laptop.client, reopened.client])
      await pinsAre(client, chat.id, ['four', 'three', 'two']);
    // Bob unpins one; a deleted message's pin disappears.
    await bob.client.pinMessage({
      conversationId: chat.id,
      seq: await seqOf(bob.client, 'three'),
      pinned: false,
    });
    for (const client of [bob.client, laptop.client, reopened.client])
      await pinsAre(client, chat.id, ['four', 'two']);
    await bob.client.deleteMessage({
      conversationId: chat.id,
      seq: await seqOf(bob.client, 'four'),
    });
    for (const client of [bob.client, laptop.client, reopened.client])
      await pinsAre(client, chat.id, ['two']);
    const page = (await laptop.client.openConversation(chat.id)).messages;
    expect(page.filter((m) => m.pinned === true).map((m) => m.text)).toEqual(['two']);
    expect(page.filter((m) => m.type === 'pin').map((m) => m.systemText)).toEqual([
      'You pinned a message',
      'You pinned a message',
      'You pinned a message',
      'You pinned a message',
      'Bob unpinned a message',
    ]);
  });

  it('a pinned message older than the loaded history still shows its text in the bar', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    await alice.client.sendMessage({ conversationId: chat.id, text: 'the pinned one' });
    for (let i = 0; i < 30; i++)
      await alice.client.sendMessage({ conversationId: chat.id, text: `later ${i}` });
    await until(alice.client, async () =>
      (await alice.client.openConversation(chat.id)).messages.every((m) => m.seq !== null)
        ? true
        : undefined,
    );
    await alice.client.pinMessage({ conversationId: chat.id, seq: 1, pinned: true });
    await pinsAre(alice.client, chat.id, ['the pinned one']);
    // A new device loads only the newest page (20 here): the pin is in it, its target is not.
    const phone = await signedInEngine(rig.server.url, alice.username, rig.engines, {
      sync: { pageSize: 20 },
    });
    await until(phone.client, async () =>
      (await conversationOf(phone.client, chat.id)) !== undefined &&
      (await phone.client.openConversation(chat.id)).messages.some((m) => m.type === 'pin')
        ? true
        : undefined,
    );
    expect(
      (await phone.client.openConversation(chat.id, 500)).messages.some((m) => m.seq === 1),
    ).toBe(false);
    const [pin] = await pinsAre(phone.client, chat.id, ['the pinned one']);
    expect(pin).toMatchObject({ seq: 1, senderName: 'You', pinnedBy: 'You' });
  });
});
