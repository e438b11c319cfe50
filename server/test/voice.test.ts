import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type {
  MessageEvent,
  MessageSendPayload,
  PlayedReceipt,
  VoiceNoteInput,
} from '@chitchat/shared';
import { noisyPng } from '../src/media/contract';
import { webmRecording } from '../src/media/recordings';
import { call, connect, nextEvent, request, type TestServer } from './harness';
import { catchUp, direct, group, send, worldPerTest, type Person, type World } from './fixtures';
import { uploaded } from './uploads';

const voice: VoiceNoteInput = { durationMs: 12_400, waveform: [0, 40, 255, 128, 3] };

/** Uploads a recording as the app does (claimed audio/webm) and sends it as a voice note. */
async function sendVoiceNote(server: TestServer, from: Person, conversationId: string) {
  const media = await uploaded(server, from, webmRecording(), {
    type: 'audio/webm;codecs=opus',
    name: 'voice.webm',
  });
  const sent = await call(from.socket, 'message:send', {
    conversationId,
    clientMsgId: randomUUID(),
    attachments: [media.id],
    voice,
  });
  return { media, seq: sent.seq };
}

/** Records every `receipt:played` a socket receives. */
function playedOn(socket: Person['socket']) {
  const seen: PlayedReceipt[] = [];
  socket.on('receipt:played', (update) => seen.push(update));
  return seen;
}

describe('voice notes: the description travels with the recording; played marks reach the sender', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  it('a voice note arrives with its duration and waveform; the recording is audio/webm', async () => {
    const chat = await direct(w.alice, w.bob);
    const arriving = nextEvent(w.bob.socket, 'event', (e) => e.type === 'message');
    const { media, seq } = await sendVoiceNote(server, w.alice, chat.id);
    expect(media.mime).toBe('audio/webm');
    const live = (await arriving) as MessageEvent;
    expect(live.seq).toBe(seq);
    expect(live.payload).toMatchObject({ text: null, voice, attachments: [{ id: media.id }] });
    const [paged] = (await catchUp(w.bob.socket, chat.id, 0)).events;
    expect(paged).toMatchObject({ payload: { voice } });
  });

  it('a protocol 1 socket gets the note as a plain audio attachment, and no played marks', async () => {
    const chat = await direct(w.alice, w.bob);
    const old = await connect(server, w.bob.session.accessToken, 1);
    try {
      const arriving = nextEvent(old, 'event', (e) => e.type === 'message');
      const { media, seq } = await sendVoiceNote(server, w.alice, chat.id);
      const live = (await arriving) as MessageEvent;
      expect('voice' in live.payload).toBe(false);
      expect(live.payload.attachments).toMatchObject([{ id: media.id, mime: 'audio/webm' }]);
      const [paged] = (await catchUp(old, chat.id, 0)).events;
      expect(paged && 'payload' in paged && 'voice' in paged.payload).toBe(false);

      const oldSeen = playedOn(old);
      const onBob = nextEvent(w.bob.socket, 'receipt:played');
      await call(w.bob.socket, 'receipt:played', { conversationId: chat.id, seq });
      await onBob;
      // The protocol 2 socket of the same person has it; a round trip on the old one shows that
      // nothing arrived there before it.
      await call(old, 'conversation:list', {});
      expect(oldSeen).toEqual([]);
    } finally {
      old.close();
    }
  });

  it('played reaches every device of the sender and of the listener, and nobody outside the chat', async () => {
    const chat = await direct(w.bob, w.alice);
    const { seq } = await sendVoiceNote(server, w.alice, chat.id);
    const carolSeen = playedOn(w.carol.socket);
    const expected = { conversationId: chat.id, seq, userId: w.bob.userId };
    const onAlice = nextEvent(w.alice.socket, 'receipt:played');
    const onAlice2 = nextEvent(w.alice2.socket, 'receipt:played');
    const onBob = nextEvent(w.bob.socket, 'receipt:played');

    const first = await call(w.bob.socket, 'receipt:played', { conversationId: chat.id, seq });
    expect(first.seq).toBe(seq);
    for (const update of await Promise.all([onAlice, onAlice2, onBob])) {
      expect(update).toEqual({ ...expected, playedAt: first.playedAt });
    }
    // Idempotent: a repeat answers the first time and announces nothing again.
    const aliceSeen = playedOn(w.alice.socket);
    const again = await call(w.bob.socket, 'receipt:played', { conversationId: chat.id, seq });
    expect(again).toEqual(first);
    expect(
      await call(w.alice.socket, 'played:list', { conversationId: chat.id, seqs: [seq] }),
    ).toEqual({ played: [{ ...expected, playedAt: first.playedAt }] });
    expect(aliceSeen).toEqual([]);
    expect(carolSeen).toEqual([]);
    // A stranger can neither mark nor read the marks of the chat.
    expect(
      await request(w.carol.socket, 'receipt:played', { conversationId: chat.id, seq }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(
      await request(w.carol.socket, 'played:list', { conversationId: chat.id, seqs: [seq] }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('in a group, message info lists who played; each other member sees only their own marks', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const { seq } = await sendVoiceNote(server, w.alice, chat.id);
    const bobPlayed = await call(w.bob.socket, 'receipt:played', { conversationId: chat.id, seq });
    const carolPlayed = await call(w.carol.socket, 'receipt:played', {
      conversationId: chat.id,
      seq,
    });
    const forAlice = await call(w.alice.socket, 'played:list', {
      conversationId: chat.id,
      seqs: [seq],
    });
    expect(forAlice.played.map((p) => [p.userId, p.playedAt]).sort()).toEqual(
      [
        [w.bob.userId, bobPlayed.playedAt],
        [w.carol.userId, carolPlayed.playedAt],
      ].sort(),
    );
    const forBob = await call(w.bob.socket, 'played:list', {
      conversationId: chat.id,
      seqs: [seq],
    });
    expect(forBob.played.map((p) => p.userId)).toEqual([w.bob.userId]);
  });

  it('a mark outside the listener’s periods is refused and changes nothing', async () => {
    const chat = await group(w.alice, [w.bob]);
    const { seq } = await sendVoiceNote(server, w.alice, chat.id);
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, add: [w.carol.userId] });
    // Carol joined after the note: it lies outside her period.
    expect(
      await request(w.carol.socket, 'receipt:played', { conversationId: chat.id, seq }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(
      await call(w.alice.socket, 'played:list', { conversationId: chat.id, seqs: [seq] }),
    ).toEqual({ played: [] });
  });

  it('bad input is refused with a clear code and changes nothing', async () => {
    const chat = await direct(w.alice, w.bob);
    const { seq } = await sendVoiceNote(server, w.alice, chat.id);
    const text = await send(w.alice, chat.id, 'not a voice note');
    const refused = async (payload: unknown, code: string) => {
      const answer = await request(w.bob.socket, 'receipt:played', payload as never);
      expect(answer, JSON.stringify(payload)).toMatchObject({ ok: false, error: { code } });
    };
    await refused({ conversationId: chat.id, seq: 0 }, 'invalid_payload');
    await refused({ conversationId: chat.id }, 'invalid_payload');
    await refused({ conversationId: chat.id, seq: '1' }, 'invalid_payload');
    await refused(null, 'invalid_payload');
    // A text message is no voice note; a seq past the log does not exist.
    await refused({ conversationId: chat.id, seq: text.seq }, 'invalid_payload');
    await refused({ conversationId: chat.id, seq: 999 }, 'not_found');
    // The sender's own note is never marked played by them.
    expect(
      await request(w.alice.socket, 'receipt:played', { conversationId: chat.id, seq }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(
      await request(w.bob.socket, 'played:list', { conversationId: chat.id, seqs: [] }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(
      await call(w.alice.socket, 'played:list', { conversationId: chat.id, seqs: [seq] }),
    ).toEqual({ played: [] });

    // A deleted note cannot be marked played any more.
    await call(w.alice.socket, 'message:delete', { conversationId: chat.id, seq });
    await refused({ conversationId: chat.id, seq }, 'invalid_payload');
  });

  it('a voice note is one audio recording without text; a voice note cannot be edited', async () => {
    const chat = await direct(w.alice, w.bob);
    const recording = await uploaded(server, w.alice, webmRecording(), { type: 'audio/webm' });
    const photo = await uploaded(server, w.alice, await noisyPng(10, 10), { type: 'image/png' });
    const sendAs = (payload: Partial<MessageSendPayload>) =>
      request(w.alice.socket, 'message:send', {
        conversationId: chat.id,
        clientMsgId: randomUUID(),
        ...payload,
      });
    for (const payload of [
      { attachments: [photo.id], voice },
      { attachments: [recording.id, recording.id], voice },
      { attachments: [recording.id], text: 'caption', voice },
      { attachments: [recording.id], voice: { ...voice, durationMs: 0 } },
      { attachments: [recording.id], voice: { ...voice, waveform: [256] } },
      { attachments: [recording.id], voice: { ...voice, waveform: [] } },
      { attachments: [recording.id], voice: { ...voice, waveform: new Array(257).fill(1) } },
    ]) {
      expect(await sendAs(payload), JSON.stringify(payload).slice(0, 80)).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
    }
    expect((await catchUp(w.bob.socket, chat.id, 0)).events).toEqual([]);
    const { seq } = await sendVoiceNote(server, w.alice, chat.id);
    expect(
      await request(w.alice.socket, 'message:edit', {
        conversationId: chat.id,
        seq,
        text: 'now with text',
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });
});
