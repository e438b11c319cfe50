import { describe, expect, it } from 'vitest';
import { clockStamp } from './versions';

describe('clock stamps (the MongoDB change cursor)', () => {
  it('follow the clock, and keep rising when it steps back or stands still', () => {
    const first = clockStamp(5_000_000_000_000);
    expect(first).toBe(5_000_000_000_000);
    expect(clockStamp(4_000_000_000_000)).toBe(first + 1);
    expect(clockStamp(first + 1)).toBe(first + 2);
    expect(clockStamp(first + 100)).toBe(first + 100);
  });
});
