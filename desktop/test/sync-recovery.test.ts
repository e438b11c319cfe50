import { randomUUID } from 'node:crypto';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Database } from '../src/core/local-store/driver.node.ts';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { call, connect, http, startServer } from '@chitchat/server/testing';
import {
  conversationOf,
  type Engine,
  engine,
  type EngineOptions,
  online,
  PASSWORD,
  showsTexts,
  textsIn,
  until,
  wholeHistory,
} from './engines';
import type { ClientSocket, SocketFactory } from '../src/core/sync-engine';
import { serverPerTest } from './server-per-test';

/** Requests that catch a conversation up (DESIGN §5 step 1). */
const CATCH_UP_EVENTS = new Set(['events:after', 'events:before']);

/**
 * The engine recovering from a server that fails part of a sync (DESIGN §5): engines against a
 * real server.
 */
describe('the client engine when part of a sync fails', () => {
  const rig = serverPerTest();
  const signedUp = (name: string, options: EngineOptions = {}) => rig.signedUp(name, options);

  /** A copy of the server's database now, to restore later (docs/operations.md). */
  const backup = () => {
    const file = path.join(rig.server.dataDir, `backup-${randomUUID()}.db`);
    const live = new Database(path.join(rig.server.dataDir, 'chitchat.db'));
    live.exec(`VACUUM INTO '${file}'`);
    live.close();
    return file;
  };
  /** Stops the server, puts the copy back with a new store epoch (a restore), and starts it. */
  const restore = async (file: string | null) => {
    const { dataDir, port } = rig.server;
    await rig.server.stop();
    const database = path.join(dataDir, 'chitchat.db');
    if (file !== null) {
      copyFileSync(file, database);
      for (const suffix of ['-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
    }
    const restored = new Database(database);
    restored.prepare("UPDATE meta SET value = ? WHERE key = 'store_epoch'").run(randomUUID());
    restored.close();
    rig.server = await startServer({ dataDir, port });
  };
  /** A second device of the account, as a bare socket. */
  const otherDevice = async (username: string) =>
    connect(
      rig.server,
      (
        await http<{ accessToken: string }>(rig.server, 'POST', '/api/auth/login', {
          body: { username, password: PASSWORD },
        })
      ).body.accessToken,
    );
  const offline = (client: Engine['client']) =>
    until(client, async () =>
      (await client.getConnectionState()) === 'online' ? undefined : true,
    );

  it('a catch-up that is never answered holds back neither the other chats nor the outbox, and is retried until it converges', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const carol = await signedUp('Carol');
    const withBob = await alice.client.startDirectChat(bob.userId);
    const withCarol = await alice.client.startDirectChat(carol.userId);
    for (const [peer, chat] of [
      [bob, withBob],
      [carol, withCarol],
    ] as const)
      await until(peer.client, async () =>
        (await conversationOf(peer.client, chat.id)) ? true : undefined,
      );

    // Alice writes in both chats while the server is down, then her app closes; meanwhile Bob
    // and Carol write to her.
    await rig.server.stop();
    await alice.client.sendMessage({ conversationId: withBob.id, text: 'to bob, offline' });
    await alice.client.sendMessage({ conversationId: withCarol.id, text: 'to carol, offline' });
    await alice.client.stop();
    const { dataDir, port } = rig.server;
    rig.server = await startServer({ dataDir, port });
    await online(bob.client);
    await online(carol.client);
    await bob.client.sendMessage({ conversationId: withBob.id, text: 'from bob' });
    await carol.client.sendMessage({ conversationId: withCarol.id, text: 'from carol' });
    await showsTexts(bob.client, withBob.id, ['from bob']);
    await showsTexts(carol.client, withCarol.id, ['from carol']);

    // The server never answers the first catch-up Alice's device asks for (whichever chat the
    // list names first), nor any later one for that chat, until released.
    let stuck: string | undefined;
    let holding = true;
    let swallowed = 0;
    let retried: () => void = () => undefined;
    const retriedTwice = new Promise<void>((resolve) => (retried = resolve));
    rig.server.app.io.on('connection', (socket) => {
      if (socket.data.userId !== alice.userId) return;
      socket.use((packet: [string, ...unknown[]], next) => {
        const [event, payload] = packet;
        const conversationId =
          typeof payload === 'object' && payload !== null && 'conversationId' in payload
            ? payload.conversationId
            : undefined;
        if (
          holding &&
          CATCH_UP_EVENTS.has(event) &&
          typeof conversationId === 'string' &&
          (stuck === undefined || stuck === conversationId)
        ) {
          stuck = conversationId;
          swallowed += 1;
          if (swallowed >= 3) retried();
          return; // no ack: the request times out on the client
        }
        next();
      });
    });
    // A short ack timeout and a resync timer far beyond the test: only the engine's own retry
    // can bring the other chat and the outbox through in time.
    const again = await engine({
      profileDir: alice.profileDir,
      secrets: alice.secrets,
      sync: { ackTimeoutMs: 800, resyncIntervalMs: 10 * 60_000 },
    });
    rig.engines.push(again);
    const startedAt = Date.now();

    // Both offline messages are sent, and the chat that answers is caught up, within a few ack
    // timeouts (not the ten minutes until the next sync).
    await showsTexts(bob.client, withBob.id, ['from bob', 'to bob, offline'], 15_000);
    await showsTexts(carol.client, withCarol.id, ['from carol', 'to carol, offline'], 15_000);
    const [other, otherTexts] =
      stuck === withBob.id
        ? [withCarol, ['from carol', 'to carol, offline']]
        : [withBob, ['from bob', 'to bob, offline']];
    expect(stuck).toBeDefined();
    await showsTexts(again.client, other.id, otherTexts, 15_000);
    // Far below the ten minutes the resync timer would take (generous for a loaded machine).
    expect(Date.now() - startedAt).toBeLessThan(30_000);

    // The stuck chat is tried again (with backoff, not only at the next sync); once the server
    // answers, it converges.
    await retriedTwice;
    holding = false;
    const stuckTexts =
      stuck === withBob.id ? ['from bob', 'to bob, offline'] : ['from carol', 'to carol, offline'];
    await showsTexts(again.client, stuck ?? '', stuckTexts, 10_000);
    expect(Date.now() - startedAt).toBeLessThan(45_000);
  }, 90_000);

  it('after a restore, queued edits and replies find their target again or fail visibly, never naming another message', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    await alice.client.sendMessage({ conversationId: chat.id, text: 'one' });
    await showsTexts(bob.client, chat.id, ['one']);
    const copy = backup();
    await alice.client.sendMessage({ conversationId: chat.id, text: 'two' });
    await showsTexts(bob.client, chat.id, ['one', 'two']);
    await bob.client.sendMessage({ conversationId: chat.id, text: 'bob lost' });
    await showsTexts(alice.client, chat.id, ['one', 'two', 'bob lost']);
    const seqOf = async (text: string) =>
      (await wholeHistory(alice.client, chat.id)).find((m) => m.text === text)?.seq ?? 0;
    const [one, two, bobLost] = [await seqOf('one'), await seqOf('two'), await seqOf('bob lost')];

    // Offline, Alice edits two messages and replies to two; then her app closes.
    await rig.server.stop();
    await offline(alice.client);
    await alice.client.editMessage({ conversationId: chat.id, seq: one, text: 'one (edited)' });
    await alice.client.editMessage({ conversationId: chat.id, seq: two, text: 'two (edited)' });
    await alice.client.sendMessage({ conversationId: chat.id, text: 're: one', replyToSeq: one });
    await alice.client.sendMessage({
      conversationId: chat.id,
      text: 're: bob lost',
      replyToSeq: bobLost,
    });
    await alice.client.stop();

    // The server comes back from the copy, where seqs 2 and 3 are taken by other messages.
    await restore(copy);
    const aliceElsewhere = await otherDevice(alice.username);
    const bobElsewhere = await otherDevice(bob.username);
    for (const [socket, text] of [
      [aliceElsewhere, 'alice elsewhere'],
      [bobElsewhere, 'bob elsewhere'],
    ] as const)
      await call(socket, 'message:send', {
        conversationId: chat.id,
        clientMsgId: randomUUID(),
        text,
      });
    aliceElsewhere.close();
    bobElsewhere.close();
    expect(await rig.server.store.getEvent(chat.id, two)).toMatchObject({
      payload: { text: 'alice elsewhere' },
    });

    const again = await engine({ profileDir: alice.profileDir, secrets: alice.secrets });
    rig.engines.push(again);
    // The edit of a message the copy kept reaches it; the reply to it quotes it.
    await showsTexts(bob.client, chat.id, [
      'one (edited)',
      'alice elsewhere',
      'bob elsewhere',
      're: one',
    ]);
    const failed = await until(again.client, async () => {
      const shown = (await again.client.openConversation(chat.id)).messages.filter(
        (m) => m.status === 'failed',
      );
      return shown.length === 2 ? shown : undefined;
    });
    // What named a message the copy lost fails where Alice sees it, with a reason, and can be
    // retried or discarded; nobody sees it applied to the message that now has that seq.
    expect(failed.map((m) => [m.text, m.error])).toEqual([
      ['two (edited)', 'stale_target'],
      ['re: bob lost', 'stale_target'],
    ]);
    // The failed reply does not quote the message that now has the old seq.
    expect(failed[1]?.replyTo?.text ?? null).toBeNull();
    await again.client.idle();
    expect(textsIn(await wholeHistory(bob.client, chat.id))).toEqual([
      'one (edited)',
      'alice elsewhere',
      'bob elsewhere',
      're: one',
    ]);
    const reply = (await wholeHistory(bob.client, chat.id)).find((m) => m.text === 're: one');
    expect(reply?.replyTo).toMatchObject({ seq: one, text: 'one (edited)' });
    const discarded = failed[0]?.key ?? '';
    await again.client.discardMessage(discarded);
    expect((await again.client.openConversation(chat.id)).messages.map((m) => m.key)).not.toContain(
      discarded,
    );
  });

  it('after a restore, a message sent again that the server already had does not stay stuck below the newest page', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    await until(bob.client, async () =>
      (await conversationOf(bob.client, chat.id)) ? true : undefined,
    );
    await bob.client.sendMessage({ conversationId: chat.id, text: 'hello' });
    await showsTexts(alice.client, chat.id, ['hello']);
    // Alice's message is acked, but her device never applies its event (it never arrives),
    // and her app closes: the entry is "sent", waiting for its event.
    let dropping = true;
    const deaf: SocketFactory = (url, options) => {
      const socket: ClientSocket = io(url, options);
      const on = socket.on.bind(socket) as (
        name: string,
        fn: (...args: unknown[]) => void,
      ) => ClientSocket;
      (socket as unknown as { on: typeof on }).on = (name, fn) =>
        on(name, name === 'event' ? (...args) => (dropping ? undefined : fn(...args)) : fn);
      return socket;
    };
    await alice.client.stop();
    const deafAlice = await engine({
      profileDir: alice.profileDir,
      secrets: alice.secrets,
      connect: deaf,
    });
    rig.engines.push(deafAlice);
    await online(deafAlice.client);
    await deafAlice.client.sendMessage({ conversationId: chat.id, text: 'mine' });
    await until(
      deafAlice.client,
      async () =>
        (await deafAlice.client.openConversation(chat.id)).messages.at(-1)?.status === 'sent'
          ? true
          : undefined,
      10_000,
      'mine sent',
    );
    await deafAlice.client.stop();
    dropping = false;
    const later = ['b1', 'b2', 'b3', 'b4'];
    for (const text of later) await bob.client.sendMessage({ conversationId: chat.id, text });
    // Bob's messages are on the server (acked), not only in his outbox.
    await until(bob.client, async () => {
      const shown = await wholeHistory(bob.client, chat.id);
      return textsIn(shown).length === 6 && shown.every((m) => m.seq !== null) ? true : undefined;
    });

    // The server is rebuilt (new epoch, same data). Alice starts again with pages of three:
    // her entry is sent again, and the server answers with the seq it already had, below the
    // newest page she loads.
    await restore(null);
    const again = await engine({
      profileDir: alice.profileDir,
      secrets: alice.secrets,
      sync: { pageSize: 3 },
    });
    rig.engines.push(again);
    await online(again.client);
    await until(
      again.client,
      async () => {
        if ((await conversationOf(again.client, chat.id)) === undefined) return undefined;
        const shown = (await again.client.openConversation(chat.id)).messages;
        return textsIn(shown).join() === 'b2,b3,b4' ? true : undefined;
      },
      10_000,
      'the newest page',
    );
    await again.client.idle();
    const newest = (await again.client.openConversation(chat.id)).messages;
    expect(newest.map((m) => [m.text, m.status])).toEqual([
      ['b2', null],
      ['b3', null],
      ['b4', null],
    ]);
    expect(textsIn(await wholeHistory(again.client, chat.id))).toEqual(['hello', 'mine', ...later]);
  });
});
