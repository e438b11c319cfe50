import { voiceNoteSchema } from '@chitchat/shared';
import type { MessageView, VoiceNoteDraft } from '../common/contract';
import { ChatClientError } from './client-errors';
import type { ClientContext } from './client-parts';
import { sendMessage } from './message-actions';

/**
 * Puts a recorded voice note in the outbox: the recording goes up through the media pipeline like
 * any file (offline, across restarts), and the message carries the length and waveform measured
 * on this device (DESIGN §10), checked here as the server will check them.
 */
export function sendVoiceNote(
  context: ClientContext,
  outboxFilesDir: string,
  input: { conversationId: string; voice: VoiceNoteDraft },
): MessageView {
  const { recording, durationMs, waveform } = input.voice;
  if (!recording.mime.startsWith('audio/') || recording.bytes.byteLength === 0) {
    throw new ChatClientError('invalid_payload', 'A voice note needs an audio recording.');
  }
  const voice = voiceNoteSchema.safeParse({ durationMs: Math.round(durationMs), waveform });
  if (!voice.success) {
    throw new ChatClientError(
      'invalid_payload',
      voice.error.issues[0]?.message ?? 'This voice note cannot be sent.',
    );
  }
  return sendMessage(context, outboxFilesDir, {
    conversationId: input.conversationId,
    text: '',
    files: [recording],
    voice: voice.data,
  });
}

/**
 * The person played someone else's voice note on this device: the mark is stored at once and
 * sent (now, or on the next sync), once per note; playing it again changes nothing.
 */
export function markPlayed(
  { store, engine }: ClientContext,
  input: { conversationId: string; seq: number },
): void {
  const event = store.eventAt(input.conversationId, input.seq);
  const isNote =
    event !== null &&
    event.type === 'message' &&
    event.deleted_at === null &&
    voiceNoteSchema.safeParse((JSON.parse(event.payload) as { voice?: unknown }).voice).success;
  if (!isNote) throw new ChatClientError('not_found', 'No such voice note.');
  // Your own notes have no played mark (the server refuses them): playing one is just playing.
  if (event.sender_user_id === store.userId) return;
  engine.played.markPlayed(input.conversationId, input.seq);
}
