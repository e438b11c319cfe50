import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { voicePlaySchema } from './play-schemas';
import { defineModels } from './schemas';
import { mongoMigrations } from './migrations';

// Without a MongoDB server (none can run here): validators run in process on an unopened
// connection; the indexes are checked as declared (mongo.test.ts runs the contract when one exists).
const { VoicePlay, Event } = defineModels(mongoose.createConnection());

const invalidPaths = (doc: { validateSync(): mongoose.Error.ValidationError | null | undefined }) =>
  Object.keys(doc.validateSync()?.errors ?? {}).sort();

const play = { conversationId: 'c1', seq: 4, userId: 'u2', playedAt: 10 };

describe('mongo schemas: voice notes', () => {
  it('a played mark needs its fields, a whole seq from 1 and a time', () => {
    expect(invalidPaths(new VoicePlay(play))).toEqual([]);
    expect(invalidPaths(new VoicePlay({ conversationId: 'c1' }))).toEqual(
      ['playedAt', 'seq', 'userId'].sort(),
    );
    expect(invalidPaths(new VoicePlay({ ...play, seq: 0 }))).toEqual(['seq']);
    expect(invalidPaths(new VoicePlay({ ...play, seq: 1.5 }))).toEqual(['seq']);
    expect(() => new VoicePlay({ ...play, extra: 1 })).toThrow();
  });

  it('one mark per listener and note (a unique index), created by a migration', () => {
    expect(voicePlaySchema.indexes()).toEqual([
      [
        { conversationId: 1, seq: 1, userId: 1 },
        expect.objectContaining({ unique: true, name: 'voice_play' }),
      ],
    ]);
    expect(mongoMigrations.some((m) => /voice_play/.test(m.description))).toBe(true);
  });

  it('a message may carry its voice note description; a malformed one is refused', () => {
    const message = {
      _id: 'e1',
      conversationId: 'c1',
      seq: 1,
      type: 'message',
      senderUserId: 'u1',
      senderDeviceId: 'd1',
      clientMsgId: 'm1',
      createdAt: 1,
      payload: {
        text: null,
        replyToSeq: null,
        attachments: [{ id: 'a1', name: 'voice.webm', mime: 'audio/webm', size: 9 }],
        voice: { durationMs: 1200, waveform: [0, 128, 255] },
      },
      editedAt: null,
      editVersion: 0,
      deletedAt: null,
    };
    expect(invalidPaths(new Event(message))).toEqual([]);
    expect(
      invalidPaths(
        new Event({ ...message, payload: { ...message.payload, voice: { durationMs: 0 } } }),
      ),
    ).toEqual(['payload']);
    expect(
      invalidPaths(
        new Event({
          ...message,
          payload: { ...message.payload, voice: { durationMs: 5, waveform: [256] } },
        }),
      ),
    ).toEqual(['payload']);
  });
});
