import { describe, expect, it } from 'vitest';
import { PERIODS_PER_QUERY, overlappingPeriods, periodBatches, seqInsidePeriods } from './periods';
import type { Period } from './types';

/** 1,000 periods as 1,000 remove/re-add cycles leave them: [1,3], [5,7], ..., [3997, null]. */
const churned: Period[] = Array.from({ length: 1_000 }, (_, i) => ({
  joinedSeq: 4 * i + 1,
  leftSeq: i === 999 ? null : 4 * i + 3,
}));
const naiveInside = (periods: readonly Period[], seq: number) =>
  periods.some((p) => seq >= p.joinedSeq && (p.leftSeq === null || seq <= p.leftSeq));
const naiveOverlapping = (periods: readonly Period[], from: number, to: number) =>
  periods.filter((p) => p.joinedSeq <= to && (p.leftSeq === null || p.leftSeq >= from));

describe('membership periods', () => {
  it('a seq is inside exactly when the linear scan says so', () => {
    for (let seq = 0; seq <= 4_010; seq++)
      expect(seqInsidePeriods(churned, seq), `seq ${seq}`).toBe(naiveInside(churned, seq));
    expect(seqInsidePeriods([], 1)).toBe(false);
  });

  it('selects only the periods overlapping a seq range', () => {
    // A page near the end of a long history touches two periods, not a thousand.
    expect(overlappingPeriods(churned, 3_990, 4_000)).toEqual([
      { joinedSeq: 3_989, leftSeq: 3_991 },
      { joinedSeq: 3_993, leftSeq: 3_995 },
      { joinedSeq: 3_997, leftSeq: null },
    ]);
    expect(overlappingPeriods(churned, 4, 4)).toEqual([]);
    expect(overlappingPeriods(churned, 3, 5)).toEqual([
      { joinedSeq: 1, leftSeq: 3 },
      { joinedSeq: 5, leftSeq: 7 },
    ]);
    expect(overlappingPeriods(churned, 10, 9)).toEqual([]);
    for (const [from, to] of [
      [0, 0],
      [1, 1],
      [2, 2_000],
      [1_999, 2_001],
      [3_998, Number.MAX_SAFE_INTEGER],
      [0, Number.MAX_SAFE_INTEGER],
    ] as const) {
      expect(overlappingPeriods(churned, from, to), `${from}..${to}`).toEqual(
        naiveOverlapping(churned, from, to),
      );
    }
  });

  it('hands a query bounded batches, in the order it reads', () => {
    const ascending = [...periodBatches(churned, 'ascending')];
    const descending = [...periodBatches(churned, 'descending')];
    for (const batches of [ascending, descending]) {
      expect(Math.max(...batches.map((b) => b.length))).toBe(PERIODS_PER_QUERY);
      expect(batches.flat()).toHaveLength(churned.length);
    }
    expect(ascending.flat()).toEqual(churned);
    expect(descending[0]?.at(-1)).toEqual(churned.at(-1));
    expect(descending.reverse().flat()).toEqual(churned);
    expect([...periodBatches([], 'descending')]).toEqual([]);
  });
});
