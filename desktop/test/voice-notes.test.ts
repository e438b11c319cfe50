import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MediaUploadAnswer } from '@chitchat/shared';
import { call, connect, register, startServer, type TestServer } from '@chitchat/server/testing';
import { webmRecording } from '../../server/src/media/recordings';
import { messagePreview } from '../src/common/notification-policy';
import type { MessageView } from '../src/common/contract';
import type { ChatClient } from '../src/core/chat-client';
import {
  conversationOf,
  type Engine,
  engine,
  online,
  removeProfiles,
  signedInEngine,
  signedUpEngine,
  until,
  wholeHistory,
} from './engines';

/** A recording as the composer hands it over: Opus in WebM, 64 peaks measured on this device. */
const draft = (durationMs: number) => ({
  recording: { name: 'voice.webm', mime: 'audio/webm;codecs=opus', bytes: webmRecording() },
  durationMs,
  waveform: Array.from({ length: 64 }, (_, i) => (i * 37) % 256),
});

/** Waits until the conversation's voice note satisfies `check`. */
const noteWhere = (
  client: ChatClient,
  conversationId: string,
  check: (note: MessageView) => boolean,
  what: string,
) =>
  until(
    client,
    async () =>
      (await conversationOf(client, conversationId)) === undefined
        ? undefined
        : (await client.openConversation(conversationId)).messages.find(
            (m) => m.voice !== undefined && check(m),
          ),
    15_000,
    what,
  );

describe('voice notes reach the engine with their description', () => {
  let server: TestServer;
  const engines: Engine[] = [];
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.client.stop();
    await server.stop();
    removeProfiles();
  });

  it('a received voice note carries its duration and waveform and previews as "🎤 Voice message (0:12)"', async () => {
    const bob = await signedUpEngine(server.url, 'Bob', engines);
    // Ana writes from a bare client, as another app would: upload, then send the note.
    const ana = await register(server, `ana_${process.pid}_${Date.now()}`);
    const socket = await connect(server, ana.accessToken);
    try {
      const chat = await call(socket, 'conversation:direct', { userId: bob.userId });
      const response = await fetch(`${server.url}/api/media`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ana.accessToken}`,
          'content-type': 'audio/webm;codecs=opus',
          'x-file-name': 'voice.webm',
        },
        body: new Uint8Array(webmRecording()),
      });
      const media = (await response.json()) as MediaUploadAnswer;
      const voice = { durationMs: 12_300, waveform: [0, 90, 255, 40] };
      await call(socket, 'message:send', {
        conversationId: chat.id,
        clientMsgId: randomUUID(),
        attachments: [media.id],
        voice,
      });
      const note = await until(bob.client, async () =>
        (await wholeHistory(bob.client, chat.id)).find((m) => m.voice !== undefined),
      );
      expect(note.voice).toEqual(voice);
      expect(note.attachments).toMatchObject([{ id: media.id, mime: 'audio/webm' }]);
      expect(messagePreview(note)).toBe('🎤 Voice message (0:12)');
    } finally {
      socket.close();
    }
  });

  it("a note recorded offline is sent through the outbox; a play made offline survives a restart and reaches the sender and the listener's other devices once", async () => {
    const alice = await signedUpEngine(server.url, 'Alice', engines);
    const bob = await signedUpEngine(server.url, 'Bob', engines);
    const bobLaptop = await signedInEngine(server.url, bob.username, engines);
    const chat = await alice.client.startDirectChat(bob.userId);
    await until(bob.client, async () => await conversationOf(bob.client, chat.id));
    // Bob answers, so the chat is no message request (which keeps his receipts from Alice).
    await bob.client.acceptRequest(chat.id);

    const { dataDir, port } = server;
    await server.stop();
    const pending = await alice.client.sendVoiceNote({
      conversationId: chat.id,
      voice: draft(12_300),
    });
    expect(pending).toMatchObject({ status: 'pending', text: '', voice: { durationMs: 12_300 } });
    expect(pending.voice?.waveform).toHaveLength(64);
    expect((await conversationOf(alice.client, chat.id))?.lastMessage).toMatchObject({
      text: '🎤 Voice message (0:12)',
      attachment: null,
    });
    server = await startServer({ dataDir, port });

    // Bob's devices get the note with its description and the chat-list preview.
    for (const device of [bob.client, bobLaptop.client]) {
      const note = await noteWhere(device, chat.id, (m) => m.seq !== null, 'the note');
      expect(note).toMatchObject({ own: false, played: { byMe: false } });
      expect(note.attachments).toMatchObject([{ mime: 'audio/webm' }]);
      expect((await conversationOf(device, chat.id))?.lastMessage?.text).toBe(
        '🎤 Voice message (0:12)',
      );
    }
    const sent = await noteWhere(alice.client, chat.id, (m) => m.status !== 'pending', 'sent');
    const seq = sent.seq ?? 0;
    expect(sent.played).toEqual({ byMe: false, by: [], everyone: false });

    // Bob plays it while offline, then the app restarts before it could say so.
    const down = { dataDir: server.dataDir, port: server.port };
    await server.stop();
    await bob.client.markPlayed({ conversationId: chat.id, seq });
    await bob.client.markPlayed({ conversationId: chat.id, seq }); // a second play: nothing new
    expect((await bob.client.openConversation(chat.id)).messages.at(-1)?.played?.byMe).toBe(true);
    await bob.client.stop();
    const bobAgain = await engine({ profileDir: bob.profileDir, secrets: bob.secrets });
    engines.push(bobAgain);
    expect((await bobAgain.client.openConversation(chat.id)).messages.at(-1)?.played?.byMe).toBe(
      true,
    );
    server = await startServer(down);
    await online(bobAgain.client);

    const played = await noteWhere(
      alice.client,
      chat.id,
      (m) => m.played?.everyone === true,
      'played',
    );
    expect(played.played?.by).toMatchObject([{ userId: bob.userId, name: 'Bob' }]);
    await noteWhere(bobLaptop.client, chat.id, (m) => m.played?.byMe === true, 'played by me');
    const info = await alice.client.messageInfo({ conversationId: chat.id, seq });
    const playedAt = info.members[0]?.playedAt;
    expect(playedAt).toBe(played.played?.by[0]?.at);

    // A device signed in afterwards learns both sides from the catch-up (played:list).
    const aliceDesk = await signedInEngine(server.url, alice.username, engines);
    const bobDesk = await signedInEngine(server.url, bob.username, engines);
    const caught = await noteWhere(
      aliceDesk.client,
      chat.id,
      (m) => m.played?.everyone === true,
      'caught up',
    );
    expect(caught.played?.by.map((p) => p.at)).toEqual([playedAt]);
    await noteWhere(bobDesk.client, chat.id, (m) => m.played?.byMe === true, 'mine caught up');

    // Only others' notes are marked: the sender's own play changes nothing; a text is no note.
    await alice.client.markPlayed({ conversationId: chat.id, seq });
    await alice.client.sendMessage({ conversationId: chat.id, text: 'hi' });
    const text = await until(alice.client, async () =>
      (await alice.client.openConversation(chat.id)).messages.find(
        (m) => m.text === 'hi' && m.seq !== null,
      ),
    );
    await expect(
      bobAgain.client.markPlayed({ conversationId: chat.id, seq: text.seq ?? 0 }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('in a group the sender sees who played the note, and it turns played once everyone has; a forward stays a voice note', async () => {
    const alice = await signedUpEngine(server.url, 'Alice', engines);
    const bob = await signedUpEngine(server.url, 'Bob', engines);
    const cy = await signedUpEngine(server.url, 'Cy', engines);
    const band = await alice.client.createGroup({
      title: 'Band',
      memberIds: [bob.userId, cy.userId],
    });
    await alice.client.sendVoiceNote({ conversationId: band.id, voice: draft(4_000) });
    const sent = await noteWhere(alice.client, band.id, (m) => m.seq !== null, 'sent');
    const seq = sent.seq ?? 0;
    for (const listener of [bob.client, cy.client])
      await noteWhere(listener, band.id, (m) => m.seq === seq, 'received');

    await bob.client.markPlayed({ conversationId: band.id, seq });
    const half = await noteWhere(
      alice.client,
      band.id,
      (m) => (m.played?.by.length ?? 0) === 1,
      'one',
    );
    expect(half.played).toMatchObject({
      everyone: false,
      by: [{ userId: bob.userId, name: 'Bob' }],
    });
    await cy.client.markPlayed({ conversationId: band.id, seq });
    const all = await noteWhere(alice.client, band.id, (m) => m.played?.everyone === true, 'all');
    expect(all.played?.by.map((p) => p.name)).toEqual(['Bob', 'Cy']);
    const info = await alice.client.messageInfo({ conversationId: band.id, seq });
    expect(info.members.every((m) => typeof m.playedAt === 'number')).toBe(true);

    // A reply quotes it as a voice message.
    await bob.client.sendMessage({ conversationId: band.id, text: 'Nice riff', replyToSeq: seq });
    const reply = await until(alice.client, async () =>
      (await alice.client.openConversation(band.id)).messages.find((m) => m.text === 'Nice riff'),
    );
    expect(reply.replyTo?.text).toBe('🎤 Voice message (0:04)');

    // Alice forwards it to Bob directly: a voice note again, its recording reused.
    const direct = await alice.client.startDirectChat(bob.userId);
    await alice.client.forwardMessages({ conversationId: band.id, seqs: [seq], to: [direct.id] });
    const forwarded = await noteWhere(bob.client, direct.id, (m) => m.forwarded, 'forwarded');
    expect(forwarded.voice).toEqual(sent.voice);
    expect(forwarded.attachments.map((a) => a.id)).toEqual(sent.attachments.map((a) => a.id));
  });
});
