/**
 * The screen at a real account's size, in Chromium (npm run bench -- ui): the production renderer
 * over a real engine and server, as the browser suites run it. Prints
 * - how long after the engine's list of 1,000 chats reaches the page (the answer to
 *   `listConversations` or a `conversations` event, whichever comes first) the first rows of the
 *   chat list are painted (aim < 500 ms), over several window opens;
 * - the frame times (requestAnimationFrame deltas) while the wheel scrolls a chat of 2,000 messages
 *   back to its beginning (aim p95 < 50 ms). The engine holds the whole history already, so the
 *   figures are the screen's, not the network's.
 * Fixtures are written through the server store (seed.ts). Asserts nothing.
 * Knobs: BENCH_UI_CHATS (1000), BENCH_UI_MESSAGES (2000), BENCH_UI_OPENS (5).
 */
import type { Page } from 'playwright-core';
import { register, startServer, type TestServer } from '@chitchat/server/testing';
import { engine, PASSWORD, removeProfiles, uniqueUser, until, type Engine } from '../engines';
import { seedDirect, seedMessages, seedPerson, type SeedMessage } from '../seed';
import {
  buildRenderer,
  chromiumAvailable,
  launchChromium,
  openApp,
  serveRenderer,
  type AppWindow,
} from './browser';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += width)
    await Promise.all(items.slice(i, i + width).map(work));
}

/**
 * In the page, before the app starts: the time the engine's list of at least `chats` conversations
 * reaches the page, and the first frame after the first chat row is in the DOM (the frame that
 * paints it). Plain JavaScript text, so nothing of the bench's compiler goes into the page.
 */
const watchListAnswer = (chats: number) => `(() => {
  const chats = ${chats};
  // The list reaches the screen as the answer to listConversations or as a 'conversations' event,
  // whichever comes first with every chat: from then until the first row is painted.
  const arrived = (value) => {
    if (window.__listAnsweredAt !== undefined || !Array.isArray(value) || value.length < chats) return;
    const answeredAt = performance.now();
    window.__listAnsweredAt = answeredAt;
    const look = () => {
      if (document.querySelector('.conversation-row') === null) return requestAnimationFrame(look);
      // The rows are in the DOM at this frame's start; the next callback runs after its paint.
      requestAnimationFrame(() => {
        window.__list = window.__list || { answeredAt, paintedAt: performance.now() };
      });
    };
    requestAnimationFrame(look);
  };
  const wrapHost = (host) => {
    const invoke = host.invoke.bind(host);
    host.invoke = async (method, args) => {
      const answer = await invoke(method, args);
      // The host answers { ok, value } (common/rpc.ts).
      if (method === 'listConversations' && answer) arrived(answer.value);
      return answer;
    };
    return host;
  };
  const wrapDispatch = (dispatch) => (name, payload) => {
    if (name === 'conversations') arrived(payload);
    return dispatch(name, payload);
  };
  // Init scripts run in no fixed order: wrap what is set before or after this.
  const hook = (property, wrap) => {
    if (window[property] !== undefined) { window[property] = wrap(window[property]); return; }
    let current;
    Object.defineProperty(window, property, {
      configurable: true,
      get: () => current,
      set: (value) => { current = wrap(value); },
    });
  };
  hook('chitchatHost', wrapHost);
  hook('__chitchatDispatch', wrapDispatch);
})();`;

async function listPaint(page: Page): Promise<number> {
  const handle = await page.waitForFunction(
    () => (window as unknown as { __list?: { answeredAt: number; paintedAt: number } }).__list,
    undefined,
    { timeout: 60_000 },
  );
  const { answeredAt, paintedAt } = (await handle.jsonValue()) as {
    answeredAt: number;
    paintedAt: number;
  };
  return paintedAt - answeredAt;
}

/** Resolves once the engine has emitted no list or message change for `ms`. */
function quiet(client: Engine['client'], ms: number): Promise<void> {
  return new Promise((resolve) => {
    let timer = setTimeout(done, ms);
    const again = () => {
      clearTimeout(timer);
      timer = setTimeout(done, ms);
    };
    const offs = [client.events.on('conversations', again), client.events.on('messages', again)];
    function done() {
      offs.forEach((off) => off());
      resolve();
    }
  });
}

export async function runUiBench(log: (line: string) => void = console.log): Promise<void> {
  if (!chromiumAvailable()) throw new Error('the ui bench needs Chromium');
  const chats = Number(process.env.BENCH_UI_CHATS ?? 1000);
  const history = Number(process.env.BENCH_UI_MESSAGES ?? 2000);
  const opens = Number(process.env.BENCH_UI_OPENS ?? 5);
  await buildRenderer();
  let server: TestServer | null = null;
  const windows: AppWindow[] = [];
  const engines: Engine[] = [];
  const [started, browser, app] = await Promise.all([
    startServer({ config: { REGISTRATION: 'open' } }),
    launchChromium(),
    serveRenderer(),
  ]);
  server = started;
  try {
    const reader = await register(server, uniqueUser('bench_ui'), PASSWORD);
    const me = reader.user.id;
    const store = server.store;
    const now = Date.now();
    const seedStart = performance.now();
    // The long chat: 2,000 messages over 40 days, several a day, both people writing.
    const ana = await seedPerson(store, 'Ana Lima');
    const longChat = await seedDirect(store, me, ana);
    const messages: SeedMessage[] = Array.from({ length: history }, (_, i) => ({
      from: i % 3 === 0 ? me : ana,
      text:
        i % 7 === 0
          ? `Message ${i + 1}: a longer one, to wrap over two or three lines in the bubble like real chat text does now and then`
          : `Message ${i + 1}`,
      at: now - (history - i) * 30 * 60_000,
    }));
    for (let i = 0; i < messages.length; i += 500)
      await seedMessages(store, longChat, messages.slice(i, i + 500));
    await inBatches(
      Array.from({ length: chats - 1 }, (_, i) => i),
      50,
      async (i) => {
        const peer = await seedPerson(store, i % 10 === 3 ? `سامي ${i + 1}` : `Contact ${i + 1}`);
        const id = await seedDirect(store, me, peer);
        await seedMessages(store, id, [
          { from: peer, text: `Hello from contact ${i + 1}`, at: now - 86_400_000 - i * 60_000 },
        ]);
      },
    );
    log(
      `ui      seed             ${chats.toLocaleString('en')} chats, one of ${history.toLocaleString('en')} messages, in ${((performance.now() - seedStart) / 1000).toFixed(1)} s (server store)`,
    );

    const e = await engine({ deviceName: 'bench laptop' });
    engines.push(e);
    await e.client.signIn({
      serverUrl: server.url,
      username: reader.user.username,
      password: PASSWORD,
    });
    await until(
      e.client,
      async () => ((await e.client.listConversations()).length >= chats ? true : undefined),
      300_000,
      `${chats} chats`,
    );
    // The engine holds the whole long history, so scrolling back measures the screen only.
    for (let before = Number.MAX_SAFE_INTEGER, guard = 0; guard < 100; guard++) {
      const page = await e.client.loadOlder(longChat, before, 200);
      const oldest = page.messages.find((m) => m.seq !== null)?.seq ?? undefined;
      if (page.atStart || oldest === undefined) break;
      before = oldest;
    }

    // The first sync goes on behind the list (each chat's newest page, receipts): the windows open
    // on an engine at rest, as after a start with nothing new.
    await e.client.idle();
    await quiet(e.client, 3_000);

    // 1. The chat list: from the engine's answer to the first rows painted, per window opened.
    const listTimes: number[] = [];
    for (let i = 0; i < opens; i++) {
      const w = await openApp(browser, app.url, e.client, { defaultServerUrl: server.url });
      windows.push(w);
      await w.page.addInitScript({ content: watchListAnswer(chats) });
      await w.page.reload();
      listTimes.push(await listPaint(w.page));
      if (i < opens - 1) await windows.pop()?.close();
    }
    listTimes.sort((a, b) => a - b);
    log(
      `ui      chat list        ${chats.toLocaleString('en')} chats painted ${percentile(listTimes, 50).toFixed(0)} ms (median of ${opens}; max ${percentile(listTimes, 100).toFixed(0)} ms) after the engine's answer (aim < 500 ms)`,
    );

    // 2. Scrolling back through the long chat with the wheel, frame times in the page.
    const page = windows.at(-1)?.page;
    if (page === undefined) throw new Error('no window');
    await page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('button', { name: /Ana Lima/ })
      .click();
    const scroller = page.getByRole('log', { name: 'Messages' });
    await scroller.locator('.bubble').first().waitFor();
    await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __recording: boolean };
      w.__frames = [];
      w.__recording = true;
      let last = performance.now();
      const tick = (at: number) => {
        w.__frames.push(at - last);
        last = at;
        if (w.__recording) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await scroller.hover();
    const beginning = page.getByText('This is the beginning of the conversation.');
    const scrollStart = performance.now();
    let wheels = 0;
    while (!(await beginning.isVisible()) && performance.now() - scrollStart < 180_000) {
      await page.mouse.wheel(0, -400);
      wheels++;
    }
    const scrollMs = performance.now() - scrollStart;
    const frames = await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __recording: boolean };
      w.__recording = false;
      return w.__frames.slice(1);
    });
    const reached = await beginning.isVisible();
    frames.sort((a, b) => a - b);
    log(
      `ui      scroll back      ${history.toLocaleString('en')} messages ${reached ? 'to the beginning' : 'NOT to the beginning'} in ${(scrollMs / 1000).toFixed(1)} s (${wheels} wheel steps of 400 px): frame time p50 ${percentile(frames, 50).toFixed(1)} ms, p95 ${percentile(frames, 95).toFixed(1)} ms, max ${percentile(frames, 100).toFixed(1)} ms over ${frames.length} frames (aim p95 < 50 ms)`,
    );
  } finally {
    for (const w of windows) await w.close();
    for (const x of engines) await x.client.stop();
    await browser.close();
    await app.close();
    await server.stop();
    removeProfiles();
  }
}
