import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './ids';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId', () => {
  it('is a version 7 UUID carrying its millisecond', () => {
    const at = Date.UTC(2026, 10, 24, 12, 0, 0);
    const id = timeOrderedId(at + 10_000);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(at + 10_000);
  });

  it('sorts in the order ids were made, within a millisecond, across many, and when the clock steps back', () => {
    const at = Date.now() + 60_000;
    const ids = [
      ...Array.from({ length: 5_000 }, () => timeOrderedId(at)), // overflows one ms's counter
      timeOrderedId(at + 1),
      timeOrderedId(at - 5_000), // a clock stepping back does not reorder
      ...Array.from({ length: 100 }, (_, i) => timeOrderedId(at + 10 + i)),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });
});
