import { afterEach, describe, expect, it } from 'vitest';
import { direct, person } from './fixtures';
import { call, connect, nextEvent, startServer, type TestServer } from './harness';

/*
 * Presence transitions and the device stamps (last seen, kept in the store for after a restart)
 * that go with them. The stamp is a commit (an fsync, behind whatever batch is on the disk): the
 * transition must not wait for it, or a watcher sees a connect announced after what followed it.
 */
describe('presence and device stamps', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A server whose device stamps can be held, as a slow disk holds a commit. */
  async function serverWithHeldStamps() {
    let held: (() => void)[] | null = null;
    const server: TestServer = await startServer({
      wrapStore: (store) => ({
        ...store,
        async touchDevice(id, at) {
          if (held !== null) await new Promise<void>((resolve) => held?.push(resolve));
          return store.touchDevice(id, at);
        },
      }),
    });
    cleanups.push(() => server.stop());
    return {
      server,
      hold: () => void (held ??= []),
      release: () => {
        const waiting = held ?? [];
        held = null;
        for (const resolve of waiting) resolve();
        return waiting.length;
      },
    };
  }

  it('a device coming online is announced while its stamp is still committing', async () => {
    const { server, hold, release } = await serverWithHeldStamps();
    const alice = await person(server, 'alice');
    const bob = await person(server, 'bob');
    cleanups.push(() => bob.socket.close());
    const chat = await direct(bob, alice);
    await call(alice.socket, 'request:accept', { conversationId: chat.id });
    await call(bob.socket, 'presence:watch', { userIds: [alice.userId] });
    const offline = nextEvent(bob.socket, 'presence', (p) => p.userId === alice.userId);
    alice.socket.close();
    expect(await offline).toMatchObject({ online: false });

    hold();
    const online = nextEvent(bob.socket, 'presence', (p) => p.userId === alice.userId);
    const again = await connect(server, alice.session.accessToken);
    cleanups.push(() => again.close());
    expect(await online).toMatchObject({ userId: alice.userId, online: true, lastSeenAt: null });
    // The stamp was indeed still waiting when the announcement went out.
    expect(release()).toBe(1);
  });
});
