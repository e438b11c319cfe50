import { describe, expect, it } from 'vitest';
import {
  GROUP_PHOTO_PROTOCOL,
  GROUP_SETTINGS_PROTOCOL,
  PROTOCOL_VERSION,
  firstProtocolOf,
} from '@chitchat/shared';
import { noisyPng } from '../src/media/contract';
import { call, connect, nextEvent, request, type TestServer } from './harness';
import {
  catchUp,
  collectEvents,
  group,
  person,
  recorder,
  send,
  worldPerTest,
  type World,
} from './fixtures';
import { download, uploaded } from './uploads';

/*
 * Group photos (issue #15): the owner or an admin sets an image they uploaded as `avatar` through
 * `group:update`; every member sees `avatar_changed` and the new summary; only current members of
 * the group download it; a replaced photo goes back to the plain media rules.
 */
describe('group photo', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  const image = async (who: World['alice']) =>
    (await uploaded(server, who, await noisyPng(320, 320), { type: 'image/png' })).id;

  it('an admin sets the photo: logged, pushed live with the summary, downloadable by members only', async () => {
    const chat = await group(w.alice, [w.bob]);
    const photo = await image(w.alice);
    const bobHears = collectEvents(w.bob.socket, chat.id, 1, (e) => e.type === 'avatar_changed');
    const bobsSummary = nextEvent(
      w.bob.socket,
      'conversation',
      (c) => c.id === chat.id && c.avatar === photo,
    );
    const answer = await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      avatar: photo,
    });
    expect(answer.avatar).toBe(photo);
    const [event] = await bobHears;
    expect(event).toMatchObject({
      type: 'avatar_changed',
      senderUserId: w.alice.userId,
      payload: { avatar: photo },
    });
    expect((await bobsSummary).avatar).toBe(photo);
    const listed = await call(w.bob.socket, 'conversation:list', {});
    expect(listed.conversations.find((c) => c.id === chat.id)?.avatar).toBe(photo);

    // Bob (a member) gets the photo and its thumbnail; Carol (no member) gets 404 for both.
    expect((await download(server, w.bob, photo)).status).toBe(200);
    expect((await download(server, w.bob, `${photo}/thumbnail`)).status).toBe(200);
    expect((await download(server, w.carol, photo)).status).toBe(404);
    expect((await download(server, w.carol, `${photo}/thumbnail`)).status).toBe(404);

    // The same photo again logs nothing.
    const same = await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      avatar: photo,
    });
    expect(same.lastSeq).toBe(answer.lastSeq);
  });

  it('a removed member loses the photo; a replaced photo is no one’s; null removes it', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const first = await image(w.alice);
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, avatar: first });
    await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      remove: [w.carol.userId],
    });
    expect((await download(server, w.carol, first)).status).toBe(404);
    const carols = await call(w.carol.socket, 'conversation:list', {});
    expect(carols.conversations.find((c) => c.id === chat.id)).toMatchObject({
      status: 'left',
      avatar: null,
    });

    const second = await image(w.alice);
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, avatar: second });
    expect((await download(server, w.bob, first)).status).toBe(404);
    expect((await download(server, w.bob, second)).status).toBe(200);

    const removed = await call(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      avatar: null,
    });
    expect(removed.avatar).toBeNull();
    expect((await download(server, w.bob, second)).status).toBe(404);
    const log = await catchUp(w.bob.socket, chat.id, 0);
    expect(log.events.filter((e) => e.type === 'avatar_changed').map((e) => e.payload)).toEqual([
      { avatar: first },
      { avatar: second },
      { avatar: null },
    ]);
  });

  it('refusals: a member, an upload of someone else, something that is not an image, a bad id', async () => {
    const chat = await group(w.alice, [w.bob]);
    const bobsPhoto = await image(w.bob);
    const member = await request(w.bob.socket, 'group:update', {
      conversationId: chat.id,
      avatar: bobsPhoto,
    });
    expect(member).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const notMine = await request(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      avatar: bobsPhoto,
    });
    expect(notMine).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(notMine.ok ? '' : notMine.error.message).toMatch(/group photo/);

    const text = (
      await uploaded(server, w.alice, new TextEncoder().encode('not a picture'), {
        type: 'text/plain',
        name: 'a.txt',
      })
    ).id;
    const notImage = await request(w.alice.socket, 'group:update', {
      conversationId: chat.id,
      avatar: text,
    });
    expect(notImage).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });

    for (const avatar of ['', 'a b', 42, { id: 'x' }]) {
      // Shapes no typed client sends: the schema answers them.
      const payload = { conversationId: chat.id, avatar } as unknown as { conversationId: string };
      const bad = await request(w.alice.socket, 'group:update', payload);
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
    // Nothing changed.
    const listed = await call(w.alice.socket, 'conversation:list', {});
    expect(listed.conversations.find((c) => c.id === chat.id)).toMatchObject({
      avatar: null,
      lastSeq: chat.lastSeq,
    });
  });

  it('sockets of protocol 1 to 3 never see avatar_changed, live or in pages; the current protocol does', async () => {
    // avatar_changed came after protocol 3 was out: a protocol 3 app would show it as
    // "unsupported message", so it needs a protocol of its own (GROUP_PHOTO_PROTOCOL).
    expect(PROTOCOL_VERSION).toBe(GROUP_PHOTO_PROTOCOL);
    expect(firstProtocolOf('avatar_changed')).toBe(GROUP_PHOTO_PROTOCOL);
    expect(firstProtocolOf('avatar_changed')).toBeGreaterThan(GROUP_SETTINGS_PROTOCOL);
    const dan = await person(server, 'dan');
    const olds = await Promise.all(
      [1, 2, GROUP_SETTINGS_PROTOCOL].map((p) => connect(server, dan.session.accessToken, p)),
    );
    try {
      const chat = await group(w.alice, [dan]);
      const heard = olds.map((socket) => recorder(socket));
      const photo = await image(w.alice);
      const current = collectEvents(dan.socket, chat.id, 1, (e) => e.type === 'avatar_changed');
      await call(w.alice.socket, 'group:update', { conversationId: chat.id, avatar: photo });
      await current;
      // A message after it: once every old socket has it, the photo change would have come first.
      const after = await send(w.alice, chat.id, 'after the photo');
      for (const socket of olds)
        await collectEvents(socket, chat.id, 1, (e) => e.seq === after.seq);
      for (const [i, socket] of olds.entries()) {
        const live = heard[i]?.of(chat.id).map((e) => e.type);
        expect(live).toContain('message');
        expect(live).not.toContain('avatar_changed');
        const page = await catchUp(socket, chat.id, 0);
        expect(page.events.map((e) => e.type)).not.toContain('avatar_changed');
        expect(page.events.map((e) => e.type)).toContain('message');
        // The summary still carries the photo: old apps show it as they always did.
        const listed = await call(socket, 'conversation:list', {});
        expect(listed.conversations.find((c) => c.id === chat.id)?.avatar).toBe(photo);
      }
      const now = await catchUp(dan.socket, chat.id, 0);
      expect(now.events.map((e) => e.type)).toContain('avatar_changed');
    } finally {
      for (const socket of olds) socket.close();
      dan.socket.close();
    }
  });
});
