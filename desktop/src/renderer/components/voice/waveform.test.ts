import { describe, expect, it } from 'vitest';
import { VOICE_WAVEFORM_BARS, voiceNoteSchema } from '@chitchat/shared';
import { noteDuration, peaksOf } from './waveform';

describe("a voice note waveform measured on the sender's device", () => {
  it('has 64 peaks of 0..255, the loudest slice at 255, that the server accepts', () => {
    // One second of a tone that grows louder, at 48 kHz.
    const samples = Float32Array.from(
      { length: 48_000 },
      (_, i) => Math.sin(i / 5) * (i / 48_000) * 0.5,
    );
    const peaks = peaksOf(samples);
    expect(peaks).toHaveLength(VOICE_WAVEFORM_BARS);
    expect(Math.max(...peaks)).toBe(255);
    expect(peaks.every((p) => Number.isInteger(p) && p >= 0 && p <= 255)).toBe(true);
    expect(peaks[0]).toBeLessThan(peaks[63] ?? 0);
    expect(voiceNoteSchema.safeParse({ durationMs: 1000, waveform: peaks }).success).toBe(true);
  });

  it('silence is flat, and fewer samples than bars still give every bar', () => {
    expect(peaksOf(new Float32Array(1000))).toEqual(new Array(64).fill(0));
    const few = peaksOf([0.1, -0.5, 0.25]);
    expect(few).toHaveLength(64);
    expect(Math.max(...few)).toBe(255);
  });

  it('lengths are whole milliseconds within the allowed range', () => {
    expect(noteDuration(2034.6)).toBe(2035);
    expect(noteDuration(0)).toBe(1);
    expect(noteDuration(5 * 60 * 60 * 1000)).toBe(60 * 60 * 1000);
  });
});
