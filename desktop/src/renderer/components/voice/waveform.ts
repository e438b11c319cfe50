import { VOICE_DURATION_MAX_MS, VOICE_WAVEFORM_BARS } from '@chitchat/shared';

/**
 * `bars` peak levels 0..255 of a recording's samples: the loudest sample of each slice, scaled so
 * the loudest slice is 255 (a quiet recording still shows its shape, as messengers draw it).
 */
export function peaksOf(samples: ArrayLike<number>, bars = VOICE_WAVEFORM_BARS): number[] {
  const raw: number[] = [];
  for (let bar = 0; bar < bars; bar++) {
    const start = Math.floor((bar * samples.length) / bars);
    const end = Math.max(start + 1, Math.floor(((bar + 1) * samples.length) / bars));
    let peak = 0;
    for (let i = start; i < end && i < samples.length; i++) {
      const value = Math.abs(samples[i] ?? 0);
      if (value > peak) peak = value;
    }
    raw.push(peak);
  }
  const loudest = Math.max(...raw, 0);
  return raw.map((peak) => (loudest > 0 ? Math.round((peak / loudest) * 255) : 0));
}

/** A voice note's length as the message carries it: whole milliseconds, 1 ms to the maximum. */
export const noteDuration = (ms: number): number =>
  Math.min(VOICE_DURATION_MAX_MS, Math.max(1, Math.round(ms)));

/**
 * Length and waveform of a recording, measured here (DESIGN §10): decoded with Web Audio. When the
 * bytes cannot be decoded, the levels the recorder saw and the time it ran stand in.
 */
export async function measureRecording(
  bytes: ArrayBuffer,
  fallback: { levels: readonly number[]; elapsedMs: number },
): Promise<{ durationMs: number; waveform: number[] }> {
  try {
    const context = new OfflineAudioContext(1, 1, 48_000);
    const audio = await context.decodeAudioData(bytes.slice(0));
    const durationMs = audio.duration * 1000;
    if (audio.length > 0 && Number.isFinite(durationMs))
      return { durationMs: noteDuration(durationMs), waveform: peaksOf(audio.getChannelData(0)) };
  } catch {
    // Not decodable here: use what the recorder measured.
  }
  return { durationMs: noteDuration(fallback.elapsedMs), waveform: peaksOf(fallback.levels) };
}
