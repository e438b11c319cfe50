import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Database } from '../src/core/local-store/driver.node.ts';
import { seedMessages } from './seed';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '@chitchat/shared';
import { connect, call, http, startServer } from '@chitchat/server/testing';
import type { ClientSocket, SocketFactory } from '../src/core/sync-engine';
import {
  conversationOf,
  engine,
  type EngineOptions,
  online,
  PASSWORD,
  showsTexts,
  signedInEngine,
  textsIn,
  uniqueUser,
  until,
  wholeHistory,
} from './engines';
import { serverPerTest } from './server-per-test';

describe('the client engine against a real server', () => {
  const rig = serverPerTest();
  const started = async (options: EngineOptions = {}) => {
    const e = await engine(options);
    rig.engines.push(e);
    return e;
  };
  const signedUp = (name: string, options: EngineOptions = {}) => rig.signedUp(name, options);
  const signedIn = (username: string, options: EngineOptions = {}) =>
    signedInEngine(rig.server.url, username, rig.engines, options);
  const restartServer = async () => {
    const { dataDir, port } = rig.server;
    await rig.server.stop();
    rig.server = await startServer({ dataDir, port });
  };

  it('two accounts chat: the message shows up, unread counts, ticks go to read', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    expect(chat).toMatchObject({ kind: 'direct', title: 'Bob', unreadCount: 0 });

    const sent = await alice.client.sendMessage({ conversationId: chat.id, text: 'Hi Bob!' });
    expect(sent).toMatchObject({ status: 'pending', own: true, text: 'Hi Bob!', seq: null });

    const bobChat = await until(bob.client, async () => {
      const c = await conversationOf(bob.client, chat.id);
      return c?.unreadCount === 1 ? c : undefined;
    });
    expect(bobChat).toMatchObject({
      title: 'Alice',
      lastMessage: { text: 'Hi Bob!', senderName: 'Alice' },
      request: 'incoming',
    });
    expect(await conversationOf(alice.client, chat.id)).toMatchObject({ request: 'outgoing' });
    // Bob accepts Alice's message request: from now on she sees when he has read her messages.
    expect(await bob.client.acceptRequest(chat.id)).toMatchObject({ request: null });
    expect(textsIn((await bob.client.openConversation(chat.id)).messages)).toEqual(['Hi Bob!']);

    await until(alice.client, async () =>
      (await alice.client.openConversation(chat.id)).messages[0]?.status === 'delivered'
        ? true
        : undefined,
    );
    await bob.client.markRead(chat.id);
    expect((await conversationOf(bob.client, chat.id))?.unreadCount).toBe(0);
    const read = await until(alice.client, async () => {
      const first = (await alice.client.openConversation(chat.id)).messages[0];
      return first?.status === 'read' ? first : undefined;
    });
    expect(read.key).toBe(sent.key);
  });

  it('a new account hears an empty list once its first sync is done (the screen stops "Syncing")', async () => {
    const e = await started();
    const lists: number[] = [];
    e.client.events.on('conversations', (list) => lists.push(list.length));
    await e.client.signUp({
      serverUrl: rig.server.url,
      username: uniqueUser('newcomer'),
      password: PASSWORD,
    });
    await until(e.client, () => (lists.length > 0 ? true : undefined), 10_000, 'a list event');
    expect(lists).toEqual([0]);
  });

  it('messages written offline survive an engine restart and arrive exactly once, in order', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    await alice.client.sendMessage({ conversationId: chat.id, text: 'online first' });
    await showsTexts(bob.client, chat.id, ['online first']);
    await until(alice.client, async () =>
      (await alice.client.openConversation(chat.id)).messages[0]?.status === 'delivered'
        ? true
        : undefined,
    );

    const { dataDir, port } = rig.server;
    await rig.server.stop();
    await until(alice.client, async () =>
      (await alice.client.getConnectionState()) !== 'online' ? true : undefined,
    );
    const offline = ['one', 'two', 'three', 'four', 'five'];
    for (const text of offline) await alice.client.sendMessage({ conversationId: chat.id, text });
    const pending = (await alice.client.openConversation(chat.id)).messages.filter(
      (m) => m.status === 'pending',
    );
    expect(pending.map((m) => m.text)).toEqual(offline);
    expect((await alice.client.listConversations())[0]?.lastMessage).toMatchObject({
      text: 'five',
      status: 'pending',
    });

    // The app is closed and opened again while the server is still down.
    await alice.client.stop();
    const reopened = await started({ profileDir: alice.profileDir, secrets: alice.secrets });
    const afterRestart = await reopened.client.openConversation(chat.id);
    expect(afterRestart.messages.map((m) => [m.text, m.status])).toEqual([
      ['online first', 'delivered'],
      ...offline.map((t) => [t, 'pending']),
    ]);

    rig.server = await startServer({ dataDir, port });
    const expected = ['online first', ...offline];
    await showsTexts(bob.client, chat.id, expected);
    await showsTexts(reopened.client, chat.id, expected);
    const seqs = (await bob.client.openConversation(chat.id)).messages.map((m) => m.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a server restart in the middle of a burst loses nothing and duplicates nothing', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    const texts = Array.from({ length: 60 }, (_, i) => `burst ${i}`);
    for (const text of texts.slice(0, 30))
      await alice.client.sendMessage({ conversationId: chat.id, text });
    // Restart while the first half is still being sent and acked.
    await restartServer();
    for (const text of texts.slice(30))
      await alice.client.sendMessage({ conversationId: chat.id, text });
    await showsTexts(bob.client, chat.id, texts, 30_000);
    await showsTexts(alice.client, chat.id, texts, 30_000);
    const onServer = await connect(
      rig.server,
      (
        await http<{ accessToken: string }>(rig.server, 'POST', '/api/auth/login', {
          body: { username: bob.username, password: PASSWORD },
        })
      ).body.accessToken,
    );
    const log = await call(onServer, 'events:after', {
      conversationId: chat.id,
      afterSeq: 0,
      limit: 500,
    });
    onServer.close();
    expect(log.events.map((e) => (e.type === 'message' ? e.payload.text : null))).toEqual(texts);
  });

  it('on server:draining the engine moves at once, and it comes back after the drain and restart', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    let aliceConnections = 0;
    rig.server.app.io.on('connection', (socket) => {
      if (socket.data.userId === alice.userId) aliceConnections++;
    });
    // The notice alone (the server would close the socket a little later): the engine leaves and
    // connects again by itself, without waiting for the server's disconnect.
    rig.server.app.io.to(`user:${alice.userId}`).emit('server:draining', {});
    await until(
      alice.client,
      async () =>
        aliceConnections >= 1 && (await alice.client.getConnectionState()) === 'online'
          ? true
          : undefined,
      10_000,
      'a new connection after server:draining',
    );
    await alice.client.sendMessage({ conversationId: chat.id, text: 'after the notice' });
    await showsTexts(bob.client, chat.id, ['after the notice']);

    // The whole drain (app.close), then the server back on the same port.
    await restartServer();
    await online(alice.client);
    await alice.client.sendMessage({ conversationId: chat.id, text: 'after the restart' });
    await showsTexts(bob.client, chat.id, ['after the notice', 'after the restart']);
  });

  it('a server restored to an older copy (new store epoch) makes the engine resync instead of ignoring new messages', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    await alice.client.sendMessage({ conversationId: chat.id, text: 'kept in the backup' });
    await showsTexts(bob.client, chat.id, ['kept in the backup']);
    const backup = path.join(rig.server.dataDir, 'backup.db');
    const live = new Database(path.join(rig.server.dataDir, 'chitchat.db'));
    live.exec(`VACUUM INTO '${backup}'`);
    live.close();
    for (const text of ['lost 1', 'lost 2', 'lost 3'])
      await alice.client.sendMessage({ conversationId: chat.id, text });
    await showsTexts(bob.client, chat.id, ['kept in the backup', 'lost 1', 'lost 2', 'lost 3']);

    // Restore: the backup comes back with a new epoch (docs/operations.md).
    const { dataDir, port } = rig.server;
    await rig.server.stop();
    copyFileSync(backup, path.join(dataDir, 'chitchat.db'));
    for (const suffix of ['-wal', '-shm']) {
      rmSync(path.join(dataDir, `chitchat.db${suffix}`), { force: true });
    }
    const restored = new Database(path.join(dataDir, 'chitchat.db'));
    restored.prepare("UPDATE meta SET value = ? WHERE key = 'store_epoch'").run(randomUUID());
    restored.close();
    rig.server = await startServer({ dataDir, port });

    // Seq 2 is taken again on the restored server; Bob already had a seq 2 ("lost 1").
    const raw = await connect(
      rig.server,
      (
        await http<{ accessToken: string }>(rig.server, 'POST', '/api/auth/login', {
          body: { username: alice.username, password: PASSWORD },
        })
      ).body.accessToken,
    );
    await call(raw, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      text: 'after the restore',
    });
    raw.close();
    await showsTexts(bob.client, chat.id, ['kept in the backup', 'after the restore'], 20_000);
  });

  it('a lost refresh response does not sign the device out', async () => {
    await rig.server.stop();
    rig.server = await startServer({ config: { ACCESS_TOKEN_TTL_S: 10 } });
    let dropNextRefresh = true;
    const lossyFetch = async (input: string, init?: RequestInit) => {
      const response = await fetch(input, init);
      if (input.endsWith('/api/auth/refresh') && dropNextRefresh) {
        dropNextRefresh = false;
        await response.text();
        throw new TypeError('fetch failed: connection reset before the response arrived');
      }
      return response;
    };
    const alice = await signedUp('Alice', { fetch: lossyFetch });
    const secrets = alice.secrets;
    const before = await secrets.get();
    // Access tokens live 10 s, less than the refresh margin: every request refreshes first.
    const devices = await alice.client.listDevices();
    expect(devices).toHaveLength(1);
    expect(dropNextRefresh).toBe(false);
    expect(await secrets.get()).not.toBe(before);
    expect((await alice.client.getSession()).status).toBe('signed_in');
    // The rotated token keeps working: the device was not revoked as a thief.
    expect(await alice.client.listDevices()).toHaveLength(1);
  });

  it('duplicate and out-of-order live events are applied once, in seq order', async () => {
    const held: { event: ConversationEvent; deliver: () => void }[] = [];
    let holding = false;
    const chaos: SocketFactory = (url, options) => {
      const socket: ClientSocket = io(url, options);
      const on = socket.on.bind(socket) as (
        name: string,
        fn: (...args: unknown[]) => void,
      ) => ClientSocket;
      (socket as unknown as { on: typeof on }).on = (name, fn) => {
        if (name !== 'event') return on(name, fn);
        return on(name, (event) => {
          const deliver = () => fn(event);
          if (holding) held.push({ event: event as ConversationEvent, deliver });
          else deliver();
        });
      };
      return socket;
    };
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob', { connect: chaos });
    const chat = await alice.client.startDirectChat(bob.userId);
    for (const text of ['one', 'two'])
      await alice.client.sendMessage({ conversationId: chat.id, text });
    await showsTexts(bob.client, chat.id, ['one', 'two']);

    holding = true;
    for (const text of ['three', 'four', 'five'])
      await alice.client.sendMessage({ conversationId: chat.id, text });
    await until(
      alice.client,
      async () => (held.length === 3 ? true : undefined),
      10_000,
      'three held events',
    );
    const [three, four, five] = held.splice(0);
    holding = false;
    // Newest first (a gap: Bob fetches 3-4 before applying 5), then everything again.
    five?.deliver();
    four?.deliver();
    three?.deliver();
    five?.deliver();
    await showsTexts(bob.client, chat.id, ['one', 'two', 'three', 'four', 'five']);
    const page = await bob.client.openConversation(chat.id);
    expect(page.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await conversationOf(bob.client, chat.id))?.unreadCount).toBe(5);
  });

  it("a read on one device clears the unread badge on the same account's other device", async () => {
    const alice = await signedUp('Alice');
    const phone = await signedIn(alice.username, { deviceName: 'Phone' });
    const bob = await signedUp('Bob');
    const chat = await bob.client.startDirectChat(alice.userId);
    for (const text of ['a', 'b', 'c'])
      await bob.client.sendMessage({ conversationId: chat.id, text });
    for (const device of [alice, phone]) {
      await until(device.client, async () =>
        (await conversationOf(device.client, chat.id))?.unreadCount === 3 ? true : undefined,
      );
    }
    await alice.client.markRead(chat.id);
    await until(phone.client, async () =>
      (await conversationOf(phone.client, chat.id))?.unreadCount === 0 ? true : undefined,
    );
  });

  it('a new device shows the latest page at once and back-fills older history on request', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    // 450 messages written through the store in one burst (as a long history arrives), not one
    // send and one fsync at a time: the test is about the new device, not the sender.
    const texts = Array.from({ length: 450 }, (_, i) => `history ${i}`);
    const at = Date.now() - 3_600_000;
    await seedMessages(
      rig.server.store,
      chat.id,
      texts.map((text, i) => ({ from: alice.userId, text, at: at + i })),
    );

    const laptop = await signedIn(bob.username, { deviceName: 'New laptop' });
    const latest = await until(laptop.client, async () => {
      const page = await laptop.client.openConversation(chat.id).catch(() => undefined);
      return page !== undefined && page.messages.length === 50 ? page : undefined;
    });
    expect(textsIn(latest.messages)).toEqual(texts.slice(-50));
    expect(latest.atStart).toBe(false);
    // Only the newest page (200) was fetched; older pages come from the server on scroll.
    const cache = new Database(
      path.join(
        laptop.profileDir,
        'accounts',
        readdirSync(path.join(laptop.profileDir, 'accounts')).find((f) => f.endsWith('.sqlite')) ??
          '',
      ),
      { readonly: true },
    );
    expect(cache.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 200 });
    cache.close();
    const all = await wholeHistory(laptop.client, chat.id);
    expect(textsIn(all)).toEqual(texts);
    expect((await laptop.client.loadOlder(chat.id, 1)).atStart).toBe(true);
  });

  it("search finds words and prefixes, and only in the signed-in account's own cache", async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const carol = await signedUp('Carol');
    const chat = await alice.client.startDirectChat(bob.userId);
    for (const text of ['Banana split for dessert', 'the quick brown fox', 'Bananas are yellow']) {
      await alice.client.sendMessage({ conversationId: chat.id, text });
    }
    await showsTexts(alice.client, chat.id, [
      'Banana split for dessert',
      'the quick brown fox',
      'Bananas are yellow',
    ]);
    // Search covers what is in the cache: wait for the server's copies of the three messages.
    const hits = await until(alice.client, async () => {
      const found = await alice.client.searchMessages('banan');
      const quick = await alice.client.searchMessages('quick');
      return found.length === 2 && quick.length === 1 ? found : undefined;
    });
    expect(hits.map((h) => h.seq)).toEqual([3, 1]);
    expect(hits[1]).toMatchObject({
      conversationId: chat.id,
      conversationTitle: 'Bob',
      senderName: 'You',
    });
    expect(hits[1]?.snippet).toEqual([
      { text: 'Banana', highlight: true },
      { text: ' split for dessert', highlight: false },
    ]);
    expect((await alice.client.searchMessages('quick fox')).map((h) => h.seq)).toEqual([2]);
    expect(await alice.client.searchMessages('dessert fox')).toEqual([]);
    expect(await alice.client.searchMessages('"; DROP TABLE events; --')).toEqual([]);

    // Another account signs in on the same profile: Alice's cache is not searched.
    await alice.client.signOut();
    await alice.client.signIn({
      serverUrl: rig.server.url,
      username: carol.username,
      password: PASSWORD,
    });
    expect(await alice.client.searchMessages('banana')).toEqual([]);
  });

  it('a definitive refusal marks a message failed; the user can retry it once the cause is gone', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    const bobToken = (
      await http<{ accessToken: string }>(rig.server, 'POST', '/api/auth/login', {
        body: { username: bob.username, password: PASSWORD },
      })
    ).body.accessToken;
    await http(rig.server, 'PATCH', '/api/me', {
      token: bobToken,
      body: { block: [alice.userId] },
    });
    const sent = await alice.client.sendMessage({
      conversationId: chat.id,
      text: 'are you there?',
    });
    const failed = await until(alice.client, async () => {
      const m = (await alice.client.openConversation(chat.id)).messages.find(
        (x) => x.key === sent.key,
      );
      return m?.status === 'failed' ? m : undefined;
    });
    expect(failed.error).toBe('forbidden');
    await http(rig.server, 'PATCH', '/api/me', {
      token: bobToken,
      body: { unblock: [alice.userId] },
    });
    await alice.client.retryMessage(sent.key);
    await showsTexts(bob.client, chat.id, ['are you there?']);
  });

  it('replies and edits aimed at messages still in the outbox wait for their target', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    await rig.server.stop();
    const first = await alice.client.sendMessage({ conversationId: chat.id, text: 'question' });
    expect(first.seq).toBeNull();
    rig.server = await startServer({ dataDir: rig.server.dataDir, port: rig.server.port });
    await showsTexts(bob.client, chat.id, ['question']);
    await bob.client.sendMessage({ conversationId: chat.id, text: 'answer', replyToSeq: 1 });
    const reply = await until(alice.client, async () => {
      const m = (await alice.client.openConversation(chat.id)).messages.find(
        (x) => x.text === 'answer',
      );
      return m?.replyTo ? m : undefined;
    });
    expect(reply.replyTo).toMatchObject({ seq: 1, text: 'question', senderName: 'You' });
    await alice.client.editMessage({ conversationId: chat.id, seq: 1, text: 'question (edited)' });
    await until(bob.client, async () => {
      const m = (await bob.client.openConversation(chat.id)).messages[0];
      return m?.text === 'question (edited)' && m.editedAt !== null ? true : undefined;
    });
    await alice.client.deleteMessage({ conversationId: chat.id, seq: 1 });
    await until(bob.client, async () =>
      (await bob.client.openConversation(chat.id)).messages[0]?.deletedAt ? true : undefined,
    );
    expect(await bob.client.searchMessages('question')).toEqual([]);
  });
});
