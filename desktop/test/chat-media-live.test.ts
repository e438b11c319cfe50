import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ChatMediaTab } from '../src/common/contract';
import type { ChatClient } from '../src/core/chat-client';
import { signedInEngine, signedUpEngine, until } from './engines';
import { serverPerTest } from './server-per-test';

const png = async (blue: number) =>
  new Uint8Array(
    await sharp({
      create: { width: 40, height: 30, channels: 3, background: { r: 0, g: 90, b: blue } },
    })
      .png()
      .toBuffer(),
  );

/**
 * What an open gallery tab shows after the chat changed: the seqs `listChatMediaSince` answers,
 * read again on every `messages` event (as the screen does) until they are `expected`.
 */
const tabShows = (client: ChatClient, chatId: string, tab: ChatMediaTab, expected: number[]) =>
  until(
    client,
    async () => {
      const seqs = (await client.listChatMediaSince(chatId, tab, 0)).map((m) => m.seq);
      return JSON.stringify(seqs) === JSON.stringify(expected) ? seqs : undefined;
    },
    10_000,
    `the ${tab} tab to show ${expected.join(', ')}`,
  );

describe('an open gallery follows the chat (issue #16)', () => {
  const rig = serverPerTest();

  it('a new photo, a delete for everyone, a delete for me on another device and an edit that adds a link reach the tabs', async () => {
    const ana = await signedUpEngine(rig.server.url, 'Ana', rig.engines);
    const bob = await signedUpEngine(rig.server.url, 'Bob', rig.engines);
    const bobLaptop = await signedInEngine(rig.server.url, bob.username, rig.engines);
    const chat = await ana.client.startDirectChat(bob.userId);

    // Ana sends two photos and a line of text; Bob's gallery shows the photos, newest first.
    const first = await ana.client.sendMessage({
      conversationId: chat.id,
      text: '',
      files: [{ name: 'lake.png', mime: 'image/png', bytes: await png(10) }],
    });
    const second = await ana.client.sendMessage({
      conversationId: chat.id,
      text: 'the boat',
      files: [{ name: 'boat.png', mime: 'image/png', bytes: await png(200) }],
    });
    const line = await ana.client.sendMessage({ conversationId: chat.id, text: 'the trip notes' });
    const [one, two, three] = await until(
      ana.client,
      async () => {
        const page = await ana.client.openConversation(chat.id);
        const seqs = page.messages
          .filter((m) => [first.key, second.key, line.key].includes(m.key))
          .flatMap((m) => (m.seq === null ? [] : [m.seq]));
        return seqs.length === 3 ? seqs : undefined;
      },
      10_000,
      'the three messages to be sent',
    );
    if (one === undefined || two === undefined || three === undefined) throw new Error('unsent');
    await tabShows(bob.client, chat.id, 'media', [two, one]);
    // From the oldest shown: the same window the screen reads again.
    expect((await bob.client.listChatMediaSince(chat.id, 'media', two)).map((m) => m.seq)).toEqual([
      two,
    ]);
    await tabShows(bob.client, chat.id, 'link', []);

    // An edit that adds a link puts the message in Links.
    await ana.client.editMessage({
      conversationId: chat.id,
      seq: three,
      text: 'the trip notes: https://example.com/trip',
    });
    const links = await tabShows(bob.client, chat.id, 'link', [three]);
    expect(links).toEqual([three]);
    const [edited] = await bob.client.listChatMediaSince(chat.id, 'link', 0);
    expect(edited?.text).toBe('the trip notes: https://example.com/trip');

    // Deleted for everyone: gone from Bob's tab, and from the count.
    await ana.client.deleteMessage({ conversationId: chat.id, seq: two });
    await tabShows(bob.client, chat.id, 'media', [one]);

    // Deleted for me on Bob's laptop: gone from the gallery on his other device too.
    await tabShows(bobLaptop.client, chat.id, 'media', [one]);
    await bobLaptop.client.deleteForMe({ conversationId: chat.id, seqs: [one] });
    await tabShows(bob.client, chat.id, 'media', []);
    // Ana still has it.
    await tabShows(ana.client, chat.id, 'media', [one]);
    expect(await bob.client.countChatMedia(chat.id)).toMatchObject({ count: 1 });
  });

  it('refuses what is not a tab, a seq or a chat it holds', async () => {
    const ana = await signedUpEngine(rig.server.url, 'Ana', rig.engines);
    const bob = await signedUpEngine(rig.server.url, 'Bob', rig.engines);
    const chat = await ana.client.startDirectChat(bob.userId);
    await expect(
      ana.client.listChatMediaSince(chat.id, 'voice' as unknown as ChatMediaTab, 0),
    ).rejects.toMatchObject({ code: 'invalid_payload' });
    await expect(ana.client.listChatMediaSince(chat.id, 'media', 1.5)).rejects.toMatchObject({
      code: 'invalid_payload',
    });
    await expect(ana.client.listChatMediaSince('no-such-chat', 'media', 0)).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
