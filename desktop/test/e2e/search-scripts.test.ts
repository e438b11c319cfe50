import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { until, wholeHistory } from '../engines';
import { seedMessages } from '../seed';
import { audit } from './axe';
import { chromiumAvailable, screenshot } from './browser';
import { useRig } from './rig';

const runBrowser = chromiumAvailable();

const focused = (locator: Locator) => locator.evaluate((el) => el === document.activeElement);

/**
 * Search as people use it (issue #16), in a chat of a few hundred messages in several scripts: a
 * word inside a Chinese sentence is found from the chat list and opens in place; search inside the
 * chat steps through hits the window has not loaded; filters narrow the results.
 */
// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)(
  'search in every script, inside a chat, with filters (Chromium)',
  () => {
    const rig = useRig();

    const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
    const row = (page: Page, text: string) =>
      log(page)
        .locator('.bubble-row')
        .filter({ has: page.locator('.bubble-text .text').getByText(text, { exact: true }) });
    /** The list went to the message: its row is drawn (only rows near the screen are). */
    const shownAt = (page: Page, text: string) => row(page, text).waitFor({ timeout: 20_000 });
    const counter = (page: Page) =>
      page.getByRole('search', { name: 'Search in this chat' }).getByRole('status');

    it('finds a word inside a Chinese sentence and steps through the hits of one chat', async () => {
      const ana = await rig.person('Ana Lima');
      const bob = await rig.person('Bob Stone');
      const chatId = (await ana.engine.client.startDirectChat(bob.userId)).id;
      const chinese = '我们明天一起吃饭吧';
      const start = Date.now() - 86_400_000;
      const lines = [
        'Ты придёшь завтра?',
        'ฉันชอบกินข้าวผัดมาก',
        '東京で寿司を食べました',
        'Un café crème, s’il vous plaît',
      ];
      // 360 messages: an invoice every 36th (10 in all), the Chinese one near the start.
      await seedMessages(
        rig.server.store,
        chatId,
        Array.from({ length: 360 }, (_, i) => ({
          from: i % 2 === 0 ? bob.userId : ana.userId,
          text:
            i === 5
              ? chinese
              : i % 36 === 10
                ? `Invoice number ${i} is attached`
                : `${lines[i % lines.length] ?? ''} (${i})`,
          at: start + i * 60_000,
        })),
      );
      // A photo and a link, for the filters.
      const board = {
        id: randomUUID(),
        name: 'board.jpg',
        mime: 'image/jpeg',
        size: 900,
        thumbnail: false,
      };
      for (const [text, attachments] of [
        ['Photo of the whiteboard', [board]],
        ['Minutes are at https://example.com/minutes', []],
      ] as const) {
        await rig.server.store.appendMessage({
          id: randomUUID(),
          conversationId: chatId,
          userId: bob.userId,
          deviceId: null,
          at: Date.now() - 60_000,
          clientMsgId: randomUUID(),
          text,
          replyToSeq: null,
          attachments: [...attachments],
        });
      }
      // A live message after the seeded ones: the engines catch up on the history before it.
      await bob.engine.client.sendMessage({ conversationId: chatId, text: 'See you soon' });
      await ana.page.getByRole('button', { name: /^Bob Stone/ }).waitFor();
      await until(ana.engine.client, async () =>
        (await ana.engine.client.openConversation(chatId, 1)).messages[0]?.text === 'See you soon'
          ? true
          : undefined,
      );
      // Search looks in what this device holds: Ana's laptop fetches the whole history.
      expect((await wholeHistory(ana.engine.client, chatId)).length).toBe(363);

      // 1. A word inside the Chinese sentence, from the chat list: the hit opens the chat there.
      await ana.page.getByLabel('Search chats and messages').fill('吃饭');
      const hit = ana.page.locator('.hit-row', { hasText: chinese });
      await hit.waitFor();
      expect(await hit.locator('mark').allTextContents()).toEqual(['吃饭']);
      await screenshot(ana.page, 'search-01-chinese-word');
      await hit.click();
      await shownAt(ana.page, chinese);
      await screenshot(ana.page, 'search-02-chinese-opened-in-place');
      await ana.page.getByLabel('Search chats and messages').press('Escape');

      // 2. Search inside the chat, from the header: ten invoices, the newest first; the window holds
      // only the newest page, so each older hit loads history up to it.
      await ana.page.getByRole('button', { name: 'Search in this chat' }).click();
      const field = ana.page.getByRole('searchbox', { name: 'Search in this chat' });
      await field.fill('invoice');
      await expect.poll(() => counter(ana.page).textContent(), { timeout: 15_000 }).toBe('1 of 10');
      await shownAt(ana.page, 'Invoice number 334 is attached');
      for (let n = 2; n <= 10; n++) {
        await field.press('Enter');
        await expect.poll(() => counter(ana.page).textContent()).toBe(`${n} of 10`);
        await shownAt(ana.page, `Invoice number ${334 - (n - 1) * 36} is attached`);
      }
      await screenshot(ana.page, 'search-03-in-chat-oldest-hit');
      expect(await audit(ana.page, 'search-in-chat')).toEqual([]);
      await field.press('Shift+Enter');
      await expect.poll(() => counter(ana.page).textContent()).toBe('9 of 10');
      await shownAt(ana.page, 'Invoice number 46 is attached');
      await ana.page.getByRole('button', { name: 'Newer match' }).click();
      await expect.poll(() => counter(ana.page).textContent()).toBe('8 of 10');
      await field.press('Escape');
      expect(await field.count()).toBe(0);

      // 3. Filters (while the chat shows older history): photos and videos, then links from Bob;
      // a filter alone lists what it names.
      await ana.page.getByRole('button', { name: 'Search filters' }).click();
      const filters = ana.page.getByRole('group', { name: 'Filter messages' });
      await filters.getByRole('button', { name: 'Photos & videos' }).click();
      const hits = ana.page.getByRole('region', { name: 'Messages' }).locator('.hit-row');
      await expect
        .poll(() => hits.allTextContents(), { timeout: 15_000 })
        .toEqual([expect.stringContaining('Photo of the whiteboard')]);
      await filters.getByRole('button', { name: 'Links' }).click();
      await filters
        .getByRole('combobox', { name: 'From' })
        .selectOption({ label: 'From Bob Stone' });
      await expect
        .poll(() => hits.allTextContents(), { timeout: 15_000 })
        .toEqual([expect.stringContaining('Minutes are at https://example.com/minutes')]);
      await ana.page.getByLabel('Search chats and messages').fill('minutes');
      await expect
        .poll(() => hits.locator('mark').allTextContents())
        .toEqual(['Minutes', 'minutes']);
      await screenshot(ana.page, 'search-04-filters');
      expect(await audit(ana.page, 'search-filters')).toEqual([]);
      await filters.getByRole('combobox', { name: 'From' }).selectOption({ label: 'From you' });
      await ana.page.getByText('No messages match.').waitFor();
      await ana.page.getByLabel('Search chats and messages').press('Escape');
      expect(await filters.count()).toBe(0);

      // 4. Ctrl+F inside the chat opens its search; on the chat list it focuses the global search.
      await ana.page.locator('.composer textarea').focus();
      await ana.page.keyboard.press('Control+f');
      await expect.poll(() => focused(field)).toBe(true);
      await field.fill('寿司');
      await expect.poll(() => counter(ana.page).textContent()).toBe('1 of 80');
      await field.press('Escape');
      await ana.page.getByRole('button', { name: /^Bob Stone/ }).focus();
      await ana.page.keyboard.press('Control+f');
      await expect.poll(() => focused(ana.page.getByLabel('Search chats and messages'))).toBe(true);
    });
  },
);
