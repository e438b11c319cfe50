import { describe, expect, it } from 'vitest';
import { voiceDuration, voiceMessageLabel } from './voice';

describe('voice note labels', () => {
  it('shows minutes and seconds, hours only when there are some, rounded to the second', () => {
    expect(voiceDuration(0)).toBe('0:00');
    expect(voiceDuration(12_400)).toBe('0:12');
    expect(voiceDuration(12_600)).toBe('0:13');
    expect(voiceDuration(185_000)).toBe('3:05');
    expect(voiceDuration(3_729_000)).toBe('1:02:09');
  });

  it('words the preview as WhatsApp does', () => {
    expect(voiceMessageLabel(12_000)).toBe('🎤 Voice message (0:12)');
  });
});
