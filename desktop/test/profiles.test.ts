import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ChatClient } from '../src/core/chat-client';
import { conversationOf, signedInEngine, signedUpEngine, until } from './engines';
import { serverPerTest } from './server-per-test';

/** A square JPEG, as the app's crop makes one. */
const squarePhoto = async (hue: number) => ({
  bytes: new Uint8Array(
    await sharp({
      create: { width: 64, height: 64, channels: 3, background: { r: hue, g: 120, b: 200 } },
    })
      .jpeg()
      .toBuffer(),
  ),
  mime: 'image/jpeg',
});

const peerWhere = (
  client: ChatClient,
  conversationId: string,
  check: (peer: { photo?: string | null; about?: string | null }) => boolean,
  what: string,
) =>
  until(
    client,
    async () => {
      const peer = (await conversationOf(client, conversationId))?.peer;
      return peer && check(peer) ? peer : undefined;
    },
    15_000,
    what,
  );

/**
 * Profiles in the engine (issue #15): the own photo and about reach the person's other device and
 * the people who may see them, live (`user:changed`); avatars come from the media cache; the
 * contact panel answers from the cache offline.
 */
describe('profiles in the engine', () => {
  const rig = serverPerTest();

  it('a photo and about set on one device show on the other device and to a contact, live; an audience change hides them', async () => {
    const ana = await signedUpEngine(rig.server.url, 'Ana', rig.engines);
    const phone = await signedInEngine(rig.server.url, ana.username, rig.engines);
    const ben = await signedUpEngine(rig.server.url, 'Ben', rig.engines);
    const chat = await ana.client.startDirectChat(ben.userId);
    await ana.client.sendMessage({ conversationId: chat.id, text: 'hi Ben' });
    await peerWhere(ben.client, chat.id, () => true, 'Ben has the chat');

    await ana.client.setProfilePhoto(await squarePhoto(10));
    await ana.client.updateOwnProfile({ about: 'Climbing ✦ מטפסת' });
    const session = await ana.client.getSession();
    const photo = session.status === 'signed_in' ? session.user.photo : undefined;
    expect(photo).toMatch(/^[0-9a-f-]{36}$/);
    // The other device learns it from the push and reloads the profile.
    await until(
      phone.client,
      async () => {
        const s = await phone.client.getSession();
        return s.status === 'signed_in' && s.user.photo === photo && s.user.about !== ''
          ? true
          : undefined;
      },
      15_000,
      "the phone shows Ana's new photo and about",
    );
    const seen = await peerWhere(
      ben.client,
      chat.id,
      (p) => p.photo === photo && p.about === 'Climbing ✦ מטפסת',
      "Ben sees Ana's photo and about",
    );
    expect(seen.photo).toBe(photo);
    expect((await conversationOf(ben.client, chat.id))?.photo).toBe(photo);
    // The avatar's thumbnail downloads for Ben, and his cache keeps it.
    const thumbnail = await ben.client.getMedia({ mediaId: photo ?? '', variant: 'thumbnail' });
    expect(thumbnail.mime).toBe('image/webp');

    // The contact panel: online, then offline from the cache.
    const panel = await ben.client.getUserProfile(ana.userId);
    expect(panel).toMatchObject({
      user: { photo, about: 'Climbing ✦ מטפסת' },
      blocked: false,
      cached: false,
      sharedGroups: [],
    });

    await ana.client.updateOwnProfile({ photoVisibility: 'nobody' });
    await peerWhere(ben.client, chat.id, (p) => p.photo === null, "Ana's photo hidden from Ben");
    expect((await conversationOf(ben.client, chat.id))?.photo).toBeNull();
    expect((await ben.client.getUserProfile(ana.userId)).user.about).toBe('Climbing ✦ מטפסת');

    await rig.server.stop();
    const offline = await ben.client.getUserProfile(ana.userId);
    expect(offline).toMatchObject({
      cached: true,
      user: { photo: null, about: 'Climbing ✦ מטפסת' },
    });
  });

  it('the contact panel lists groups in common and blocks and unblocks', async () => {
    const ana = await signedUpEngine(rig.server.url, 'Ana', rig.engines);
    const ben = await signedUpEngine(rig.server.url, 'Ben', rig.engines);
    const group = await ana.client.createGroup({ title: 'Climbing', memberIds: [ben.userId] });
    await until(
      ben.client,
      async () => ((await conversationOf(ben.client, group.id)) ? true : undefined),
      15_000,
      'Ben has the group',
    );
    expect((await ben.client.getUserProfile(ana.userId)).sharedGroups).toEqual([
      { id: group.id, title: 'Climbing' },
    ]);
    await ben.client.blockUser(ana.userId);
    expect((await ben.client.getUserProfile(ana.userId)).blocked).toBe(true);
    await ben.client.unblockUser(ana.userId);
    expect((await ben.client.getUserProfile(ana.userId)).blocked).toBe(false);
  });
});
