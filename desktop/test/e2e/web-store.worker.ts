/*
 * A test Worker for web-engine.test.ts: the web app's host (desktop/src/web/worker-host.ts) and
 * the engine's LocalStore over it in Chromium, driven by messages. Like engine.worker.ts it opens
 * the database only while it holds the Web Lock, and says `elsewhere` while another tab does.
 */
import type { ConversationEvent } from '@chitchat/shared';
import { LocalStore } from '../../src/core/local-store/index';
import { ENGINE_LOCK } from '../../src/web/engine.worker-lock';
import { browserHost, WEB_PROFILE_DIR } from '../../src/web/worker-host';
import { summaryOf } from '../factories';

type Command =
  | { op: 'fill'; from: number; count: number; text: string }
  | { op: 'count' }
  | { op: 'search'; query: string }
  | { op: 'file-write'; path: string; text: string }
  | { op: 'file-read'; path: string };

const message = (seq: number, text: string): ConversationEvent => ({
  id: `e${seq}`,
  conversationId: 'c1',
  seq,
  type: 'message',
  senderUserId: seq % 2 === 0 ? 'me' : 'peer',
  senderDeviceId: null,
  createdAt: 1_700_000_000_000 + seq * 1000,
  clientMsgId: `m${seq}`,
  payload: { text, replyToSeq: null, attachments: [] },
  editedAt: null,
  editVersion: 0,
  deletedAt: null,
});

async function serve(): Promise<void> {
  const { host, offlineCache, reason } = await browserHost({ opfs: true });
  const store = new LocalStore(
    host.sql.openDatabase(`${WEB_PROFILE_DIR}/accounts/test-me.sqlite`),
    'me',
  );
  if (store.conversation('c1') === null) store.applySummary(summaryOf({ id: 'c1' }));
  const answer = (command: Command): unknown => {
    switch (command.op) {
      case 'fill': {
        const start = performance.now();
        for (let seq = command.from; seq < command.from + command.count; seq += 200) {
          const page: ConversationEvent[] = [];
          for (let s = seq; s < Math.min(seq + 200, command.from + command.count); s++) {
            page.push(message(s, `${command.text} #${s}`));
          }
          store.appendEvents('c1', page);
        }
        return { ms: performance.now() - start };
      }
      case 'count':
        return store.latestEvents('c1', 1_000_000).length;
      case 'search': {
        const start = performance.now();
        const seqs = store.search(command.query, 30).map((hit) => hit.seq);
        return { seqs, ms: performance.now() - start };
      }
      case 'file-write':
        host.files.write(command.path, command.text);
        return null;
      case 'file-read': {
        const bytes = host.files.read(command.path);
        return bytes === null ? null : new TextDecoder().decode(bytes);
      }
    }
  };
  self.addEventListener('message', (event: MessageEvent<{ id: number; command: Command }>) => {
    const { id, command } = event.data;
    try {
      self.postMessage({ id, value: answer(command) });
    } catch (error) {
      self.postMessage({ id, error: String(error) });
    }
  });
  self.postMessage({ status: 'ready', offlineCache, reason, driver: host.sql.name });
  await new Promise<never>(() => undefined);
}

navigator.locks
  .request(ENGINE_LOCK, { ifAvailable: true }, async (lock) => {
    if (lock !== null) return serve();
    self.postMessage({ status: 'elsewhere' });
    return navigator.locks.request(ENGINE_LOCK, () => serve());
  })
  .catch((error: unknown) => self.postMessage({ status: 'failed', reason: String(error) }));
