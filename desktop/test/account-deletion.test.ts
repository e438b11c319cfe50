import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '@chitchat/server/testing';
import { accountDatabasePath } from '../src/core/account-paths';
import { nodeHost } from '../src/core/host.node.ts';
import {
  conversationOf,
  PASSWORD,
  showsTexts,
  signedInEngine,
  signedUpEngine,
  stopAll,
  until,
  type Engine,
} from './engines';

/**
 * Delete account from the app (issue #15): the person's devices are signed out and forget the
 * account; the other person keeps the chat, from "Deleted account".
 */
describe('delete account in the engine', () => {
  let server: TestServer | undefined;
  const engines: Engine[] = [];
  afterEach(() => stopAll(engines, server));

  it('signs out every device, wipes this one, and leaves the peer the history from "Deleted account"', async () => {
    server = await startServer();
    const ana = await signedUpEngine(server.url, 'ana', engines); // the server's admin
    const ben = await signedUpEngine(server.url, 'ben', engines);
    const benPhone = await signedInEngine(server.url, ben.username, engines);
    const chat = await ben.client.startDirectChat(ana.userId);
    await ben.client.sendMessage({ conversationId: chat.id, text: 'goodbye, and thanks' });
    await showsTexts(ana.client, chat.id, ['goodbye, and thanks']);
    const cacheFile = accountDatabasePath(ben.profileDir, server.url, ben.userId, nodeHost);
    expect(existsSync(cacheFile)).toBe(true);

    await expect(ben.client.deleteAccount({ password: 'not my password' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await ben.client.getSession()).status).toBe('signed_in');

    await ben.client.deleteAccount({ password: PASSWORD });
    expect(await ben.client.getSession()).toEqual({
      status: 'signed_out',
      serverUrl: null,
    });
    expect(existsSync(cacheFile)).toBe(false);
    expect(existsSync(path.join(ben.profileDir, 'media', ben.userId))).toBe(false);

    // The other device is told why, at once.
    const phoneSession = await until(benPhone.client, async () => {
      const session = await benPhone.client.getSession();
      return session.status === 'signed_out' ? session : undefined;
    });
    expect(phoneSession.status).toBe('signed_out');
    await expect(
      benPhone.client.signIn({ serverUrl: server.url, username: ben.username, password: PASSWORD }),
    ).rejects.toMatchObject({ code: 'unauthorized' });

    // Ana keeps the chat and what Ben wrote, from "Deleted account".
    const view = await until(ana.client, async () => {
      const c = await conversationOf(ana.client, chat.id);
      return c?.title === 'Deleted account' ? c : undefined;
    });
    expect(view.lastMessage?.text).toBe('goodbye, and thanks');
  });
});
