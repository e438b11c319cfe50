import { describe, expect, it } from 'vitest';
import { startServer } from '@chitchat/server/testing';
import type { MessageView } from '../src/common/contract';
import type { ChatClient } from '../src/core/chat-client';
import {
  engine,
  online,
  showsTexts,
  signedInEngine,
  until,
  wholeHistory,
  type EngineOptions,
} from './engines';
import { serverPerTest } from './server-per-test';

/** The message with this text as the client shows it, once `check` holds for it. */
const messageWhere = (
  client: ChatClient,
  conversationId: string,
  text: string,
  check: (message: MessageView | undefined) => boolean,
  what: string,
) =>
  until(
    client,
    async () => {
      const message = (await wholeHistory(client, conversationId)).find((m) => m.text === text);
      return check(message) ? (message ?? null) : undefined;
    },
    15_000,
    what,
  );

describe('account state in the engine: starred and deleted for me on every device', () => {
  const rig = serverPerTest();
  const started = async (options: EngineOptions = {}) => {
    const e = await engine(options);
    rig.engines.push(e);
    return e;
  };
  const signedUp = (name: string) => rig.signedUp(name);
  const signedIn = (username: string) =>
    signedInEngine(rig.server.url, username, rig.engines, { deviceName: 'Phone' });

  it('a star and a delete for me made offline (across an app restart) converge on both devices after reconnecting; the other person sees neither', async () => {
    const alice = await signedUp('Alice');
    const phone = await signedIn(alice.username);
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    await alice.client.sendMessage({ conversationId: chat.id, text: 'hi Bob' });
    // Bob answers once he has read it, so the log's order is the one the test expects.
    await showsTexts(bob.client, chat.id, ['hi Bob']);
    await bob.client.sendMessage({ conversationId: chat.id, text: 'first' });
    await bob.client.sendMessage({ conversationId: chat.id, text: 'second' });
    await showsTexts(alice.client, chat.id, ['hi Bob', 'first', 'second']);
    await showsTexts(phone.client, chat.id, ['hi Bob', 'first', 'second']);
    const seqOf = async (text: string) =>
      (await wholeHistory(alice.client, chat.id)).find((m) => m.text === text)?.seq ?? 0;
    const first = await seqOf('first');
    const second = await seqOf('second');

    // Online: a star reaches the phone live.
    await alice.client.setStarred({ conversationId: chat.id, seq: first, starred: true });
    await messageWhere(phone.client, chat.id, 'first', (m) => m?.starred === true, 'star live');

    // Offline: the server goes away; the laptop stars, deletes for itself, and restarts.
    const { dataDir, port } = rig.server;
    await rig.server.stop();
    await until(alice.client, async () =>
      (await alice.client.getConnectionState()) !== 'online' ? true : undefined,
    );
    await alice.client.setStarred({ conversationId: chat.id, seq: second, starred: true });
    await alice.client.setStarred({ conversationId: chat.id, seq: first, starred: false });
    await alice.client.deleteForMe({ conversationId: chat.id, seqs: [first] });
    // Applied here at once.
    expect((await wholeHistory(alice.client, chat.id)).map((m) => [m.text, m.starred])).toEqual([
      ['hi Bob', false],
      ['second', true],
    ]);
    const { profileDir, secrets } = alice;
    await alice.client.stop();
    // signedUp returns a copy with the user's names: find the engine by its client.
    rig.engines.splice(
      rig.engines.findIndex((e) => e.client === alice.client),
      1,
    );
    const laptop = await started({ profileDir, secrets });

    rig.server = await startServer({ dataDir, port });
    await online(laptop.client);
    await online(phone.client);
    // Both devices show the same: "first" gone, "second" starred.
    for (const device of [laptop.client, phone.client]) {
      await showsTexts(device, chat.id, ['hi Bob', 'second']);
      await messageWhere(device, chat.id, 'second', (m) => m?.starred === true, 'star synced');
      await until(
        device,
        async () => {
          const starred = await device.listStarred();
          return starred.length === 1 && starred[0]?.message.seq === second ? starred : undefined;
        },
        15_000,
        'starred list',
      );
    }
    // Bob's devices know nothing of it: both messages, nothing starred.
    const bobMessages = await wholeHistory(bob.client, chat.id);
    expect(bobMessages.map((m) => [m.text, m.starred])).toEqual([
      ['hi Bob', false],
      ['first', false],
      ['second', false],
    ]);
    expect(await bob.client.listStarred()).toEqual([]);
  });

  it('refuses a star of a message this device does not hold', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    await expect(
      alice.client.setStarred({ conversationId: chat.id, seq: 99, starred: true }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      alice.client.deleteForMe({ conversationId: chat.id, seqs: [] }),
    ).rejects.toMatchObject({ code: 'invalid_payload' });
  });
});
