import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationEvent } from '@chitchat/shared';
import type { ConversationView } from '../common/contract';
import { summaryOf } from '../../test/factories';
import { ConversationList } from './conversation-list';
import { LocalStore } from './local-store/index';
import { ViewBuilder } from './views';
import { nodeSqlDriver } from './local-store/driver.node.ts';

const message = (
  conversationId: string,
  seq: number,
  text: string,
  sender = 'peer',
): ConversationEvent => ({
  id: `${conversationId}-e${seq}`,
  conversationId,
  seq,
  type: 'message',
  senderUserId: sender,
  senderDeviceId: null,
  createdAt: 1_000 * seq,
  clientMsgId: `${conversationId}-m${seq}`,
  payload: { text, replyToSeq: null, attachments: [] },
  editedAt: null,
  editVersion: 0,
  deletedAt: null,
});

const peerOf = (conversationId: string) => `peer-${conversationId}`;

/** A direct chat with its own peer, as a server summary. */
const chat = (conversationId: string, lastActivityAt = 0) =>
  summaryOf({
    id: conversationId,
    lastActivityAt,
    peer: { id: peerOf(conversationId), username: `u_${conversationId}`, displayName: 'Ana' },
    members: [
      {
        userId: 'me',
        username: 'me',
        displayName: 'Me',
        role: 'member',
        deliveredSeq: 0,
        receiptSeq: 0,
      },
      {
        userId: peerOf(conversationId),
        username: `u_${conversationId}`,
        displayName: 'Ana',
        role: 'member',
        deliveredSeq: 0,
        receiptSeq: 0,
      },
    ],
  });

describe('ConversationList', () => {
  let dir: string;
  let store: LocalStore;
  let builder: ViewBuilder;
  const typing = new Map<string, string[]>();
  const typingIn = (id: string) => typing.get(id) ?? [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'chitchat-list-'));
    store = new LocalStore(nodeSqlDriver.openDatabase(path.join(dir, 'cache.sqlite')), 'me');
    builder = new ViewBuilder(store);
    typing.clear();
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every view built from scratch: what the incremental list must always equal. */
  const fromScratch = (): Record<string, ConversationView> =>
    Object.fromEntries(
      store.conversations().map((row) => [row.id, builder.conversation(row, typingIn(row.id))]),
    );

  const byId = (views: ConversationView[]) => Object.fromEntries(views.map((v) => [v.id, v]));

  it('an applied page rebuilds only its conversation: every other view keeps its identity', () => {
    for (let c = 0; c < 50; c++) {
      const id = `c${c}`;
      store.applySummary(chat(id));
      store.appendEvents(id, [message(id, 1, `hello ${c}`)]);
    }
    const list = new ConversationList(store, builder, typingIn);
    const before = byId(list.list());
    store.appendEvents('c7', [message('c7', 2, 'a new page', 'me')]);
    const afterPage = list.list();
    const after = byId(afterPage);
    expect(after.c7?.lastMessage?.text).toBe('a new page');
    expect(after.c7).not.toBe(before.c7);
    for (let c = 0; c < 50; c++) if (c !== 7) expect(after[`c${c}`]).toBe(before[`c${c}`]);
    // The conversation with the newest activity comes first.
    expect(afterPage[0]?.id).toBe('c7');
    // Nothing changed since: nothing is rebuilt.
    const again = byId(list.list());
    for (let c = 0; c < 50; c++) expect(again[`c${c}`]).toBe(after[`c${c}`]);
  });

  it('whatever the store goes through, the incremental list equals one built from scratch', () => {
    const ids = ['a', 'b', 'c', 'd'];
    type Step =
      | { kind: 'message'; c: number; own: boolean; text: string }
      | { kind: 'draft'; c: number; text: string }
      | { kind: 'mute'; c: number; muted: boolean }
      | { kind: 'outbox'; c: number; text: string }
      | { kind: 'outboxFail'; c: number }
      | { kind: 'outboxRemove'; c: number }
      | { kind: 'read'; c: number }
      | { kind: 'peerRead'; c: number }
      | { kind: 'rename'; c: number; name: string }
      | { kind: 'summary'; c: number; activity: number }
      | { kind: 'typing'; c: number; on: boolean }
      | { kind: 'reset' }
      | { kind: 'look' };
    const c = fc.integer({ min: 0, max: ids.length - 1 });
    const text = fc.string({ minLength: 1, maxLength: 8 });
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('message' as const), c, own: fc.boolean(), text }),
      fc.record({ kind: fc.constant('draft' as const), c, text }),
      fc.record({ kind: fc.constant('mute' as const), c, muted: fc.boolean() }),
      fc.record({ kind: fc.constant('outbox' as const), c, text }),
      fc.record({ kind: fc.constant('outboxFail' as const), c }),
      fc.record({ kind: fc.constant('outboxRemove' as const), c }),
      fc.record({ kind: fc.constant('read' as const), c }),
      fc.record({ kind: fc.constant('peerRead' as const), c }),
      fc.record({ kind: fc.constant('rename' as const), c, name: text }),
      fc.record({
        kind: fc.constant('summary' as const),
        c,
        activity: fc.integer({ min: 0, max: 50_000 }),
      }),
      fc.record({ kind: fc.constant('typing' as const), c, on: fc.boolean() }),
      fc.constant({ kind: 'reset' as const }),
      fc.constant({ kind: 'look' as const }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        store.close();
        store = new LocalStore(nodeSqlDriver.openDatabase(':memory:'), 'me');
        builder = new ViewBuilder(store);
        typing.clear();
        for (const id of ids.slice(0, 2)) store.applySummary(chat(id));
        const list = new ConversationList(store, builder, typingIn);
        list.list();
        let keys = 0;
        for (const s of steps) {
          const id = 'c' in s ? (ids[s.c] ?? 'a') : 'a';
          const exists = store.conversation(id) !== null;
          switch (s.kind) {
            case 'message':
              if (exists) {
                const seq = (store.conversation(id)?.last_seq ?? 0) + 1;
                store.appendEvents(id, [message(id, seq, s.text, s.own ? 'me' : peerOf(id))]);
              }
              break;
            case 'draft':
              store.setDraft(id, s.text);
              break;
            case 'mute':
              store.setMuted(id, s.muted);
              break;
            case 'outbox':
              if (exists)
                store.addToOutbox({
                  key: `k${keys++}`,
                  conversationId: id,
                  kind: 'send',
                  payload: { text: s.text },
                  at: 60_000 + keys,
                });
              break;
            case 'outboxFail':
            case 'outboxRemove': {
              const entry = store.outbox(id).at(-1);
              if (entry === undefined) break;
              if (s.kind === 'outboxFail') store.markOutboxFailed(entry.key, 'forbidden');
              else store.removeOutbox(entry.key);
              break;
            }
            case 'read': {
              const seq = store.conversation(id)?.last_seq ?? 0;
              store.applyOwnReceipt(id, seq, seq);
              break;
            }
            case 'peerRead': {
              const seq = store.conversation(id)?.last_seq ?? 0;
              store.applyMemberReceipt(id, peerOf(id), seq, seq);
              break;
            }
            case 'rename':
              store.upsertUsers([{ id: peerOf(id), username: `u_${id}`, displayName: s.name }]);
              break;
            case 'summary':
              store.applySummary(chat(id, s.activity));
              break;
            case 'typing':
              typing.set(id, s.on ? [peerOf(id)] : []);
              list.typing(id);
              break;
            case 'reset':
              store.resetServerState();
              break;
            case 'look':
              list.list();
              break;
          }
        }
        const views = list.list();
        expect(byId(views)).toEqual(fromScratch());
        for (let i = 1; i < views.length; i++)
          expect(views[i - 1]?.lastActivityAt ?? 0).toBeGreaterThanOrEqual(
            views[i]?.lastActivityAt ?? 0,
          );
      }),
      { numRuns: 150 },
    );
  });
});
