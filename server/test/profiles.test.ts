import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MEDIA_UNREFERENCED_TTL_MS,
  type Me,
  type PublicUser,
  type UserProfileAnswer,
} from '@chitchat/shared';
import { noisyPng } from '../src/media/contract';
import { call, http, nextEvent, startServer, type TestServer } from './harness';
import { direct, group, person, secondDevice, send, type Person } from './fixtures';
import { download, uploaded } from './uploads';

type Answer<T> = T & { error?: { code: string; message: string } };

/**
 * Profiles (issue #15, DESIGN §3): a photo and an about line, each shown only to the audience its
 * owner chose (everyone | contacts | nobody; contacts = their contacts plus members of a shared
 * group), everywhere another user appears, in photo downloads, and in the live `user:changed` push.
 *
 * Ana's relationships: Ben is her contact (she wrote to him); Dana shares a group with her (made by
 * Ben, so Dana is not Ana's contact); Eve wrote to Ana, who never answered (a message request: Eve
 * is not her contact but shares a chat with her); Carl has nothing to do with her.
 */
describe('profiles: photo and about behind their audiences', () => {
  let server: TestServer;
  let ana: Person;
  let ana2: Person;
  let ben: Person;
  let carl: Person;
  let dana: Person;
  let eve: Person;
  let photo: string;
  beforeEach(async () => {
    server = await startServer();
    ana = await person(server, 'ana');
    ana2 = await secondDevice(server, ana);
    ben = await person(server, 'ben');
    carl = await person(server, 'carl');
    dana = await person(server, 'dana');
    eve = await person(server, 'eve');
    await send(ana, (await direct(ana, ben)).id, 'hi Ben');
    await group(ben, [ana, dana], 'Climbing');
    await send(eve, (await direct(eve, ana)).id, 'hello?');
    photo = (await uploaded(server, ana, await noisyPng(512, 512), { type: 'image/png' })).id;
  });
  afterEach(async () => {
    for (const p of [ana, ana2, ben, carl, dana, eve]) p.socket.close();
    await server.stop();
  });

  const patchMe = (who: Person, body: unknown) =>
    http<Answer<Me>>(server, 'PATCH', '/api/me', { token: who.session.accessToken, body });
  const profileOf = async (viewer: Person, of: Person) => {
    const answer = await http<Answer<UserProfileAnswer>>(server, 'GET', `/api/users/${of.userId}`, {
      token: viewer.session.accessToken,
    });
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const searched = async (viewer: Person, of: Person): Promise<PublicUser | undefined> => {
    const q = of.session.user.username;
    const answer = await http<{ users: PublicUser[] }>(server, 'GET', `/api/users?q=${q}`, {
      token: viewer.session.accessToken,
    });
    return answer.body.users.find((u) => u.id === of.userId);
  };
  const directPeerOf = async (viewer: Person, of: Person) => (await direct(viewer, of)).peer;
  /** What `viewer` sees of Ana everywhere: profile route, search, and a photo download. */
  const seenBy = async (viewer: Person) => {
    const { user } = await profileOf(viewer, ana);
    const found = await searched(viewer, ana);
    expect(found).toEqual(user);
    const [original, thumbnail] = await Promise.all([
      download(server, viewer, photo),
      download(server, viewer, `${photo}/thumbnail`),
    ]);
    expect(thumbnail.status).toBe(original.status);
    return { photo: user.photo, about: user.about, download: original.status };
  };
  const ANA_ABOUT = 'Climbing ✦ מטפסת';

  it('sets a photo and an about; Me shows them with both audiences, WhatsApp defaults everyone', async () => {
    const before = await http<Me>(server, 'GET', '/api/me', { token: ana.session.accessToken });
    expect(before.body).toMatchObject({
      photo: null,
      about: '',
      photoVisibility: 'everyone',
      aboutVisibility: 'everyone',
    });
    const answer = await patchMe(ana, { photo, about: `  ${ANA_ABOUT} ` });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ photo, about: ANA_ABOUT });
    expect(await seenBy(carl)).toEqual({ photo, about: ANA_ABOUT, download: 200 });
    // Removing the photo: nobody sees one, and its bytes fall back to the media rules (uploader only).
    expect((await patchMe(ana, { photo: null })).body.photo).toBeNull();
    expect(await seenBy(carl)).toEqual({ photo: null, about: ANA_ABOUT, download: 404 });
    expect((await download(server, ana, photo)).status).toBe(200);
  });

  it('refuses a photo that is not an image Ana uploaded, and bad about lines, changing nothing', async () => {
    const bens = (await uploaded(server, ben, await noisyPng(64, 64), { type: 'image/png' })).id;
    const text = (
      await uploaded(server, ana, new TextEncoder().encode('plain words'), { type: 'text/plain' })
    ).id;
    for (const body of [
      { photo: bens, about: 'should not stick' },
      { photo: text },
      { photo: randomUUID() },
      { photo: 'not an id!' },
      { about: 'line one\nline two' },
      { about: 'evil \u202Eoverride' },
      { about: 'x'.repeat(141) },
      { photoVisibility: 'friends' },
      { aboutVisibility: 42 },
    ]) {
      const answer = await patchMe(ana, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error?.code).toBe('invalid_payload');
    }
    const me = await http<Me>(server, 'GET', '/api/me', { token: ana.session.accessToken });
    expect(me.body).toMatchObject({ photo: null, about: '', photoVisibility: 'everyone' });
    expect((await patchMe(ana, { about: 'x'.repeat(140) })).status).toBe(200);
  });

  it('contacts: her contacts and members of a shared group see both; strangers see neither and cannot download', async () => {
    await patchMe(ana, {
      photo,
      about: ANA_ABOUT,
      photoVisibility: 'contacts',
      aboutVisibility: 'contacts',
    });
    const shown = { photo, about: ANA_ABOUT, download: 200 };
    const hidden = { photo: null, about: null, download: 404 };
    expect(await seenBy(ben)).toEqual(shown);
    expect(await seenBy(dana)).toEqual(shown);
    expect(await seenBy(carl)).toEqual(hidden);
    expect(await seenBy(eve)).toEqual(hidden);
    // Ana always sees herself.
    expect(await seenBy(ana)).toEqual(shown);

    // The two audiences are separate.
    await patchMe(ana, { aboutVisibility: 'everyone' });
    expect(await seenBy(carl)).toEqual({ ...hidden, about: ANA_ABOUT });

    // Summaries: the peer of a direct chat and the inline members of a small group.
    expect(await directPeerOf(ben, ana)).toMatchObject({ photo, about: ANA_ABOUT });
    expect(await directPeerOf(eve, ana)).toMatchObject({ photo: null, about: ANA_ABOUT });
    const climbing = (await call(dana.socket, 'conversation:list', {})).conversations.find(
      (c) => c.title === 'Climbing',
    );
    expect(climbing?.members?.find((m) => m.userId === ana.userId)?.photo).toBe(photo);
    const members = await call(dana.socket, 'conversation:members', {
      conversationId: climbing?.id ?? '',
    });
    expect(members.members.find((m) => m.userId === ana.userId)).toMatchObject({
      photo,
      about: ANA_ABOUT,
    });
  });

  it('nobody hides both from everyone but Ana; a blocked contact sees nothing', async () => {
    await patchMe(ana, { photo, about: ANA_ABOUT });
    await patchMe(ana, { block: [ben.userId] });
    expect(await seenBy(ben)).toEqual({ photo: null, about: null, download: 404 });
    expect(await seenBy(dana)).toEqual({ photo, about: ANA_ABOUT, download: 200 });
    await patchMe(ana, { photoVisibility: 'nobody', aboutVisibility: 'nobody' });
    expect(await seenBy(dana)).toEqual({ photo: null, about: null, download: 404 });
    expect(await seenBy(ana)).toEqual({ photo, about: ANA_ABOUT, download: 200 });
  });

  it('the profile route names the groups both are in, and answers 404 for nobody', async () => {
    expect((await profileOf(dana, ana)).sharedGroups).toHaveLength(1);
    expect((await profileOf(carl, ana)).sharedGroups).toEqual([]);
    const missing = await http<Answer<object>>(server, 'GET', `/api/users/${randomUUID()}`, {
      token: carl.session.accessToken,
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe('not_found');
    const malformed = await http(server, 'GET', '/api/users/not%20an%20id', {
      token: carl.session.accessToken,
    });
    expect(malformed.status).toBe(400);
    expect((await http(server, 'GET', `/api/users/${ana.userId}`)).status).toBe(401);
  });

  it('a change reaches her other device and each person sharing a chat, as they may see it; a narrowed audience too', async () => {
    await patchMe(ana, { photoVisibility: 'contacts' });
    // Each waits for the push of the change it is about (an earlier one may still be on its way).
    const isAna = (u: PublicUser) => u.id === ana.userId && u.about === ANA_ABOUT;
    const pushes = [ana2, ben, dana, eve].map((p) => nextEvent(p.socket, 'user:changed', isAna));
    // Carl shares no chat with Ana: told nothing (checked after Eve's push, which comes later).
    let carlTold = false;
    carl.socket.on('user:changed', () => (carlTold = true));
    await patchMe(ana, { photo, about: ANA_ABOUT });
    const [own, toBen, toDana, toEve] = await Promise.all(pushes);
    expect(own).toMatchObject({ photo, about: ANA_ABOUT, username: ana.session.user.username });
    expect(toBen).toMatchObject({ photo, about: ANA_ABOUT });
    expect(toDana).toMatchObject({ photo, about: ANA_ABOUT });
    expect(toEve).toMatchObject({ photo: null, about: ANA_ABOUT });

    const narrowed = nextEvent(ben.socket, 'user:changed', (u) => isAna(u) && u.photo === null);
    await patchMe(ana, { photoVisibility: 'nobody' });
    expect(await narrowed).toMatchObject({ photo: null, about: ANA_ABOUT });
    const renamed = nextEvent(
      dana.socket,
      'user:changed',
      (u) => isAna(u) && u.displayName === 'Ana María',
    );
    await patchMe(ana, { displayName: 'Ana María' });
    expect(await renamed).toMatchObject({ displayName: 'Ana María', photo: null });
    expect(carlTold).toBe(false);
  });

  it('a setting only she sees reaches her own devices alone; nobody sharing a chat hears of it', async () => {
    // Every user:changed about Ana that each of the others hears from here on.
    const heard = new Map<Person, PublicUser[]>([ben, dana, eve].map((p) => [p, []]));
    for (const [p, list] of heard)
      p.socket.on('user:changed', (u) => {
        if (u.id === ana.userId) list.push(u);
      });
    const settings = [
      { readReceipts: false },
      { notificationPreviews: false },
      { lastSeenVisibility: 'nobody' },
      { groupAdds: 'contacts' },
    ];
    for (const body of settings) {
      const own = nextEvent(ana2.socket, 'user:changed', (u) => u.id === ana.userId);
      expect((await patchMe(ana, body)).status).toBe(200);
      await own;
    }
    // A change others do see comes after on each socket: once it is there, nothing came before it.
    const renamed = [ben, dana, eve].map((p) =>
      nextEvent(p.socket, 'user:changed', (u) => u.id === ana.userId && u.displayName === 'Ana B'),
    );
    await patchMe(ana, { displayName: 'Ana B' });
    await Promise.all(renamed);
    for (const list of heard.values()) expect(list.map((u) => u.displayName)).toEqual(['Ana B']);
  });

  it('the media sweep keeps a current photo however old, and removes one replaced', async () => {
    await patchMe(ana, { photo });
    const later = Date.now() + MEDIA_UNREFERENCED_TTL_MS + 60_000;
    await server.media.sweep(later);
    expect((await download(server, carl, photo)).status).toBe(200);
    const next = (await uploaded(server, ana, await noisyPng(256, 256), { type: 'image/png' })).id;
    await patchMe(ana, { photo: next });
    expect(await server.media.sweep(later)).toBeGreaterThanOrEqual(1);
    expect((await download(server, ana, photo)).status).toBe(404);
    expect((await download(server, carl, next)).status).toBe(200);
  });
});
