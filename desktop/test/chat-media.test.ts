import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { AttachmentRef, LinkPreview } from '@chitchat/shared';
import { type TestServer } from '@chitchat/server/testing';
import type { ChatMediaTab, MessageView } from '../src/common/contract';
import type { ChatClient } from '../src/core/chat-client';
import { signedInEngine, signedUpEngine, until } from './engines';
import { serverPerTest } from './server-per-test';

const file = (name: string, mime: string): AttachmentRef => ({
  id: randomUUID(),
  name,
  mime,
  size: 2048,
  thumbnail: false,
});

/** Every page of a tab, as the gallery scrolls to its end; the `more` flags seen on the way. */
async function wholeTab(client: ChatClient, conversationId: string, tab: ChatMediaTab) {
  const messages: MessageView[] = [];
  const more: boolean[] = [];
  let before: number | undefined;
  for (let call = 0; call < 20; call++) {
    const page = await client.listChatMedia(conversationId, tab, before);
    messages.push(...page.messages);
    more.push(page.more);
    if (!page.more) return { messages, more };
    before = page.messages.at(-1)?.seq ?? before;
  }
  throw new Error(`the ${tab} tab never ended`);
}

describe('"Media, links and docs" of a chat over a real server (issue #16)', () => {
  const rig = serverPerTest();

  /** Alice and Bob, signed up on their own engines, and a direct chat between them. */
  async function aliceAndBob() {
    const alice = await signedUpEngine(rig.server.url, 'Alice', rig.engines);
    const bob = await signedUpEngine(rig.server.url, 'Bob', rig.engines);
    const chat = await alice.client.startDirectChat(bob.userId);
    return { alice, bob, chat };
  }

  /** A message written straight into the server's store, `at` a time of the test's choosing. */
  const append = (
    conversationId: string,
    message: Pick<
      Parameters<TestServer['store']['appendMessage']>[0],
      'userId' | 'at' | 'text' | 'attachments' | 'linkPreview' | 'voice'
    >,
  ) =>
    rig.server.store.appendMessage({
      id: randomUUID(),
      conversationId,
      deviceId: null,
      clientMsgId: randomUUID(),
      replyToSeq: null,
      ...message,
    });

  /**
   * Bob's new laptop, which holds only the newest page (50 messages) of the chat, and the count
   * its info panel shows once that page is there.
   */
  async function newLaptop(username: string, conversationId: string) {
    const laptop = await signedInEngine(rig.server.url, username, rig.engines, {
      sync: { pageSize: 50 },
    });
    const count = await until(laptop.client, async () => {
      const page = await laptop.client.openConversation(conversationId).catch(() => null);
      return page !== null && page.messages.length > 0
        ? laptop.client.countChatMedia(conversationId)
        : undefined;
    });
    return { laptop, count };
  }

  it('lists photos, links and docs newest first, paging history the new device does not hold', async () => {
    const { alice, bob, chat } = await aliceAndBob();
    const start = Date.now() - 30 * 86_400_000;
    // 500 messages over a month: a photo or video, a document, a link (every other one with its
    // preview) and a voice note in every ten; the rest plain text.
    const expected: Record<ChatMediaTab, number[]> = { media: [], document: [], link: [] };
    for (let i = 0; i < 500; i++) {
      const slot = i % 10;
      const preview: LinkPreview = {
        url: `https://example.com/${i}`,
        title: `Article ${i}`,
        description: null,
        image: null,
      };
      const { event } = await append(chat.id, {
        userId: i % 2 === 0 ? alice.userId : bob.userId,
        at: start + i * 60_000,
        text: slot === 6 ? `read https://example.com/${i}` : slot === 0 ? null : `message ${i}`,
        attachments:
          slot === 0
            ? [
                i % 20 === 0
                  ? file(`photo-${i}.jpg`, 'image/jpeg')
                  : file(`clip-${i}.mp4`, 'video/mp4'),
              ]
            : slot === 3
              ? [file(`report-${i}.pdf`, 'application/pdf')]
              : slot === 8
                ? [file(`voice-${i}.ogg`, 'audio/ogg')]
                : [],
        linkPreview: slot === 6 && i % 20 === 6 ? preview : undefined,
        voice: slot === 8 ? { durationMs: 1500, waveform: [1, 2, 3] } : undefined,
      });
      if (slot === 0) expected.media.push(event.seq);
      if (slot === 3) expected.document.push(event.seq);
      if (slot === 6) expected.link.push(event.seq);
    }
    // A photo deleted for everyone is in no tab.
    const deleted = expected.media.splice(10, 1)[0] ?? 0;
    await rig.server.store.deleteMessage(chat.id, deleted, {
      id: randomUUID(),
      userId: alice.userId,
      deviceId: null,
      at: Date.now(),
    });

    // Bob's new laptop holds only the newest page (50 messages) of the chat. The panel's count is
    // what the cache holds: the newest 50 events are the delete and 49 messages, of which 4
    // videos, 5 documents and 5 links (a page is applied in one transaction).
    const { laptop, count } = await newLaptop(bob.username, chat.id);
    expect(count).toEqual({ count: 14, complete: false });

    const media = await wholeTab(laptop.client, chat.id, 'media');
    const newestFirst = (seqs: number[]) => [...seqs].sort((a, b) => b - a);
    expect(media.messages.map((m) => m.seq)).toEqual(newestFirst(expected.media));
    // It took several calls (the cache ran out, older pages came from the server), then "No more".
    expect(media.more.length).toBeGreaterThan(1);
    expect(media.more.at(-1)).toBe(false);
    expect(media.messages[0]?.attachments[0]?.name).toBe('clip-490.mp4');
    expect(media.messages.some((m) => m.attachments[0]?.mime === 'image/jpeg')).toBe(true);

    // Now everything is cached: documents (never voice notes) and links come from the cache.
    const docs = await wholeTab(laptop.client, chat.id, 'document');
    expect(docs.messages.map((m) => m.seq)).toEqual(newestFirst(expected.document));
    expect(docs.messages.every((m) => m.attachments[0]?.mime === 'application/pdf')).toBe(true);
    const links = await wholeTab(laptop.client, chat.id, 'link');
    expect(links.messages.map((m) => m.seq)).toEqual(newestFirst(expected.link));
    expect(links.messages.filter((m) => m.linkPreview !== null)).toHaveLength(25);
    expect(await laptop.client.countChatMedia(chat.id)).toEqual({ count: 149, complete: true });

    // Deleted for me leaves the tab too.
    const target = expected.document.at(-1) ?? 0;
    await laptop.client.deleteForMe({ conversationId: chat.id, seqs: [target] });
    const first = await laptop.client.listChatMedia(chat.id, 'document');
    expect(first.messages[0]?.seq).toBe(expected.document.at(-2));
    expect(await laptop.client.countChatMedia(chat.id)).toEqual({ count: 148, complete: true });
  });

  it('pages back through history the device does not hold until it finds the media, saying how far it looked', async () => {
    const { alice, bob, chat } = await aliceAndBob();
    const start = Date.now() - 100 * 86_400_000;
    // 1,500 messages over 100 days: a photo every 10th of the oldest 300 (30), then 1,180 lines of
    // text, and 2 photos among the newest 20. No link and no document anywhere.
    const photoSeqs: number[] = [];
    for (let i = 0; i < 1500; i++) {
      const photo = (i < 300 && i % 10 === 0) || i === 1490 || i === 1495;
      const { event } = await append(chat.id, {
        userId: i % 2 === 0 ? alice.userId : bob.userId,
        at: start + i * 5_760_000,
        text: photo ? null : `line ${i}`,
        attachments: photo ? [file(`photo-${i}.jpg`, 'image/jpeg')] : [],
      });
      if (photo) photoSeqs.push(event.seq);
    }
    // Bob's new laptop holds the newest 50 messages; history comes in pages of 50 (4 per call).
    const { laptop, count } = await newLaptop(bob.username, chat.id);
    expect(count).toEqual({ count: 2, complete: false });

    // The first call shows the two cached photos at once and says older ones may exist.
    const first = await laptop.client.listChatMedia(chat.id, 'media');
    expect(first.messages.map((m) => m.seq)).toEqual([photoSeqs[31], photoSeqs[30]]);
    expect(first).toMatchObject({ more: true, complete: false });
    // The screen asks again from the oldest one it holds: calls that find nothing still look
    // further back each time (cachedFrom moves back), until the old photos come.
    const looked: number[] = [first.cachedFrom ?? 0];
    const found = [...first.messages];
    let before: number | undefined = first.messages.at(-1)?.seq ?? undefined;
    let empty = 0;
    for (let call = 0; call < 40; call++) {
      const page = await laptop.client.listChatMedia(chat.id, 'media', before);
      if (page.messages.length === 0) empty++;
      expect(page.cachedFrom).not.toBeNull();
      expect(page.cachedFrom ?? 0).toBeLessThan(looked.at(-1) ?? 0);
      looked.push(page.cachedFrom ?? 0);
      found.push(...page.messages);
      before = page.messages.at(-1)?.seq ?? before;
      if (!page.more) {
        expect(page.complete).toBe(true);
        break;
      }
    }
    // About 1,150 messages of text lie between the two groups of photos: after the first call's
    // 200, four calls of 200 each found nothing; no call found the same photo twice.
    expect(empty).toBe(4);
    expect(found.map((m) => m.seq)).toEqual([...photoSeqs].reverse());
    expect(looked.at(-1)).toBe(start);
    expect(await laptop.client.countChatMedia(chat.id)).toEqual({ count: 32, complete: true });

    // A tab with nothing in the whole chat ends at once, from the cache, now complete.
    expect(await laptop.client.listChatMedia(chat.id, 'document')).toEqual({
      messages: [],
      more: false,
      complete: true,
      cachedFrom: start,
    });
  });

  it('refuses a tab it does not know and a chat it does not hold', async () => {
    const { alice, chat } = await aliceAndBob();
    await expect(
      alice.client.listChatMedia(chat.id, 'voice' as unknown as ChatMediaTab),
    ).rejects.toMatchObject({ code: 'invalid_payload' });
    await expect(alice.client.listChatMedia(randomUUID(), 'media')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(alice.client.countChatMedia(randomUUID())).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await alice.client.listChatMedia(chat.id, 'media')).toMatchObject({
      messages: [],
      more: false,
      complete: true,
    });
  });
});
