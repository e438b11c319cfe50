import { describe, expect, it } from 'vitest';
import { PINNED_CHATS_MAX, chatKey } from '@chitchat/shared';
import { call, connect, login, startServer } from '@chitchat/server/testing';
import type { ConversationView } from '../src/common/contract';
import type { ChatClient } from '../src/core/chat-client';
import {
  type EngineOptions,
  conversationOf,
  engine,
  online,
  PASSWORD,
  showsTexts,
  signedInEngine,
  until,
} from './engines';
import { serverPerTest } from './server-per-test';

/** Resolves with the chat's view once `check` holds for it on this device. */
const chatWhere = (
  client: ChatClient,
  conversationId: string,
  check: (c: ConversationView) => boolean,
  what: string,
) =>
  until(
    client,
    async () => {
      const c = await conversationOf(client, conversationId);
      return c !== undefined && check(c) ? c : undefined;
    },
    15_000,
    what,
  );

describe('the chat list in the engine (issue #15): pin, archive, unread, mute-until, drafts on every device', () => {
  const rig = serverPerTest();
  const signedUp = (name: string) => rig.signedUp(name);
  const signedIn = (username: string) =>
    signedInEngine(rig.server.url, username, rig.engines, { deviceName: 'Phone' });

  it("pins (at most three), archive, mark unread and mute for 8 hours reach the person's other device and no one else", async () => {
    const alice = await signedUp('Alice');
    const phone = await signedIn(alice.username);
    const bob = await signedUp('Bob');
    const carol = await signedUp('Carol');
    const withBob = await alice.client.startDirectChat(bob.userId);
    const withCarol = await alice.client.startDirectChat(carol.userId);
    const team = await alice.client.createGroup({ title: 'Team', memberIds: [bob.userId] });
    const book = await alice.client.createGroup({ title: 'Book club', memberIds: [carol.userId] });
    await alice.client.sendMessage({ conversationId: team.id, text: 'hello team' });
    await showsTexts(bob.client, team.id, ['hello team']);
    for (const c of [withBob, withCarol, team, book])
      await chatWhere(phone.client, c.id, () => true, 'the phone has every chat');

    // Three pins; a fourth is refused with a clear code and changes nothing.
    for (const c of [withBob, withCarol, team]) await alice.client.setChatPinned(c.id, true);
    await expect(alice.client.setChatPinned(book.id, true)).rejects.toMatchObject({
      code: 'pin_limit',
    });
    expect(PINNED_CHATS_MAX).toBe(3);
    for (const c of [withBob, withCarol, team])
      await chatWhere(phone.client, c.id, (v) => v.pinnedAt !== null, 'pinned on the phone');
    expect((await conversationOf(phone.client, book.id))?.pinnedAt).toBeNull();

    // Archived on the laptop; a new message in it keeps it archived on both devices.
    await alice.client.setChatArchived(team.id, true);
    await chatWhere(phone.client, team.id, (v) => v.archived, 'archived on the phone');
    await bob.client.sendMessage({ conversationId: team.id, text: 'still there?' });
    for (const device of [alice.client, phone.client]) {
      await showsTexts(device, team.id, ['hello team', 'still there?']);
      expect((await conversationOf(device, team.id))?.archived).toBe(true);
    }

    // Marked unread on the laptop; reading it on the phone clears the mark everywhere.
    await alice.client.setChatUnread(withBob.id, true);
    await chatWhere(phone.client, withBob.id, (v) => v.markedUnread, 'unread mark on the phone');
    await phone.client.markRead(withBob.id);
    await chatWhere(alice.client, withBob.id, (v) => !v.markedUnread, 'mark cleared by reading');

    // Muted for 8 hours: muted on both, until about 8 hours from now.
    const before = Date.now();
    await alice.client.setChatMute(withCarol.id, '8h');
    const muted = await chatWhere(phone.client, withCarol.id, (v) => v.muted, 'muted on the phone');
    const until8h = Date.parse(muted.mutedUntil ?? '');
    expect(until8h).toBeGreaterThanOrEqual(before + 8 * 3600_000);
    expect(until8h).toBeLessThan(Date.now() + 8 * 3600_000 + 1000);
    // Older apps' switch: muted always; unmuting from the phone reaches the laptop.
    await alice.client.setMuted(book.id, true);
    await chatWhere(phone.client, book.id, (v) => v.mutedUntil === 'always', 'muted always');
    await phone.client.setChatMute(book.id, null);
    await chatWhere(alice.client, book.id, (v) => !v.muted, 'unmuted from the phone');

    // Bob and Carol see none of it.
    for (const other of [bob.client, carol.client])
      for (const c of await other.listConversations())
        expect([c.pinnedAt, c.archived, c.markedUnread, c.muted]).toEqual([
          null,
          false,
          false,
          false,
        ]);
  });

  it('changes made offline survive an app restart and converge on the other device once back online', async () => {
    const alice = await signedUp('Alice');
    const phone = await signedIn(alice.username);
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    await alice.client.sendMessage({ conversationId: chat.id, text: 'hi' });
    await chatWhere(phone.client, chat.id, () => true, 'the phone has the chat');

    const { dataDir, port } = rig.server;
    await rig.server.stop();
    await until(alice.client, async () =>
      (await alice.client.getConnectionState()) !== 'online' ? true : undefined,
    );
    await alice.client.setChatPinned(chat.id, true);
    await alice.client.setChatArchived(chat.id, true);
    await alice.client.setChatMute(chat.id, '1w');
    await alice.client.setDraft(chat.id, 'written offline');
    // Shown here at once.
    expect(await conversationOf(alice.client, chat.id)).toMatchObject({
      archived: true,
      muted: true,
      draft: 'written offline',
    });
    const { profileDir, secrets } = alice;
    await alice.client.stop();
    rig.engines.splice(
      rig.engines.findIndex((e) => e.client === alice.client),
      1,
    );
    const options: EngineOptions = { profileDir, secrets };
    const laptop = await engine(options);
    rig.engines.push(laptop);

    rig.server = await startServer({ dataDir, port });
    await online(laptop.client);
    const converged = (v: ConversationView) =>
      v.pinnedAt !== null && v.archived && v.muted && v.draft === 'written offline';
    await chatWhere(phone.client, chat.id, converged, 'the phone converges');
    await chatWhere(laptop.client, chat.id, converged, 'the laptop keeps its changes');
    expect((await conversationOf(bob.client, chat.id))?.draft).toBe('');
  });

  it('a draft typed on one device appears on the other; the last writer wins; sending clears it everywhere', async () => {
    const alice = await signedUp('Alice');
    const phone = await signedIn(alice.username);
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    await chatWhere(phone.client, chat.id, () => true, 'the phone has the chat');

    await alice.client.setDraft(chat.id, 'see you');
    await chatWhere(phone.client, chat.id, (v) => v.draft === 'see you', 'draft on the phone');
    // The phone goes on typing: the laptop shows the newer text.
    await phone.client.setDraft(chat.id, 'see you at 8');
    await chatWhere(alice.client, chat.id, (v) => v.draft === 'see you at 8', 'newer draft');
    // Sent from the laptop: no draft on either device, and Bob never saw one.
    await alice.client.sendMessage({ conversationId: chat.id, text: 'see you at 8' });
    await chatWhere(phone.client, chat.id, (v) => v.draft === '', 'draft cleared on the phone');
    expect((await conversationOf(alice.client, chat.id))?.draft).toBe('');
    await showsTexts(bob.client, chat.id, ['see you at 8']);
    expect((await conversationOf(bob.client, chat.id))?.draft).toBe('');
  });

  it('a mute-until that ends shows the chat unmuted again without anything else happening', async () => {
    const alice = await signedUp('Alice');
    const bob = await signedUp('Bob');
    const chat = await alice.client.startDirectChat(bob.userId);
    // Another device of Alice's mutes it until a moment from now (a raw socket, as any app may).
    const other = await login(rig.server, alice.username, PASSWORD);
    const socket = await connect(rig.server, other.accessToken);
    try {
      const until = new Date(Date.now() + 1_500).toISOString();
      await call(socket, 'account:set', {
        changes: [{ key: chatKey('mute', chat.id), value: until }],
      });
      await chatWhere(alice.client, chat.id, (v) => v.muted && v.mutedUntil === until, 'muted');
      // No further change reaches the engine: only the time passing unmutes it.
      await chatWhere(alice.client, chat.id, (v) => !v.muted && v.mutedUntil === null, 'unmuted');
    } finally {
      socket.close();
    }
  });
});
