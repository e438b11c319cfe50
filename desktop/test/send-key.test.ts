import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '@chitchat/server/testing';
import { ChatClientError } from '../src/core/client-errors';
import {
  type Engine,
  showsTexts,
  signedUpEngine,
  stopAll,
  textsIn,
  until,
  wholeHistory,
} from './engines';

/*
 * sendMessage with the caller's key (the web app's tab relay re-runs a call a closed owner tab may
 * have committed): one key, one message, whether the first is still in the outbox or sent.
 */
describe('sendMessage with a key, through a real server', () => {
  let server: TestServer;
  const engines: Engine[] = [];
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(() => stopAll(engines, server));

  it('a repeated key answers the first message, pending or sent, and writes no second', async () => {
    const ana = await signedUpEngine(server.url, 'Ana', engines);
    const bob = await signedUpEngine(server.url, 'Bob', engines);
    const chat = await ana.client.startDirectChat(bob.userId);
    const key = 'relayed-call-key-1';
    const first = await ana.client.sendMessage({ conversationId: chat.id, text: 'Once', key });
    const again = await ana.client.sendMessage({ conversationId: chat.id, text: 'Once', key });
    expect(again.key).toBe(first.key);
    expect(first.key).toBe(key);
    await showsTexts(bob.client, chat.id, ['Once']);
    // Sent and acknowledged: the repeat still answers it (now with its seq), and sends nothing.
    await until(
      ana.client,
      async () =>
        (await wholeHistory(ana.client, chat.id)).find((m) => m.key === key)?.seq ?? undefined,
      10_000,
      'the message acknowledged',
    );
    const late = await ana.client.sendMessage({ conversationId: chat.id, text: 'Once', key });
    expect(late.seq).not.toBeNull();
    await ana.client.sendMessage({ conversationId: chat.id, text: 'After' });
    await showsTexts(bob.client, chat.id, ['Once', 'After']);
    expect(textsIn(await wholeHistory(ana.client, chat.id))).toEqual(['Once', 'After']);

    await expect(
      ana.client.sendMessage({ conversationId: chat.id, text: 'x', key: 'not a key!' }),
    ).rejects.toBeInstanceOf(ChatClientError);
  });
});
