import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LogEntry, MessageEvent, MessageSendPayload } from '@chitchat/shared';
import { noisyPng } from '../src/media/contract';
import { call, connect, request, type TestServer } from './harness';
import { catchUp, collectEvents, direct, group, worldPerTest, type World } from './fixtures';
import { download, mediaFiles, uploaded } from './uploads';

const messagesOf = (events: readonly LogEntry[]) =>
  events.filter((e): e is MessageEvent => e.type === 'message');

const sendAs = (
  socket: World['alice']['socket'],
  payload: Omit<MessageSendPayload, 'clientMsgId'>,
) => request(socket, 'message:send', { clientMsgId: randomUUID(), ...payload });

describe('forwarding: media a sender can read is reused, never uploaded again (DESIGN §6.5)', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  it('a forward reuses the media id, carries "forwarded", and the new chat can read the media', async () => {
    const withBob = await direct(w.alice, w.bob);
    const withCarol = await direct(w.bob, w.carol);
    const photo = await noisyPng(60, 40);
    const media = await uploaded(server, w.alice, photo, { type: 'image/png', name: 'cat.png' });
    const filesBefore = mediaFiles(server).length;
    expect(
      (await sendAs(w.alice.socket, { conversationId: withBob.id, attachments: [media.id] })).ok,
    ).toBe(true);
    expect((await download(server, w.carol, media.id)).status).toBe(404);

    // Bob forwards Alice's photo to Carol: same id, nothing uploaded.
    const arriving = collectEvents(w.carol.socket, withCarol.id, 1);
    const sent = await sendAs(w.bob.socket, {
      conversationId: withCarol.id,
      attachments: [media.id],
      text: 'look',
      forwarded: true,
    });
    expect(sent.ok).toBe(true);
    const [live] = messagesOf(await arriving);
    expect(live?.payload).toMatchObject({
      text: 'look',
      forwarded: true,
      attachments: [{ id: media.id, name: 'cat.png', mime: 'image/png', width: 60, height: 40 }],
    });
    expect(mediaFiles(server).length).toBe(filesBefore);
    const forCarol = await download(server, w.carol, media.id);
    expect(forCarol.status).toBe(200);
    expect(forCarol.bytes.equals(photo)).toBe(true);

    // A page says the same; a plain message has no `forwarded` at all.
    await call(w.bob.socket, 'message:send', {
      conversationId: withCarol.id,
      clientMsgId: randomUUID(),
      text: 'plain',
    });
    const page = messagesOf((await catchUp(w.carol.socket, withCarol.id, 0)).events);
    expect(page.map((m) => m.payload.forwarded)).toEqual([true, undefined]);
    expect('forwarded' in (page[1]?.payload ?? {})).toBe(false);
  });

  it('media the sender cannot read is refused, with one answer for unknown ids, and nothing is logged', async () => {
    const aliceBob = await group(w.alice, [w.bob]);
    const bobCarol = await direct(w.bob, w.carol);
    const media = await uploaded(server, w.alice, await noisyPng(20, 20), { type: 'image/png' });
    // Not yet in any message: only Alice can read it.
    for (const ids of [[media.id], [randomUUID()]]) {
      const refused = await sendAs(w.bob.socket, {
        conversationId: bobCarol.id,
        attachments: ids,
        forwarded: true,
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    // Sent in the group, then Carol joins: the message lies before her period, so she cannot
    // forward it although the group holds it.
    await call(w.alice.socket, 'message:send', {
      conversationId: aliceBob.id,
      clientMsgId: randomUUID(),
      attachments: [media.id],
    });
    await call(w.alice.socket, 'group:update', {
      conversationId: aliceBob.id,
      add: [w.carol.userId],
    });
    const carolsOwn = await direct(w.carol, w.alice);
    const refused = await sendAs(w.carol.socket, {
      conversationId: carolsOwn.id,
      attachments: [media.id],
      forwarded: true,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await catchUp(w.carol.socket, carolsOwn.id, 0)).lastSeq).toBe(0);
    expect((await catchUp(w.carol.socket, bobCarol.id, 0)).lastSeq).toBe(0);

    // Bob, whose period covers the message, may.
    expect(
      (await sendAs(w.bob.socket, { conversationId: bobCarol.id, attachments: [media.id] })).ok,
    ).toBe(true);
  });

  it('after a delete for everyone, the media is no longer attachable through that message', async () => {
    const chat = await direct(w.alice, w.bob);
    const other = await direct(w.bob, w.carol);
    const media = await uploaded(server, w.alice, await noisyPng(24, 24), { type: 'image/png' });
    const sent = await call(w.alice.socket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      attachments: [media.id],
    });
    await call(w.alice.socket, 'message:delete', { conversationId: chat.id, seq: sent.seq });
    const refused = await sendAs(w.bob.socket, {
      conversationId: other.id,
      attachments: [media.id],
      forwarded: true,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe("link previews: made by the sender's device, carried by the message (DESIGN §10)", () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  const preview = (imageId?: string) => ({
    url: 'https://example.com/post',
    title: 'A post',
    description: 'What it says',
    ...(imageId !== undefined ? { imageId } : {}),
  });

  it('the preview arrives with the message, live and in pages; its image is readable by the receiver', async () => {
    const chat = await direct(w.alice, w.bob);
    const png = await noisyPng(120, 63);
    const image = await uploaded(server, w.alice, png, {
      type: 'image/png',
      name: 'og.png',
    });
    const arriving = collectEvents(w.bob.socket, chat.id, 1);
    const sent = await sendAs(w.alice.socket, {
      conversationId: chat.id,
      text: 'see https://example.com/post',
      linkPreview: preview(image.id),
    });
    expect(sent.ok).toBe(true);
    const expected = {
      url: 'https://example.com/post',
      title: 'A post',
      description: 'What it says',
      image: {
        id: image.id,
        name: 'og.png',
        mime: 'image/png',
        size: png.length,
        width: 120,
        height: 63,
        thumbnail: true,
      },
    };
    const [live] = messagesOf(await arriving);
    expect(live?.payload.linkPreview).toEqual(expected);
    expect(live?.payload.attachments).toEqual([]);
    const [paged] = messagesOf((await catchUp(w.bob.socket, chat.id, 0)).events);
    expect(paged?.payload.linkPreview).toEqual(expected);
    expect((await download(server, w.bob, image.id)).status).toBe(200);
    expect((await download(server, w.carol, image.id)).status).toBe(404);
  });

  it('a preview without an image, or with a blank description, is stored without them', async () => {
    const chat = await direct(w.alice, w.bob);
    await call(w.alice.socket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      text: 'https://example.com/post',
      linkPreview: { url: 'https://example.com/post', title: 'A post', description: '  ' },
    });
    const [message] = messagesOf((await catchUp(w.bob.socket, chat.id, 0)).events);
    expect(message?.payload.linkPreview).toEqual({
      url: 'https://example.com/post',
      title: 'A post',
      description: null,
      image: null,
    });
  });

  it('refused: a non-http(s) URL, no title, an image that is not an image, an image the sender cannot read', async () => {
    const chat = await direct(w.alice, w.bob);
    const text = await uploaded(server, w.alice, Buffer.from('hello'), {
      type: 'text/plain',
      name: 'a.txt',
    });
    const bobsImage = await uploaded(server, w.bob, await noisyPng(10, 10), { type: 'image/png' });
    const cases: [MessageSendPayload['linkPreview'], string][] = [
      [{ url: 'javascript:alert(1)', title: 'x' }, 'invalid_payload'],
      [{ url: 'file:///etc/passwd', title: 'x' }, 'invalid_payload'],
      [{ url: 'https://example.com/', title: '   ' }, 'invalid_payload'],
      [{ url: 'https://example.com/', title: 'x'.repeat(301) }, 'invalid_payload'],
      [{ ...preview(), imageId: text.id }, 'invalid_payload'],
      [{ ...preview(), imageId: bobsImage.id }, 'forbidden'],
    ];
    for (const [linkPreview, code] of cases) {
      const refused = await sendAs(w.alice.socket, {
        conversationId: chat.id,
        text: 'hi',
        linkPreview,
      });
      expect(refused, JSON.stringify(linkPreview)).toMatchObject({ ok: false, error: { code } });
    }
    expect((await catchUp(w.alice.socket, chat.id, 0)).lastSeq).toBe(0);
  });

  it('a delete for everyone removes the preview, and its image stops being readable by others', async () => {
    const chat = await direct(w.alice, w.bob);
    const image = await uploaded(server, w.alice, await noisyPng(30, 30), { type: 'image/png' });
    const sent = await call(w.alice.socket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      text: 'https://example.com/post',
      linkPreview: preview(image.id),
    });
    expect((await download(server, w.bob, image.id)).status).toBe(200);
    await call(w.alice.socket, 'message:delete', { conversationId: chat.id, seq: sent.seq });
    const [message] = messagesOf((await catchUp(w.bob.socket, chat.id, 0)).events);
    expect(message?.payload).toEqual({ text: null, replyToSeq: null, attachments: [] });
    expect((await download(server, w.bob, image.id)).status).toBe(404);
  });

  it('a protocol 1 socket gets the message without the new fields, live and in pages', async () => {
    const chat = await direct(w.alice, w.bob);
    const old = await connect(server, w.bob.session.accessToken, 1);
    try {
      const arrivingOld = collectEvents(old, chat.id, 1);
      const arrivingNew = collectEvents(w.bob.socket, chat.id, 1);
      await call(w.alice.socket, 'message:send', {
        conversationId: chat.id,
        clientMsgId: randomUUID(),
        text: 'https://example.com/post',
        forwarded: true,
        linkPreview: preview(),
      });
      const [oldLive] = messagesOf(await arrivingOld);
      const [newLive] = messagesOf(await arrivingNew);
      expect(oldLive?.payload).toEqual({
        text: 'https://example.com/post',
        replyToSeq: null,
        attachments: [],
      });
      expect(newLive?.payload).toMatchObject({ forwarded: true, linkPreview: { title: 'A post' } });
      const [oldPaged] = messagesOf((await catchUp(old, chat.id, 0)).events);
      expect(Object.keys(oldPaged?.payload ?? {}).sort()).toEqual([
        'attachments',
        'replyToSeq',
        'text',
      ]);

      // In a group (published by membership periods) too.
      const team = await group(w.alice, [w.bob]);
      const groupOld = collectEvents(old, team.id, 1, (e) => e.type === 'message');
      await call(w.alice.socket, 'message:send', {
        conversationId: team.id,
        clientMsgId: randomUUID(),
        text: 'fwd',
        forwarded: true,
      });
      const [inGroup] = messagesOf(await groupOld);
      expect(inGroup?.payload).toEqual({ text: 'fwd', replyToSeq: null, attachments: [] });
    } finally {
      old.close();
    }
  });
});
