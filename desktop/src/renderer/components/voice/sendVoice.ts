import type { AppStore } from '../../state/store';
import type { Recording } from './useVoiceRecorder';
import { measureRecording } from './waveform';

/** A recording's file name: the moment it was made, with the container's extension. */
const fileNameOf = (mime: string): string =>
  `voice-${new Date().toISOString().replace(/[:.]/g, '-')}.${mime.includes('ogg') ? 'ogg' : 'webm'}`;

/**
 * Measures a finished recording here (length and waveform, DESIGN §10) and hands it to the engine,
 * which keeps it in the outbox until it is sent.
 */
export async function sendRecording(
  store: AppStore,
  conversationId: string,
  recording: Recording,
): Promise<void> {
  const { bytes } = recording;
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const measured = await measureRecording(copy as ArrayBuffer, recording);
  await store.chat.sendVoiceNote({
    conversationId,
    voice: {
      recording: { name: fileNameOf(recording.mime), mime: recording.mime, bytes },
      ...measured,
    },
  });
}
