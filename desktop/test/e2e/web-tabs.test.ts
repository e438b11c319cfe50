import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, removeProfiles, showsTexts, uniqueUser, until, type Engine } from '../engines';
import type { ChatHostBridge } from '../../src/common/rpc';
import { chromiumAvailable } from './browser';
import {
  bubbles,
  personEngine,
  send,
  signUpInPage,
  startChatInPage,
  startWebRig,
  type WebRig,
} from './web-rig';

/*
 * Every tab of the web app works (issue #17): one tab's Worker owns the engine (Web Lock), the
 * others reach it over the BroadcastChannel relay (desktop/src/web/tab-relay.ts). Two pages of one
 * browser context on the web app as the server serves it: the same chats, both send, new messages
 * and read state live in both; when the owner tab closes, the other takes the engine over with
 * nothing lost, a message written offline in the outbox included.
 */

describe.runIf(chromiumAvailable())('two tabs of the web app in Chromium', () => {
  let rig: WebRig;
  const engines: Engine[] = [];
  beforeAll(async () => {
    rig = await startWebRig();
  });
  afterAll(async () => {
    for (const e of engines) await e.client.stop();
    await rig?.close();
    removeProfiles();
  });

  const row = (page: Page, name: RegExp) =>
    page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name });
  const openTab = async (context: BrowserContext): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(`${rig.server.url}/`);
    return page;
  };

  it('both tabs show the same chats live, both send, read state follows; the second takes over when the first closes, outbox included', async () => {
    const bob = await personEngine(rig.server.url, 'Bob Stone', engines);
    const cara = await personEngine(rig.server.url, 'Cara Nunes', engines);
    const context = await rig.browser.newContext({ viewport: { width: 1200, height: 760 } });
    const first = await openTab(context);
    const ana = uniqueUser('ana');
    await signUpInPage(first, ana, 'Ana Lima', PASSWORD);
    await startChatInPage(first, cara.username, 'Cara Nunes');
    await send(first, 'Hi Cara');
    await startChatInPage(first, bob.username, 'Bob Stone');
    await send(first, 'Hi Bob, from the first tab');
    await bubbles(first).getByText('Hi Bob, from the first tab').waitFor();
    const toBob = await until(
      bob.client,
      async () => (await bob.client.listConversations())[0],
      15_000,
      'the chat with Ana',
    );
    await bob.client.acceptRequest(toBob.id);
    await bob.client.sendMessage({ conversationId: toBob.id, text: 'Hello Ana' });
    await bubbles(first).getByText('Hello Ana').waitFor();

    // The second tab: its Worker waits for the lock and relays to the first tab's engine.
    const second = await openTab(context);
    await row(second, /^Bob Stone .*Hello Ana/).waitFor();
    await row(second, /^Cara Nunes /).waitFor();
    await row(second, /^Bob Stone /).click();
    await bubbles(second).getByText('Hi Bob, from the first tab').waitFor();
    await send(second, 'And this from the second tab');
    await showsTexts(bob.client, toBob.id, [
      'Hi Bob, from the first tab',
      'Hello Ana',
      'And this from the second tab',
    ]);
    await bubbles(first).getByText('And this from the second tab').waitFor();

    // New messages and read state in both: neither tab looks at Bob's chat, then one reads it.
    for (const page of [first, second]) {
      await row(page, /^Cara Nunes /).click();
      await page.getByRole('region', { name: 'Chat with Cara Nunes' }).waitFor();
      // A markRead the Bob chat asked for while on screen reads whatever is there when the engine
      // runs it: one more call through the same path makes sure it ran before Bob writes.
      await page.evaluate(() =>
        (window as unknown as { chitchatHost: ChatHostBridge }).chitchatHost.invoke(
          'getSession',
          [],
        ),
      );
    }
    await bob.client.sendMessage({ conversationId: toBob.id, text: 'Are you there?' });
    const unread = /^Bob Stone .*Are you there\?.* 1 unread message$/;
    await row(first, unread).waitFor();
    await row(second, unread).waitFor();
    await row(second, unread).click();
    await bubbles(second).getByText('Are you there?').waitFor();
    await expect.poll(() => row(first, /unread message/).count()).toBe(0);

    // Offline, the second tab writes into the first tab's outbox; the first tab closes before it
    // could send; the second takes the engine over and sends it when the network is back.
    await context.setOffline(true);
    // The pending clock is what matters here; the banner follows once the socket notices, which
    // can take a ping timeout on a loaded machine.
    await send(second, 'Written offline in the second tab');
    await bubbles(second)
      .filter({ hasText: 'Written offline in the second tab' })
      .getByRole('img', { name: 'Pending' })
      .waitFor();
    await first.close();
    await context.setOffline(false);
    await showsTexts(bob.client, toBob.id, [
      'Hi Bob, from the first tab',
      'Hello Ana',
      'And this from the second tab',
      'Are you there?',
      'Written offline in the second tab',
    ]);
    await bubbles(second)
      .filter({ hasText: 'Written offline in the second tab' })
      .getByRole('img', { name: /Sent|Delivered|Read/ })
      .waitFor();

    // The engine is now this tab's own: it answers and stays live after the takeover.
    await bob.client.sendMessage({ conversationId: toBob.id, text: 'Got it once' });
    await bubbles(second).getByText('Got it once').waitFor();
    // A third tab reaches the new owner.
    const third = await openTab(context);
    // A fresh tab boots the whole app: on a loaded machine that alone can take many seconds.
    await row(third, /^Bob Stone .*Got it once/).waitFor({ timeout: 60_000 });
    await context.close();
  });
});
