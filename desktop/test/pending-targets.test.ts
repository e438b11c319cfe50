import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { startServer } from '@chitchat/server/testing';
import type { ChatClient } from '../src/core/chat-client';
import type { ClientSocket, SocketFactory } from '../src/core/sync-engine';
import type { MessageView } from '../src/common/contract';
import {
  type Engine,
  engine,
  type EngineOptions,
  online,
  showsTexts,
  signedInEngine,
  until,
  wholeHistory,
} from './engines';
import { aliceOnTwoDevicesAndBob, serverPerTest } from './server-per-test';

/** Waits until a message with this text shows, with the given condition on it. */
const message = (
  client: ChatClient,
  conversationId: string,
  text: string,
  check: (m: MessageView) => boolean = () => true,
) =>
  until(
    client,
    async () => {
      const m = (await wholeHistory(client, conversationId)).find((x) => x.text === text);
      return m !== undefined && check(m) ? m : undefined;
    },
    15_000,
    `"${text}"`,
  );

/**
 * A socket whose first `message:send` reaches the server but whose answer is held forever, and
 * which hears no live events: the send has been tried (it is on the server) and this device does
 * not know it yet, so it is still in the outbox.
 */
function holdingFirstSend(reached: () => void): SocketFactory {
  let held = false;
  return (url, options) => {
    const socket: ClientSocket = io(url, options);
    const on = socket.on.bind(socket) as (
      name: string,
      fn: (...args: unknown[]) => void,
    ) => ClientSocket;
    (socket as unknown as { on: typeof on }).on = (name, fn) =>
      on(name, name === 'event' ? () => undefined : fn);
    const timeout = socket.timeout.bind(socket);
    (socket as unknown as { timeout: typeof timeout }).timeout = (ms) => {
      const timed = timeout(ms);
      const emitWithAck = timed.emitWithAck.bind(timed) as (...args: unknown[]) => Promise<unknown>;
      (timed as unknown as { emitWithAck: typeof emitWithAck }).emitWithAck = async (
        ...args: unknown[]
      ) => {
        const answer = await emitWithAck(...args);
        if (args[0] === 'message:send' && !held) {
          held = true;
          reached();
          return new Promise(() => undefined);
        }
        return answer;
      };
      return timed;
    };
    return socket;
  };
}

describe('replies and edits aimed at messages still in the outbox', () => {
  const rig = serverPerTest();
  const signedUp = (name: string, options: EngineOptions = {}) => rig.signedUp(name, options);
  const reopen = async (e: Engine, options: EngineOptions = {}) => {
    await e.client.stop();
    const again = await engine({ profileDir: e.profileDir, secrets: e.secrets, ...options });
    rig.engines.push(again);
    return again;
  };

  it('written offline, they survive a restart and land on the right seq on every device', async () => {
    const { alice, bob, laptop, chat } = await aliceOnTwoDevicesAndBob(rig);
    await bob.client.sendMessage({ conversationId: chat.id, text: 'hi' });
    await showsTexts(alice.client, chat.id, ['hi']);

    const { dataDir, port } = rig.server;
    await rig.server.stop();
    const question = await alice.client.sendMessage({ conversationId: chat.id, text: 'questoin' });
    expect(question.seq).toBeNull();
    const reply = await alice.client.sendMessage({
      conversationId: chat.id,
      text: 'and a follow-up',
      replyToKey: question.key,
    });
    // The quote shows at once, from the outbox.
    expect(reply.replyTo).toEqual({ seq: null, senderName: 'You', text: 'questoin' });
    // Never tried yet: the edit becomes the message itself.
    await alice.client.editMessage({
      conversationId: chat.id,
      key: question.key,
      text: 'question',
    });
    const pending = (await alice.client.openConversation(chat.id)).messages;
    expect(pending.map((m) => [m.text, m.status, m.replyTo?.text ?? null])).toEqual([
      ['hi', null, null],
      ['question', 'pending', null],
      ['and a follow-up', 'pending', 'question'],
    ]);

    const reopened = await reopen(alice);
    rig.server = await startServer({ dataDir, port });
    const texts = ['hi', 'question', 'and a follow-up'];
    for (const client of [bob.client, laptop.client, reopened.client]) {
      await showsTexts(client, chat.id, texts);
      const landed = await message(client, chat.id, 'and a follow-up', (m) => m.seq !== null);
      expect(landed.replyTo).toMatchObject({ seq: 2, text: 'question' });
      // Rewritten before it left: nobody saw another text, so it is not marked edited.
      expect((await message(client, chat.id, 'question')).editedAt).toBeNull();
    }
  });

  it('a send already tried is never rewritten: the edit and the reply follow it, across a restart', async () => {
    let reached: () => void = () => undefined;
    const sendReached = new Promise<void>((resolve) => (reached = resolve));
    const alice = await signedUp('Alice', { connect: holdingFirstSend(() => reached()) });
    const bob = await signedUp('Bob');
    const laptop = await signedInEngine(rig.server.url, alice.username, rig.engines);
    const chat = await alice.client.startDirectChat(bob.userId);
    const first = await alice.client.sendMessage({ conversationId: chat.id, text: 'draft text' });
    await sendReached;
    // The server has 'draft text' (Bob sees it), but Alice's device never heard its answer.
    await showsTexts(bob.client, chat.id, ['draft text']);
    await alice.client.editMessage({ conversationId: chat.id, key: first.key, text: 'final text' });
    await alice.client.sendMessage({
      conversationId: chat.id,
      text: 'see above',
      replyToKey: first.key,
    });
    const mine = (await alice.client.openConversation(chat.id)).messages;
    expect(mine.map((m) => [m.text, m.seq])).toEqual([
      ['draft text', null],
      ['see above', null],
    ]);

    // The app restarts with the send, the edit and the reply still in its outbox.
    const reopened = await reopen(alice);
    await online(reopened.client);
    for (const client of [bob.client, laptop.client, reopened.client]) {
      await showsTexts(client, chat.id, ['final text', 'see above']);
      const edited = await message(client, chat.id, 'final text', (m) => m.editedAt !== null);
      expect(edited.seq).toBe(1);
      const reply = await message(client, chat.id, 'see above', (m) => m.seq !== null);
      expect(reply.replyTo).toMatchObject({ seq: 1, text: 'final text' });
    }
    const outbox = (await reopened.client.openConversation(chat.id)).messages.filter(
      (m) => m.status === 'pending' || m.status === 'failed',
    );
    expect(outbox).toEqual([]);
  });

  it('a reply or edit naming an unknown message is refused at once', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    await expect(
      alice.client.sendMessage({ conversationId: chat.id, text: 'x', replyToKey: 'nope' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      alice.client.editMessage({ conversationId: chat.id, key: 'nope', text: 'x' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect((await alice.client.openConversation(chat.id)).messages).toEqual([]);
  });
});
