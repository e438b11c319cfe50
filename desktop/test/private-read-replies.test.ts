import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '@chitchat/server/testing';
import type { ChatClient } from '../src/core/chat-client';
import {
  type Engine,
  showsTexts,
  signedInEngine,
  signedUpEngine,
  stopAll,
  until,
  wholeHistory,
} from './engines';

/**
 * Issue #15: read receipts off hide read ticks both ways, the reply included. A reply in a direct
 * chat implies its sender read what came before it; with their receipts off the server keeps that
 * read private and marks the message `privateRead`, so the other person's app must not infer a
 * read from it: live, and on a new device syncing the chat from scratch.
 */
describe('a reply with read receipts off', () => {
  let server: TestServer;
  const engines: Engine[] = [];

  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(() => stopAll(engines, server));

  /** The statuses of the client's own messages in the chat, oldest first. */
  const ownStatuses = async (client: ChatClient, conversationId: string) =>
    (await wholeHistory(client, conversationId))
      .filter((m) => m.type === 'message' && m.own)
      .map((m) => m.status);

  const allAre = (statuses: unknown[], status: string) =>
    statuses.length > 0 && statuses.every((s) => s === status);

  /**
   * Ana writes Bob `count` messages in a direct chat he accepted; Bob's receipts are `bobReceipts`;
   * resolves once Ana sees all of them delivered, before Bob replies.
   */
  async function chatWithDeliveredMessages(count: number, bobReceipts: boolean) {
    const ana = await signedUpEngine(server.url, 'Ana', engines);
    const bob = await signedUpEngine(server.url, 'Bob', engines);
    const chat = await ana.client.startDirectChat(bob.userId);
    const texts = Array.from({ length: count }, (_, i) => `message ${i + 1}`);
    await ana.client.sendMessage({ conversationId: chat.id, text: 'message 1' });
    await showsTexts(bob.client, chat.id, texts.slice(0, 1));
    await bob.client.acceptRequest(chat.id);
    await bob.client.updateProfile({ readReceipts: bobReceipts });
    for (const text of texts.slice(1)) {
      await ana.client.sendMessage({ conversationId: chat.id, text });
    }
    await showsTexts(bob.client, chat.id, texts);
    await until(
      ana.client,
      async () => (allAre(await ownStatuses(ana.client, chat.id), 'delivered') ? true : undefined),
      15_000,
      'all delivered',
    );
    return { ana, bob, chatId: chat.id, texts };
  }

  it('keeps Ana’s ticks delivered, live and on her new device; back on, the next reply reads them', async () => {
    const { ana, bob, chatId, texts } = await chatWithDeliveredMessages(30, false);
    await bob.client.sendMessage({ conversationId: chatId, text: 'reply while off' });
    const withReply = [...texts, 'reply while off'];
    // The reply and the marks it implies are written in one transaction: once shown, they apply.
    await showsTexts(ana.client, chatId, withReply);
    expect(await ownStatuses(ana.client, chatId)).toEqual(texts.map(() => 'delivered'));

    const anaPhone = await signedInEngine(server.url, ana.username, engines, {
      deviceName: 'Ana phone',
    });
    await showsTexts(anaPhone.client, chatId, withReply);
    expect(await ownStatuses(anaPhone.client, chatId)).toEqual(texts.map(() => 'delivered'));

    // Receipts on again: the next reply is a public read, as usual.
    await bob.client.updateProfile({ readReceipts: true });
    await bob.client.sendMessage({ conversationId: chatId, text: 'back on' });
    for (const client of [ana.client, anaPhone.client]) {
      await until(
        client,
        async () => (allAre(await ownStatuses(client, chatId), 'read') ? true : undefined),
        15_000,
        'all read after the reply with receipts on',
      );
    }
  });

  it('with read receipts on, a reply turns Ana’s ticks read, live and on her new device', async () => {
    const { ana, bob, chatId, texts } = await chatWithDeliveredMessages(30, true);
    await bob.client.sendMessage({ conversationId: chatId, text: 'reply' });
    await showsTexts(ana.client, chatId, [...texts, 'reply']);
    expect(await ownStatuses(ana.client, chatId)).toEqual(texts.map(() => 'read'));

    const anaPhone = await signedInEngine(server.url, ana.username, engines, {
      deviceName: 'Ana phone',
    });
    await showsTexts(anaPhone.client, chatId, [...texts, 'reply']);
    expect(await ownStatuses(anaPhone.client, chatId)).toEqual(texts.map(() => 'read'));
  });
});
