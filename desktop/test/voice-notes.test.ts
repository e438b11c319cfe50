import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MediaUploadAnswer } from '@chitchat/shared';
import { call, connect, register, startServer, type TestServer } from '@chitchat/server/testing';
import { webmRecording } from '../../server/src/media/recordings';
import { messagePreview } from '../src/main/notification-policy';
import { type Engine, removeProfiles, signedUpEngine, until, wholeHistory } from './engines';

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
});
