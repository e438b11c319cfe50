import type { Period } from './types';

/**
 * Membership periods as the stores keep them: sorted by `joinedSeq`, disjoint, only the last one
 * open. A member removed and re-added many times has many of them, so nothing here is linear in
 * their number: lookups are binary searches, and a query looks at a bounded batch at a time.
 */

/** Periods one store query matches at most: bounds its size (and its SQL text) whatever the history. */
export const PERIODS_PER_QUERY = 32;

/** Index of the first period that ends at or after `seq` (an open period never ends). */
function firstEndingAtOrAfter(periods: readonly Period[], seq: number): number {
  let low = 0;
  let high = periods.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const leftSeq = periods[mid]?.leftSeq ?? null;
    if (leftSeq !== null && leftSeq < seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Index just past the last period that starts at or before `seq`. */
function pastLastStartingAtOrBefore(periods: readonly Period[], seq: number): number {
  let low = 0;
  let high = periods.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((periods[mid]?.joinedSeq ?? Infinity) <= seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Whether `seq` lies inside one of the periods, in O(log n). */
export function seqInsidePeriods(periods: readonly Period[], seq: number): boolean {
  const candidate = periods[pastLastStartingAtOrBefore(periods, seq) - 1];
  return candidate !== undefined && (candidate.leftSeq === null || seq <= candidate.leftSeq);
}

/** The periods that overlap `fromSeq..toSeq` (inclusive), in order; found in O(log n). */
export function overlappingPeriods(
  periods: readonly Period[],
  fromSeq: number,
  toSeq: number,
): readonly Period[] {
  if (fromSeq > toSeq) return [];
  return periods.slice(
    firstEndingAtOrAfter(periods, fromSeq),
    pastLastStartingAtOrBefore(periods, toSeq),
  );
}

/** The seqs a batch of periods spans: a query adds them as a range its index can seek. */
export function spanOf(batch: readonly Period[]): { fromSeq: number; toSeq: number } {
  return {
    fromSeq: batch[0]?.joinedSeq ?? 0,
    toSeq: batch.at(-1)?.leftSeq ?? Number.MAX_SAFE_INTEGER,
  };
}

/**
 * Consecutive batches of at most PERIODS_PER_QUERY periods, oldest first (`ascending`) or newest
 * first: a store queries one batch at a time and stops once it has what it was asked for.
 */
export function* periodBatches(
  periods: readonly Period[],
  order: 'ascending' | 'descending',
): Generator<readonly Period[]> {
  if (order === 'ascending') {
    for (let start = 0; start < periods.length; start += PERIODS_PER_QUERY)
      yield periods.slice(start, start + PERIODS_PER_QUERY);
  } else {
    for (let end = periods.length; end > 0; end -= PERIODS_PER_QUERY)
      yield periods.slice(Math.max(0, end - PERIODS_PER_QUERY), end);
  }
}
