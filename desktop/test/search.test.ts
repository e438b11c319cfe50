import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { AttachmentRef } from '@chitchat/shared';
import type { HistoryDownloadState, SearchHit } from '../src/common/contract';
import type { ChatClient } from '../src/core/chat-client';
import { engine, showsTexts, signedInEngine, until } from './engines';
import { serverPerTest } from './server-per-test';

/** The texts of the hits, newest first. */
const hitTexts = (hits: SearchHit[]) => hits.map((h) => h.snippet.map((p) => p.text).join(''));
const highlightsOf = (hit: SearchHit | undefined) =>
  (hit?.snippet ?? []).filter((p) => p.highlight).map((p) => p.text);

/** Waits until a search answers exactly `count` hits (the cache fills as events arrive). */
const searchUntil = (client: ChatClient, query: string, count: number, conversationId?: string) =>
  until(
    client,
    async () => {
      const hits = await client.searchMessages(query, { conversationId });
      return hits.length === count ? hits : undefined;
    },
    10_000,
    `${count} hits for ${query}`,
  );

/** Resolves with the download's state once every chat is complete (the event says so). */
const historyComplete = (client: ChatClient) =>
  new Promise<HistoryDownloadState>((resolve, reject) => {
    const finish = (state: HistoryDownloadState) => {
      if (state.active || state.chatsComplete !== state.chats) return;
      clearTimeout(timer);
      off();
      resolve(state);
    };
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for the whole history'));
    }, 20_000);
    const off = client.events.on('historyDownload', finish);
    void client.getHistoryDownload().then(finish);
  });

describe('message search over a real server (issue #16)', () => {
  const rig = serverPerTest();
  const signedUp = (name: string) => rig.signedUp(name);

  it('finds words inside Chinese, Japanese and Thai sentences, and in every other script', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    const texts = [
      '我们明天一起吃饭吧',
      '東京で寿司を食べました',
      'ฉันชอบกินข้าวผัดมาก',
      '내일 학교에 갑니다',
      'Привет, как дела?',
      'Un café crème, s’il vous plaît',
      'Great job 👍🏽 see you',
      'Meine iPhone用户 sind glücklich',
    ];
    for (const text of texts) await alice.client.sendMessage({ conversationId: chat.id, text });
    await showsTexts(bob.client, chat.id, texts);

    const found = async (query: string) => hitTexts(await bob.client.searchMessages(query));
    expect(await found('吃饭')).toEqual(['我们明天一起吃饭吧']);
    expect(await found('明天')).toEqual(['我们明天一起吃饭吧']);
    expect(await found('寿司')).toEqual(['東京で寿司を食べました']);
    expect(await found('食べ')).toEqual(['東京で寿司を食べました']);
    expect(await found('ข้าว')).toEqual(['ฉันชอบกินข้าวผัดมาก']);
    expect(await found('ข้าวผัด')).toEqual(['ฉันชอบกินข้าวผัดมาก']);
    expect(await found('학교')).toEqual(['내일 학교에 갑니다']);
    expect(await found('ДЕЛА')).toEqual(['Привет, как дела?']);
    expect(await found('cafe creme')).toEqual(['Un café crème, s’il vous plaît']);
    expect(await found('👍')).toEqual(['Great job 👍🏽 see you']);
    expect(await found('用户')).toEqual(['Meine iPhone用户 sind glücklich']);
    expect(await found('iphone用')).toEqual(['Meine iPhone用户 sind glücklich']);
    expect(await found('glucklich')).toEqual(['Meine iPhone用户 sind glücklich']);
    // Prefixes while typing, in every script that has them.
    expect(await found('Прив')).toEqual(['Привет, как дела?']);
    expect(await found('cré')).toEqual(['Un café crème, s’il vous plaît']);
    expect(await found('glü')).toEqual(['Meine iPhone用户 sind glücklich']);
    // Two words that are not next to each other in the text are no phrase.
    expect(await found('吃吧')).toEqual([]);
    expect(await found('东京')).toEqual([]);

    const [hit] = await bob.client.searchMessages('吃饭');
    expect(highlightsOf(hit)).toEqual(['吃饭']);
    expect(hit).toMatchObject({
      conversationId: chat.id,
      senderName: 'Alice',
      senderId: alice.userId,
    });
    expect(highlightsOf((await bob.client.searchMessages('ข้าว'))[0])).toEqual(['ข้าว']);
    expect(highlightsOf((await bob.client.searchMessages('creme'))[0])).toEqual(['crème']);
  });

  it('never finds deleted or deleted-for-me messages, and edited ones by their new text only', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    const texts = ['pineapple pizza', 'pineapple juice', 'pineapple cake', 'old wording'];
    for (const text of texts) await alice.client.sendMessage({ conversationId: chat.id, text });
    await searchUntil(bob.client, 'pineapple', 3);

    await alice.client.deleteMessage({ conversationId: chat.id, seq: 1 });
    await alice.client.editMessage({ conversationId: chat.id, seq: 4, text: 'new phrasing' });
    await searchUntil(bob.client, 'pineapple', 2);
    await searchUntil(bob.client, 'phrasing', 1);
    expect(await bob.client.searchMessages('wording')).toEqual([]);

    await bob.client.deleteForMe({ conversationId: chat.id, seqs: [2] });
    expect(hitTexts(await bob.client.searchMessages('pineapple'))).toEqual(['pineapple cake']);
    // Alice still has her copy of message 2: deleting for oneself changes nobody else's search.
    expect(hitTexts(await alice.client.searchMessages('pineapple'))).toEqual([
      'pineapple cake',
      'pineapple juice',
    ]);
  });

  it("never finds other accounts' chats, nor what a group said after the person left it", async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const carol = await signedUp('Carol');
    const group = await alice.client.createGroup({
      title: 'Trip',
      memberIds: [bob.userId, carol.userId],
    });
    await alice.client.sendMessage({ conversationId: group.id, text: 'before: lighthouse tour' });
    await searchUntil(carol.client, 'lighthouse', 1);
    await alice.client.updateGroup({ conversationId: group.id, remove: [carol.userId] });
    await until(carol.client, async () =>
      (await carol.client.listConversations()).find((c) => c.id === group.id)?.status === 'left'
        ? true
        : undefined,
    );
    await alice.client.sendMessage({ conversationId: group.id, text: 'after: lighthouse dinner' });
    await searchUntil(bob.client, 'lighthouse', 2);
    // Carol reconnects and syncs again: her cache still holds only her period.
    await carol.client.reconnectNow();
    expect(hitTexts(await carol.client.searchMessages('lighthouse'))).toEqual([
      'before: lighthouse tour',
    ]);
    const direct = await alice.client.startDirectChat(bob.userId);
    await alice.client.sendMessage({ conversationId: direct.id, text: 'secret lighthouse plan' });
    await searchUntil(bob.client, 'lighthouse', 3);
    expect(hitTexts(await carol.client.searchMessages('lighthouse'))).toEqual([
      'before: lighthouse tour',
    ]);
  });

  it('searches inside one chat, newest first', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const carol = await signedUp('Carol');
    const withBob = await alice.client.startDirectChat(bob.userId);
    const withCarol = await alice.client.startDirectChat(carol.userId);
    for (let i = 1; i <= 5; i++)
      await alice.client.sendMessage({ conversationId: withBob.id, text: `ticket ${i}` });
    await alice.client.sendMessage({ conversationId: withCarol.id, text: 'ticket for Carol' });
    await searchUntil(alice.client, 'ticket', 6);
    const inChat = await searchUntil(alice.client, 'ticket', 5, withBob.id);
    expect(inChat.map((h) => h.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(
      await alice.client.searchMessages('ticket', { conversationId: withCarol.id }),
    ).toHaveLength(1);
    await expect(alice.client.searchMessages('ticket', { limit: -1 })).rejects.toMatchObject({
      code: 'invalid_payload',
    });
    expect(await alice.client.getIndexing()).toEqual({ active: false, percent: 100 });
  });

  it('filters by person, chat, kind and date; without words a filter lists what it names', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const carol = await signedUp('Carol');
    const group = await alice.client.createGroup({
      title: 'Team',
      memberIds: [bob.userId, carol.userId],
    });
    const direct = await alice.client.startDirectChat(bob.userId);
    const day = 86_400_000;
    const start = Date.now() - 10 * day;
    const file = (name: string, mime: string): AttachmentRef => ({
      id: randomUUID(),
      name,
      mime,
      size: 1000,
      thumbnail: false,
    });
    // Written straight to the server's store (media need no upload for a receiver's search), at
    // chosen times; a live message after them makes the engines catch up.
    const append = (
      conversationId: string,
      userId: string,
      at: number,
      text: string | null,
      extra: {
        attachments?: AttachmentRef[];
        voice?: { durationMs: number; waveform: number[] };
      } = {},
    ) =>
      rig.server.store.appendMessage({
        id: randomUUID(),
        conversationId,
        userId,
        deviceId: null,
        at,
        clientMsgId: randomUUID(),
        text,
        replyToSeq: null,
        attachments: extra.attachments ?? [],
        voice: extra.voice,
      });
    await append(group.id, bob.userId, start, 'report draft attached', {
      attachments: [file('report.pdf', 'application/pdf')],
    });
    await append(group.id, carol.userId, start + day, 'report photo', {
      attachments: [file('board.jpg', 'image/jpeg')],
    });
    await append(group.id, carol.userId, start + 2 * day, null, {
      attachments: [file('clip.mp4', 'video/mp4')],
    });
    await append(group.id, bob.userId, start + 3 * day, 'report online: https://example.com/r');
    await append(group.id, bob.userId, start + 4 * day, null, {
      attachments: [file('voice.ogg', 'audio/ogg')],
      voice: { durationMs: 2000, waveform: [1, 2, 3] },
    });
    await append(direct.id, bob.userId, start + 5 * day, 'report for you only');
    await alice.client.sendMessage({ conversationId: group.id, text: 'thanks all' });
    await alice.client.sendMessage({ conversationId: direct.id, text: 'thanks Bob' });
    await searchUntil(alice.client, 'report', 4);
    await searchUntil(alice.client, 'thanks', 2);

    const find = async (query: string, options: Parameters<ChatClient['searchMessages']>[1]) =>
      hitTexts(await alice.client.searchMessages(query, options));
    expect(await find('report', { senderId: bob.userId })).toEqual([
      'report for you only',
      'report online: https://example.com/r',
      'report draft attached',
    ]);
    expect(await find('report', { senderId: bob.userId, conversationId: group.id })).toEqual([
      'report online: https://example.com/r',
      'report draft attached',
    ]);
    expect(await find('report', { kinds: ['media'] })).toEqual(['report photo']);
    expect(await find('report', { kinds: ['document'] })).toEqual(['report draft attached']);
    expect(await find('report', { kinds: ['link'] })).toEqual([
      'report online: https://example.com/r',
    ]);
    expect(await find('report', { after: start + day, before: start + 4 * day })).toEqual([
      'report online: https://example.com/r',
      'report photo',
    ]);
    // Without words: the chat's photos and videos, its voice notes, a person's messages.
    expect(await find('', { kinds: ['media'], conversationId: group.id })).toEqual([
      '🎥 Video',
      'report photo',
    ]);
    expect(await find('', { kinds: ['voice'] })).toEqual(['🎤 Voice message']);
    expect(await find('', { senderId: carol.userId })).toEqual(['🎥 Video', 'report photo']);
    // The chat alone lists nothing without words; unknown kinds are refused.
    expect(await find('', { conversationId: group.id })).toEqual([]);
    await expect(
      alice.client.searchMessages('report', { kinds: ['gif' as 'media'] }),
    ).rejects.toMatchObject({ code: 'invalid_payload' });
  });

  it('"Download all history" pages every chat in the background and resumes after a restart', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    const start = Date.now() - 86_400_000;
    await Promise.all(
      Array.from({ length: 450 }, (_, i) =>
        rig.server.store.appendMessage({
          id: randomUUID(),
          conversationId: chat.id,
          userId: i === 0 ? bob.userId : alice.userId,
          deviceId: null,
          at: start + i * 1000,
          clientMsgId: randomUUID(),
          text: i === 0 ? 'the very first gazpacho recipe' : `filler ${i}`,
          replyToSeq: null,
          attachments: [],
        }),
      ),
    );
    // Bob's new laptop holds only the newest page of each chat (pages of 100).
    const laptop = await signedInEngine(rig.server.url, bob.username, rig.engines, {
      sync: { pageSize: 100 },
    });
    await until(laptop.client, async () =>
      (await laptop.client.listConversations()).some((c) => c.id === chat.id) ? true : undefined,
    );
    expect(await laptop.client.searchMessages('gazpacho')).toEqual([]);
    expect(await laptop.client.getHistoryDownload()).toMatchObject({ active: false });

    // It starts, and the laptop is closed after the first page: the wish is kept in the cache.
    const firstPage = new Promise<void>((resolve) => {
      const off = laptop.client.events.on('historyDownload', () => {
        off();
        resolve();
      });
    });
    expect(await laptop.client.downloadAllHistory()).toMatchObject({ active: true });
    await firstPage;
    await laptop.client.stop();

    // Opened again: it carries on by itself until every chat is complete.
    const again = await engine({
      profileDir: laptop.profileDir,
      secrets: laptop.secrets,
      sync: { pageSize: 100 },
    });
    rig.engines.push(again);
    const done = await historyComplete(again.client);
    expect(done.chats).toBeGreaterThan(0);
    expect(hitTexts(await again.client.searchMessages('gazpacho'))).toEqual([
      'the very first gazpacho recipe',
    ]);
  });
});
