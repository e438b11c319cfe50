import { describe, expect, it } from 'vitest';
import type { ChatClient } from '../src/core/chat-client';
import type { ChatEvents } from '../src/common/contract';
import { notificationFor } from '../src/common/notification-policy';
import { engine, type Engine, online, signedInEngine, signedUpEngine, until } from './engines';
import { serverPerTest } from './server-per-test';

const away = { windowFocused: false, activeConversationId: null };

/** The account's "Show previews" as this device holds it (absent: on). */
const previewsOf = async (client: ChatClient): Promise<boolean | undefined> => {
  const session = await client.getSession();
  return session.status === 'signed_in' ? (session.user.notificationPreviews ?? true) : undefined;
};

const nextIncoming = (e: Engine, text: string) =>
  new Promise<ChatEvents['incoming']>((resolve) => {
    const off = e.client.events.on('incoming', (event) => {
      if (event.message.text !== text) return;
      off();
      resolve(event);
    });
  });

describe('"Show previews", account-wide, engine to engine through a real server', () => {
  const rig = serverPerTest();

  it('turned off on one device: every device of the account holds it, and their notifications say "New message"', async () => {
    const ana = await signedUpEngine(rig.server.url, 'Ana', rig.engines, { deviceName: 'Laptop' });
    const phone = await signedInEngine(rig.server.url, ana.username, rig.engines, {
      deviceName: 'Phone',
    });
    const bob = await signedUpEngine(rig.server.url, 'Bob', rig.engines);
    expect(await previewsOf(phone.client)).toBe(true);

    await ana.client.updateProfile({ notificationPreviews: false });
    // The other device learns it live (no reload, no reconnect).
    await until(
      phone.client,
      async () => ((await previewsOf(phone.client)) === false ? true : undefined),
      10_000,
      'previews off on the phone',
    );
    expect((await rig.server.store.getUser(ana.userId))?.notificationPreviews).toBe(false);

    const chat = await bob.client.startDirectChat(ana.userId);
    const onLaptop = nextIncoming(ana, 'The door code is 4711');
    const onPhone = nextIncoming(phone, 'The door code is 4711');
    await bob.client.sendMessage({ conversationId: chat.id, text: 'The door code is 4711' });
    for (const incoming of await Promise.all([onLaptop, onPhone])) {
      expect(incoming.previews).toBe(false);
      expect(notificationFor(incoming, away, { kind: 'direct', muted: false })).toEqual({
        conversationId: chat.id,
        title: 'Bob',
        body: 'New message',
      });
    }
  });

  it('changed while a device was closed: it holds the new setting once it connects again', async () => {
    const ana = await signedUpEngine(rig.server.url, 'Ana', rig.engines, { deviceName: 'Laptop' });
    const phone = await signedInEngine(rig.server.url, ana.username, rig.engines, {
      deviceName: 'Phone',
    });
    await phone.client.stop();

    await ana.client.updateProfile({ notificationPreviews: false });
    const again = await engine({ profileDir: phone.profileDir, secrets: phone.secrets });
    rig.engines.push(again);
    // The saved session still says on; the connect reads the account again.
    await online(again.client);
    await until(
      again.client,
      async () => ((await previewsOf(again.client)) === false ? true : undefined),
      10_000,
      'previews off after the reconnect',
    );

    const bob = await signedUpEngine(rig.server.url, 'Bob', rig.engines);
    const chat = await bob.client.startDirectChat(ana.userId);
    const shown = nextIncoming(again, 'See you at 8');
    await bob.client.sendMessage({ conversationId: chat.id, text: 'See you at 8' });
    expect((await shown).previews).toBe(false);
  });
});
