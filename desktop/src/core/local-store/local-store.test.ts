import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationEvent } from '@chitchat/shared';
import { summaryOf } from '../../../test/factories';
import { ViewBuilder } from '../views';
import { LocalStore } from './index';
import { sqlDriversForTests } from '../../../test/sql-drivers';

const drivers = await sqlDriversForTests();

const message = (seq: number, text: string, sender = 'peer'): ConversationEvent => ({
  id: `e${seq}`,
  conversationId: 'c1',
  seq,
  type: 'message',
  senderUserId: sender,
  senderDeviceId: null,
  createdAt: 1_000 * seq,
  clientMsgId: `m${seq}`,
  payload: { text, replyToSeq: null, attachments: [] },
  editedAt: null,
  editVersion: 0,
  deletedAt: null,
});

const edit = (
  seq: number,
  targetSeq: number,
  text: string,
  editVersion = 1,
): ConversationEvent => ({
  id: `e${seq}`,
  conversationId: 'c1',
  seq,
  type: 'message_edited',
  senderUserId: 'peer',
  senderDeviceId: null,
  createdAt: 1_000 * seq,
  payload: { targetSeq, text, editVersion },
});

describe.each(drivers)('LocalStore over $name', (driver) => {
  let dir: string;
  let store: LocalStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'chitchat-local-'));
    store = new LocalStore(driver.openDatabase(path.join(dir, 'cache.sqlite')), 'me');
    store.applySummary(summaryOf());
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps event types it does not know, advances past them, and shows them as unsupported', () => {
    const poll = {
      ...message(1, ''),
      type: 'poll',
      payload: { question: 'Lunch?' },
    } as unknown as ConversationEvent;
    expect(store.appendEvents('c1', [poll, message(2, 'after the poll')])).toBe(2);
    expect(store.conversation('c1')?.last_seq).toBe(2);
    const row = store.conversation('c1');
    if (row === null) throw new Error('missing conversation');
    const views = new ViewBuilder(store).page(row, store.latestEvents('c1', 10), false);
    expect(views.map((v) => [v.type, v.unsupported])).toEqual([
      ['poll', true],
      ['message', false],
    ]);
  });

  it('applying the same events twice changes nothing', () => {
    store.appendEvents('c1', [message(1, 'a'), message(2, 'b')]);
    expect(store.appendEvents('c1', [message(1, 'a'), message(2, 'b')])).toBe(0);
    expect(store.latestEvents('c1', 10)).toHaveLength(2);
    expect(store.conversation('c1')?.unread_count).toBe(2);
  });

  it('an edit or delete whose target is not loaded is kept and applied when the target arrives', () => {
    // A new device loaded the newest page first: seqs 5-6; the edit of seq 2 and the delete of seq 3 wait.
    store.applyHistory(
      'c1',
      [
        edit(6, 2, 'second, edited'),
        {
          ...message(5, ''),
          id: 'e5',
          type: 'message_deleted',
          payload: { targetSeq: 3 },
        },
      ],
      { complete: false, latest: { progress: 6 } },
    );
    store.applyHistory(
      'c1',
      [message(2, 'second'), message(3, 'third secret'), message(4, 'fourth')],
      { complete: false },
    );
    expect(store.eventAt('c1', 2)).toMatchObject({ text: 'second, edited', edit_version: 1 });
    expect(store.eventAt('c1', 3)).toMatchObject({ text: null });
    expect(store.eventAt('c1', 3)?.deleted_at).not.toBeNull();
    expect(store.search('secret', 10)).toEqual([]);
    expect(store.search('edited', 10).map((r) => r.seq)).toEqual([2]);
  });

  it('a page carrying an older state never overwrites a newer edit or a delete', () => {
    store.appendEvents('c1', [message(1, 'v0'), edit(2, 1, 'v2', 2)]);
    store.applyHistory(
      'c1',
      [{ ...message(1, 'v1'), editVersion: 1, editedAt: 5 } as ConversationEvent],
      { complete: true },
    );
    expect(store.eventAt('c1', 1)?.text).toBe('v2');
  });

  it('counts unread messages from others after the read mark, and clears them on read', () => {
    store.appendEvents('c1', [
      message(1, 'a'),
      message(2, 'b', 'me'),
      message(3, 'c'),
      message(4, 'd'),
    ]);
    // My own message at seq 2 means I had read up to it.
    expect(store.conversation('c1')).toMatchObject({ read_seq: 2, unread_count: 2 });
    store.applyOwnReceipt('c1', 4, 3);
    expect(store.conversation('c1')?.unread_count).toBe(1);
    store.applyOwnReceipt('c1', 4, 4);
    expect(store.conversation('c1')?.unread_count).toBe(0);
  });

  it('the outbox survives reopening and keeps its order', () => {
    for (const text of ['one', 'two', 'three']) {
      store.addToOutbox({
        key: `k-${text}`,
        conversationId: 'c1',
        kind: 'send',
        payload: { text },
        at: 1,
      });
    }
    store.close();
    store = new LocalStore(driver.openDatabase(path.join(dir, 'cache.sqlite')), 'me');
    expect(store.outbox('c1').map((o) => o.key)).toEqual(['k-one', 'k-two', 'k-three']);
    // The message arriving from the server (same clientMsgId) takes its place.
    store.appendEvents('c1', [
      { ...message(1, 'one', 'me'), clientMsgId: 'k-one' } as ConversationEvent,
    ]);
    expect(store.outbox('c1').map((o) => o.key)).toEqual(['k-two', 'k-three']);
  });
});
