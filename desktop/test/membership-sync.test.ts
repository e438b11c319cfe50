import { Database } from '../src/core/local-store/driver.node.ts';
import { describe, expect, it } from 'vitest';
import { startServer } from '@chitchat/server/testing';
import { accountDatabasePath } from '../src/core/chat-client';
import { nodeHost } from '../src/core/host.node.ts';
import {
  conversationOf,
  type Engine,
  type EngineOptions,
  online,
  showsTexts,
  until,
} from './engines';
import { serverPerTest } from './server-per-test';

/** Sync across membership periods (DESIGN §3, §5): engines against a real server. */
describe('the client engine across membership periods', () => {
  const rig = serverPerTest();
  const signedUp = (name: string, options: EngineOptions = {}) => rig.signedUp(name, options);
  /** Every row of the account's local cache that mentions `text` (events and kept changes). */
  const cachedMentions = (e: Engine & { userId: string }, text: string) => {
    const db = new Database(accountDatabasePath(e.profileDir, rig.server.url, e.userId, nodeHost), {
      readonly: true,
    });
    try {
      const like = `%${text}%`;
      const events = db
        .prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM events WHERE payload LIKE ?')
        .get(like);
      const kept = db
        .prepare<[string], { n: number }>(
          'SELECT COUNT(*) AS n FROM pending_changes WHERE payload LIKE ?',
        )
        .get(like);
      return (events?.n ?? 0) + (kept?.n ?? 0);
    } finally {
      db.close();
    }
  };

  it('a member added after a message never receives its later edit, and still converges', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const carol = await signedUp('Carol');
    const chat = await alice.client.createGroup({ title: 'Trip', memberIds: [bob.userId] });
    await alice.client.sendMessage({ conversationId: chat.id, text: 'the plan' });
    await showsTexts(bob.client, chat.id, ['the plan']);
    const target = (await alice.client.openConversation(chat.id)).messages.find(
      (m) => m.text === 'the plan',
    );
    await alice.client.updateGroup({ conversationId: chat.id, add: [carol.userId] });
    await until(carol.client, async () =>
      (await conversationOf(carol.client, chat.id)) ? true : undefined,
    );
    await alice.client.editMessage({
      conversationId: chat.id,
      seq: target?.seq ?? 0,
      text: 'the secret plan',
    });
    await showsTexts(bob.client, chat.id, ['the secret plan']);
    await alice.client.sendMessage({ conversationId: chat.id, text: 'welcome Carol' });
    await showsTexts(carol.client, chat.id, ['welcome Carol']);
    await carol.client.idle();
    // Her log moved past the stub to the server's lastSeq, and nothing of the edit is kept.
    const serverLast = (await rig.server.store.getConversation(chat.id))?.lastSeq;
    expect((await conversationOf(carol.client, chat.id))?.unreadCount).toBe(1);
    expect(cachedMentions(carol, 'secret')).toBe(0);
    expect(cachedMentions(bob, 'secret')).toBeGreaterThan(0);
    const carolRow = new Database(
      accountDatabasePath(carol.profileDir, rig.server.url, carol.userId, nodeHost),
      {
        readonly: true,
      },
    );
    try {
      expect(
        carolRow
          .prepare<[string], { last_seq: number }>(
            'SELECT last_seq FROM conversations WHERE id = ?',
          )
          .get(chat.id)?.last_seq,
      ).toBe(serverLast);
    } finally {
      carolRow.close();
    }
  });

  it('ticks count the members whose period covers the message: adding someone turns nothing back to sent', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const carol = await signedUp('Carol');
    const chat = await alice.client.createGroup({ title: 'Trip', memberIds: [bob.userId] });
    for (const text of ['first', 'second'])
      await alice.client.sendMessage({ conversationId: chat.id, text });
    await showsTexts(bob.client, chat.id, ['first', 'second']);
    await bob.client.markRead(chat.id);
    const statuses = async () =>
      (await alice.client.openConversation(chat.id)).messages
        .filter((m) => m.type === 'message')
        .map((m) => `${m.text ?? ''}:${m.status ?? ''}`);
    const shows = (expected: string[]) =>
      until(alice.client, async () => {
        const now = await statuses();
        return JSON.stringify(now) === JSON.stringify(expected) ? now : undefined;
      });
    await shows(['first:read', 'second:read']);
    const second = (await alice.client.openConversation(chat.id)).messages.find(
      (m) => m.text === 'second',
    );

    // Carol joins with no watermarks: what Bob read stays read, and she is not listed for it.
    await alice.client.updateGroup({ conversationId: chat.id, add: [carol.userId] });
    await until(alice.client, async () =>
      (await conversationOf(alice.client, chat.id))?.memberCount === 3 ? true : undefined,
    );
    await alice.client.idle();
    expect(await statuses()).toEqual(['first:read', 'second:read']);
    const info = await alice.client.messageInfo({ conversationId: chat.id, seq: second?.seq ?? 0 });
    expect(info.members.map((m) => [m.userId, m.state])).toEqual([[bob.userId, 'read']]);
    // The same from the local cache alone (offline, no conversation:members).
    const { dataDir, port } = rig.server;
    await rig.server.stop();
    await until(alice.client, async () =>
      (await alice.client.getConnectionState()) === 'online' ? undefined : true,
    );
    const offlineInfo = await alice.client.messageInfo({
      conversationId: chat.id,
      seq: second?.seq ?? 0,
    });
    expect(offlineInfo.members.map((m) => [m.userId, m.state])).toEqual([[bob.userId, 'read']]);
    expect(await statuses()).toEqual(['first:read', 'second:read']);
    rig.server = await startServer({ dataDir, port });
    await online(alice.client);

    // A message after she joined waits for her too.
    await alice.client.sendMessage({ conversationId: chat.id, text: 'welcome' });
    await showsTexts(bob.client, chat.id, ['first', 'second', 'welcome']);
    await bob.client.markRead(chat.id);
    await showsTexts(carol.client, chat.id, ['welcome']);
    await shows(['first:read', 'second:read', 'welcome:delivered']);
    const welcome = (await alice.client.openConversation(chat.id)).messages.find(
      (m) => m.text === 'welcome',
    );
    const welcomeInfo = await alice.client.messageInfo({
      conversationId: chat.id,
      seq: welcome?.seq ?? 0,
    });
    expect(new Map(welcomeInfo.members.map((m) => [m.userId, m.state]))).toEqual(
      new Map([
        [bob.userId, 'read'],
        [carol.userId, 'delivered'],
      ]),
    );
    await carol.client.markRead(chat.id);
    await shows(['first:read', 'second:read', 'welcome:read']);
  });
});
