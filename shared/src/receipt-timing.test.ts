import { describe, expect, it } from 'vitest';
import {
  DELIVERED_DEBOUNCE_MS,
  LARGE_GROUP_RECEIPT_MEMBERS,
  deliveredReceiptDelayMs,
} from './receipt-timing';

describe('deliveredReceiptDelayMs', () => {
  it('is the debounce in direct chats and groups up to the large-group size', () => {
    for (const members of [2, 3, 32, 200, LARGE_GROUP_RECEIPT_MEMBERS])
      expect(deliveredReceiptDelayMs(members, 300, () => 0.99)).toBe(300);
    expect(deliveredReceiptDelayMs(2)).toBe(DELIVERED_DEBOUNCE_MS);
  });

  it('is 3 to 5 debounces above it, at the random point of that window', () => {
    const large = LARGE_GROUP_RECEIPT_MEMBERS + 1;
    expect(deliveredReceiptDelayMs(large, 300, () => 0)).toBe(900);
    expect(deliveredReceiptDelayMs(large, 300, () => 0.5)).toBe(1200);
    expect(deliveredReceiptDelayMs(1_000, 20, () => 0.999)).toBeCloseTo(99.96);
    // Spread over the window: 1,000 members' waits are not one moment.
    const waits = Array.from({ length: 1_000 }, () => deliveredReceiptDelayMs(1_000));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(900);
    expect(Math.max(...waits)).toBeLessThanOrEqual(1_500);
    expect(new Set(waits.map((w) => Math.floor(w / 100))).size).toBeGreaterThanOrEqual(5);
  });
});
