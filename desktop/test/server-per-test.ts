/**
 * The set-up most engine suites share: a real server started before each test, and stopped after
 * it together with the engines the test made (see `stopAll`).
 */
import { afterEach, beforeEach } from 'vitest';
import { startServer, type TestServer } from '@chitchat/server/testing';
import {
  conversationOf,
  signedInEngine,
  signedUpEngine,
  stopAll,
  until,
  type Engine,
  type EngineOptions,
} from './engines';

export interface ServerPerTest {
  /** The current test's server; assignable, for a test that restarts it (stopped after the test). */
  server: TestServer;
  /** The engines the test made, stopped after it. */
  readonly engines: Engine[];
  /** A new engine signed up as `displayName` on the current server (see `signedUpEngine`). */
  signedUp(displayName: string, options?: EngineOptions): ReturnType<typeof signedUpEngine>;
}

/** Call once at the top of a `describe`; the server is there once its tests run. */
export function serverPerTest(options?: Parameters<typeof startServer>[0]): ServerPerTest {
  const engines: Engine[] = [];
  let current: TestServer | undefined;
  beforeEach(async () => {
    current = await startServer(options);
  });
  afterEach(() => stopAll(engines, current));
  const server = () => {
    if (current === undefined) throw new Error('no server outside a test');
    return current;
  };
  return {
    engines,
    get server() {
      return server();
    },
    set server(restarted: TestServer) {
      current = restarted;
    },
    signedUp: (displayName, engineOptions) =>
      signedUpEngine(server().url, displayName, engines, engineOptions),
  };
}

/**
 * Alice on two devices (the second her laptop) and Bob, in a direct chat Alice started and Bob's
 * engine already holds.
 */
export async function aliceOnTwoDevicesAndBob(rig: ServerPerTest) {
  const alice = await rig.signedUp('Alice');
  const bob = await rig.signedUp('Bob');
  const laptop = await signedInEngine(rig.server.url, alice.username, rig.engines);
  const chat = await alice.client.startDirectChat(bob.userId);
  await until(bob.client, async () =>
    (await conversationOf(bob.client, chat.id)) ? true : undefined,
  );
  return { alice, bob, laptop, chat };
}
