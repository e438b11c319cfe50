import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountKey, type ConversationEvent } from '@chitchat/shared';
import { summaryOf } from '../../../test/factories';
import { LocalStore } from './index';
import { sqlDriversForTests } from '../../../test/sql-drivers';

const drivers = await sqlDriversForTests();

const message = (seq: number, text: string): ConversationEvent => ({
  id: `e${seq}`,
  conversationId: 'c1',
  seq,
  type: 'message',
  senderUserId: 'peer',
  senderDeviceId: null,
  createdAt: 1_000 * seq,
  clientMsgId: `m${seq}`,
  payload: { text, replyToSeq: null, attachments: [] },
  editedAt: null,
  editVersion: 0,
  deletedAt: null,
});

const star = (seq: number) => accountKey('star', 'c1', seq);
const deleted = (seq: number) => accountKey('deleted', 'c1', seq);
const texts = (store: LocalStore) => store.latestEvents('c1', 10).map((e) => e.text);

describe.each(drivers)(
  'LocalAccountState: the local copy of starred and deleted-for-me over $name',
  (driver) => {
    let dir: string;
    let store: LocalStore;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'chitchat-account-'));
      store = new LocalStore(driver.openDatabase(path.join(dir, 'cache.sqlite')), 'me');
      store.applySummary(summaryOf());
      store.appendEvents('c1', [message(1, 'one'), message(2, 'two'), message(3, 'three')]);
    });
    afterEach(() => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a change made here shows at once and waits, grouped by its opId, until settled', () => {
      store.account.setLocal(
        [
          { key: star(1), value: true },
          { key: deleted(2), value: true },
        ],
        'op-1',
        10,
      );
      expect(store.account.isStarred('c1', 1)).toBe(true);
      expect(texts(store)).toEqual(['one', 'three']);
      expect([...store.account.pendingByOp().keys()]).toEqual(['op-1']);
      // The server confirms; its push carries the same entries.
      store.account.applyRemote(
        [
          { key: star(1), value: true, version: 1, updatedAt: 10 },
          { key: deleted(2), value: true, version: 2, updatedAt: 10 },
        ],
        2,
      );
      store.account.settle(store.account.pendingByOp().get('op-1') ?? []);
      expect(store.account.pendingByOp().size).toBe(0);
      expect(store.account.version()).toBe(2);
      expect(store.account.starred().map((r) => r.seq)).toEqual([1]);
      expect(texts(store)).toEqual(['one', 'three']);
    });

    it('a newer local change of the same key outlives the settling of the older one', () => {
      store.account.setLocal([{ key: star(3), value: true }], 'op-1', 10);
      const first = store.account.pendingByOp().get('op-1') ?? [];
      store.account.setLocal([{ key: star(3), value: null }], 'op-2', 11);
      // The answer to op-1 arrives after the unstar was made: the unstar still shows and waits.
      store.account.settle(first);
      expect(store.account.isStarred('c1', 3)).toBe(false);
      expect([...store.account.pendingByOp().keys()]).toEqual(['op-2']);
    });

    it('a pending change wins over the server until settled; a refusal falls back to the server', () => {
      store.account.applyRemote([{ key: star(1), value: true, version: 1, updatedAt: 5 }], 1);
      store.account.setLocal([{ key: star(1), value: null }], 'op-1', 10);
      expect(store.account.isStarred('c1', 1)).toBe(false);
      // Refused for good: settled without a server change, so the server's star shows again.
      store.account.settle(store.account.pendingByOp().get('op-1') ?? []);
      expect(store.account.isStarred('c1', 1)).toBe(true);
    });

    it('entries at or below the held version are not applied again; a restore keeps what waits', () => {
      store.account.applyRemote([{ key: star(1), value: true, version: 4, updatedAt: 5 }], 4);
      // An old push (version 3) arriving late changes nothing.
      store.account.applyRemote([{ key: star(1), value: null, version: 3, updatedAt: 4 }], 3);
      expect(store.account.isStarred('c1', 1)).toBe(true);
      expect(store.account.version()).toBe(4);
      store.account.setLocal([{ key: deleted(3), value: true }], 'op-1', 10);
      store.resetServerState();
      expect(store.account.version()).toBe(0);
      expect(store.account.isStarred('c1', 1)).toBe(false);
      expect([...store.account.pendingByOp().keys()]).toEqual(['op-1']);
    });
  },
);
