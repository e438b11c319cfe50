import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ChatEvents, ConversationView } from '../src/common/contract';
import type { ChatClient } from '../src/core/chat-client';
import { conversationOf, signedUpEngine, until } from './engines';
import { serverPerTest } from './server-per-test';

/** A square JPEG, as the app's crop makes one. */
const squarePhoto = async () => ({
  bytes: new Uint8Array(
    await sharp({
      create: { width: 64, height: 64, channels: 3, background: { r: 40, g: 160, b: 90 } },
    })
      .jpeg()
      .toBuffer(),
  ),
  mime: 'image/jpeg',
});

const viewWhere = (
  client: ChatClient,
  conversationId: string,
  check: (view: ConversationView) => boolean,
  what: string,
) =>
  until(
    client,
    async () => {
      const view = await conversationOf(client, conversationId);
      return view && check(view) ? view : undefined;
    },
    15_000,
    what,
  );

/**
 * Groups in the engine (issue #15): the group photo, description and permissions an admin sets
 * reach every member's view live (the avatar from the media cache), and stay in the cache.
 */
describe('groups in the engine', () => {
  const rig = serverPerTest();

  it('photo, description and permissions set by the owner reach a member live; removing the photo too', async () => {
    const ana = await signedUpEngine(rig.server.url, 'Ana', rig.engines);
    const ben = await signedUpEngine(rig.server.url, 'Ben', rig.engines);
    const chat = await ana.client.createGroup({ title: 'Hikers', memberIds: [ben.userId] });
    expect(chat.group).toEqual({
      description: null,
      permissions: { send: 'everyone', editInfo: 'everyone', approveJoins: false },
    });
    expect(chat.photo).toBeNull();
    await viewWhere(ben.client, chat.id, () => true, 'Ben has the group');

    await ana.client.setGroupPhoto(chat.id, await squarePhoto());
    const mine = await conversationOf(ana.client, chat.id);
    expect(mine?.photo).toMatch(/^[0-9a-f-]{36}$/);
    // A message from Ben notifies Ana with the group photo as its icon (her upload is cached).
    const notified = new Promise<ChatEvents['incoming']>((resolve) => {
      const off = ana.client.events.on('incoming', (event) => {
        off();
        resolve(event);
      });
    });
    await ben.client.sendMessage({ conversationId: chat.id, text: 'See you Saturday' });
    const { iconFile } = await notified;
    expect(iconFile).toBeDefined();
    expect(readFileSync(iconFile ?? '').subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));

    await ana.client.updateGroup({
      conversationId: chat.id,
      description: 'Saturdays.\nBring water: https://example.org/plan',
      permissions: { send: 'admins' },
    });
    const seen = await viewWhere(
      ben.client,
      chat.id,
      (v) => v.photo === mine?.photo && v.group?.permissions.send === 'admins',
      "Ben sees the group's photo, description and permissions",
    );
    expect(seen.group?.description).toBe('Saturdays.\nBring water: https://example.org/plan');
    // The photo's thumbnail downloads for Ben (a member).
    const thumbnail = await ben.client.getMedia({
      mediaId: seen.photo ?? '',
      variant: 'thumbnail',
    });
    expect(thumbnail.mime).toBe('image/webp');
    // The group's log says what happened, in words.
    const expected = [
      'Ana changed the group photo',
      'Ana changed the group description',
      'Ana changed the group settings',
    ];
    await until(
      ben.client,
      async () => {
        const { messages } = await ben.client.openConversation(chat.id);
        const lines = messages.map((m) => m.systemText ?? '');
        return expected.every((line) => lines.includes(line)) ? true : undefined;
      },
      15_000,
      'Ben reads the changes in the log',
    );

    await ana.client.setGroupPhoto(chat.id, null);
    await viewWhere(ben.client, chat.id, (v) => v.photo === null, 'the photo is gone for Ben');
  });

  it('a member cannot change the photo: the refusal says why', async () => {
    const ana = await signedUpEngine(rig.server.url, 'Ana', rig.engines);
    const ben = await signedUpEngine(rig.server.url, 'Ben', rig.engines);
    const chat = await ana.client.createGroup({ title: 'Hikers', memberIds: [ben.userId] });
    await viewWhere(ben.client, chat.id, () => true, 'Ben has the group');
    await expect(ben.client.setGroupPhoto(chat.id, await squarePhoto())).rejects.toThrow(/admins/);
  });
});
