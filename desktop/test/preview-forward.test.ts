import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '@chitchat/server/testing';
import type { MessageView } from '../src/common/contract';
import { PUBLIC_ADDRESSES_ONLY } from '../src/core/link-preview/address-policy';
import { nodeLinkPreviews } from '../src/core/link-preview/link-preview.node';
import {
  type Engine,
  type EngineOptions,
  removeProfiles,
  signedUpEngine,
  until,
  wholeHistory,
} from './engines';

/** A local page with Open Graph tags and a real PNG as its image. */
async function localPage(): Promise<{ server: Server; port: number; url: string }> {
  const png = await sharp({
    create: { width: 64, height: 32, channels: 3, background: { r: 200, g: 80, b: 40 } },
  })
    .png()
    .toBuffer();
  const server = createServer((request, response) => {
    if (request.url === '/card.png') {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(png);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      '<html><head><meta property="og:title" content="Team lunch">' +
        '<meta property="og:description" content="Fridays at noon">' +
        '<meta property="og:image" content="/card.png"></head></html>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, port, url: `http://127.0.0.1:${port}/lunch` };
}

const lastMessage = async (client: Engine['client'], conversationId: string) =>
  (await wholeHistory(client, conversationId)).filter((m) => m.type === 'message').at(-1);

describe('link previews and forwards, engine to engine through a real server', () => {
  let server: TestServer;
  let page: Awaited<ReturnType<typeof localPage>>;
  const engines: Engine[] = [];

  const signedUp = (name: string, options: EngineOptions = {}) =>
    signedUpEngine(server.url, name, engines, options);

  beforeEach(async () => {
    server = await startServer();
    page = await localPage();
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.client.stop();
    await server.stop();
    page.server.closeAllConnections();
    await new Promise<void>((resolve) => page.server.close(() => resolve()));
    removeProfiles();
  });

  it("the sender's preview (title, description, image) arrives with the message; the receiver fetches nothing", async () => {
    const policy = {
      allows: (address: string, port: number) =>
        PUBLIC_ADDRESSES_ONLY.allows(address, port) ||
        (address === '127.0.0.1' && port === page.port),
    };
    const ana = await signedUp('Ana', { linkPreviews: nodeLinkPreviews({ policy }) });
    // Bob's engine would refuse the local page: anything he shows came with the message.
    const bob = await signedUp('Bob');
    const chat = await ana.client.startDirectChat(bob.userId);

    const draft = await ana.client.previewLink(page.url);
    expect(draft).toMatchObject({ title: 'Team lunch', description: 'Fridays at noon' });
    expect(draft?.image?.mime).toBe('image/png');
    expect(await bob.client.previewLink(page.url)).toBeNull();

    await ana.client.sendMessage({
      conversationId: chat.id,
      text: `lunch? ${page.url}`,
      ...(draft !== null ? { linkPreview: draft } : {}),
    });
    const received = await until(bob.client, async () => {
      const message = await lastMessage(bob.client, chat.id);
      return message?.linkPreview?.image?.id.startsWith('local:') === false ? message : undefined;
    });
    expect(received.linkPreview).toMatchObject({
      url: page.url,
      host: '127.0.0.1',
      title: 'Team lunch',
      description: 'Fridays at noon',
      image: { mime: 'image/png', width: 64, height: 32 },
    });
    const image = await bob.client.getMedia({
      mediaId: received.linkPreview?.image?.id ?? '',
      variant: 'original',
    });
    expect(Buffer.from(image.bytes).equals(Buffer.from(draft?.image?.bytes ?? []))).toBe(true);

    // With previews turned off, the engine makes none.
    await ana.client.setPreferences({ linkPreviews: false });
    expect(await ana.client.getPreferences()).toEqual({ linkPreviews: false });
    expect(await ana.client.previewLink(page.url)).toBeNull();
  });

  it('forwarding a photo to two chats reuses its media id and shows "Forwarded"', async () => {
    const ana = await signedUp('Ana');
    const bob = await signedUp('Bob');
    const cid = await signedUp('Cid');
    const anaBob = await ana.client.startDirectChat(bob.userId);
    const bobCid = await bob.client.startDirectChat(cid.userId);
    const bobAna = anaBob.id;
    const photo = await sharp({
      create: { width: 40, height: 30, channels: 3, background: { r: 0, g: 90, b: 200 } },
    })
      .png()
      .toBuffer();
    await ana.client.sendMessage({
      conversationId: anaBob.id,
      text: 'our cat',
      files: [{ name: 'cat.png', mime: 'image/png', bytes: new Uint8Array(photo) }],
    });
    const original = await until(bob.client, async () => {
      const message = await lastMessage(bob.client, bobAna);
      return message?.attachments[0]?.id.startsWith('local:') === false ? message : undefined;
    });
    const mediaId = original.attachments[0]?.id ?? '';

    await bob.client.forwardMessages({
      conversationId: bobAna,
      seqs: [original.seq ?? 0],
      to: [bobCid.id, bobAna],
    });
    const forwardedTo = async (client: Engine['client'], conversationId: string) =>
      until(client, async () => {
        const message: MessageView | undefined = await lastMessage(client, conversationId);
        return message?.forwarded === true && message.status !== 'pending' ? message : undefined;
      });
    const atCid = await forwardedTo(cid.client, bobCid.id);
    expect(atCid).toMatchObject({ text: 'our cat', forwarded: true });
    expect(atCid.attachments.map((a) => a.id)).toEqual([mediaId]);
    const atAna = await forwardedTo(ana.client, anaBob.id);
    expect(atAna.attachments.map((a) => a.id)).toEqual([mediaId]);
    const bytes = await cid.client.getMedia({ mediaId, variant: 'original' });
    expect(Buffer.from(bytes.bytes).equals(photo)).toBe(true);
  });
});
