import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '@chitchat/server/testing';
import {
  PASSWORD,
  conversationOf,
  engine,
  online,
  removeProfiles,
  showsTexts,
  uniqueUser,
  until,
  userIdOf,
  type Engine,
} from './engines';

/** Requests that catch a conversation up (DESIGN §5 step 1). */
const CATCH_UP_EVENTS = new Set(['events:after', 'events:before']);

/**
 * The engine recovering from a server that fails part of a sync (DESIGN §5): engines against a
 * real server.
 */
describe('the client engine when part of a sync fails', () => {
  let server: TestServer;
  const engines: Engine[] = [];
  const signedUp = async (name: string, options: Parameters<typeof engine>[0] = {}) => {
    const e = await engine(options);
    engines.push(e);
    const username = uniqueUser(name);
    await e.client.signUp({
      serverUrl: server.url,
      username,
      password: PASSWORD,
      displayName: name,
    });
    await online(e.client);
    return { ...e, username, userId: await userIdOf(e.client) };
  };

  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.client.stop();
    await server.stop();
    removeProfiles();
  });

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
    await server.stop();
    await alice.client.sendMessage({ conversationId: withBob.id, text: 'to bob, offline' });
    await alice.client.sendMessage({ conversationId: withCarol.id, text: 'to carol, offline' });
    await alice.client.stop();
    const { dataDir, port } = server;
    server = await startServer({ dataDir, port });
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
    server.app.io.on('connection', (socket) => {
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
    engines.push(again);
    const startedAt = Date.now();

    // Both offline messages are sent, and the chat that answers is caught up, within a few ack
    // timeouts (not the ten minutes until the next sync).
    await showsTexts(bob.client, withBob.id, ['from bob', 'to bob, offline'], 6_000);
    await showsTexts(carol.client, withCarol.id, ['from carol', 'to carol, offline'], 6_000);
    const [other, otherTexts] =
      stuck === withBob.id
        ? [withCarol, ['from carol', 'to carol, offline']]
        : [withBob, ['from bob', 'to bob, offline']];
    expect(stuck).toBeDefined();
    await showsTexts(again.client, other.id, otherTexts, 6_000);
    expect(Date.now() - startedAt).toBeLessThan(8_000);

    // The stuck chat is tried again (with backoff, not only at the next sync); once the server
    // answers, it converges.
    await retriedTwice;
    holding = false;
    const stuckTexts =
      stuck === withBob.id
        ? ['from bob', 'to bob, offline']
        : ['from carol', 'to carol, offline'];
    await showsTexts(again.client, stuck ?? '', stuckTexts, 10_000);
    expect(Date.now() - startedAt).toBeLessThan(20_000);
  });
});
