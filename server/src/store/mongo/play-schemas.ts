import { Schema, type Connection } from 'mongoose';
import { options as documentOptions, requiredInt } from './schema-options';

/*
 * Voice notes' played marks (`receipt:played`) in MongoDB: one document per listener and note, the
 * first play kept. Mirrors migration 011 of the SQLite store.
 */

export interface VoicePlayDoc {
  conversationId: string;
  seq: number;
  userId: string;
  playedAt: number;
}

export const voicePlaySchema = new Schema<VoicePlayDoc>(
  {
    conversationId: { type: String, required: true },
    seq: requiredInt(1),
    userId: { type: String, required: true },
    playedAt: requiredInt(0),
  },
  documentOptions,
);
voicePlaySchema.index(
  { conversationId: 1, seq: 1, userId: 1 },
  { unique: true, name: 'voice_play' },
);

export function playModels(connection: Connection) {
  return {
    VoicePlay: connection.model<VoicePlayDoc>('VoicePlay', voicePlaySchema, 'voice_plays'),
  };
}
