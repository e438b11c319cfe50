import { describe, expect, it } from 'vitest';
import { monthGroups } from './monthGroups';

describe('the gallery grouped by month', () => {
  it('reads "This month", then each older month with its year, newest first', () => {
    const now = new Date(2026, 11, 5, 12).getTime();
    const items = [
      new Date(2026, 11, 3).getTime(),
      new Date(2026, 11, 1, 0, 5).getTime(),
      new Date(2026, 10, 30, 23, 59).getTime(),
      new Date(2026, 10, 2).getTime(),
      new Date(2025, 11, 20).getTime(),
    ];
    const groups = monthGroups(items, (at) => at, now, 'en-US');
    expect(groups.map((g) => [g.label, g.items.length])).toEqual([
      ['This month', 2],
      ['November 2026', 2],
      ['December 2025', 1],
    ]);
    expect(monthGroups(items, (at) => at, now, 'de-DE')[1]?.label).toBe('November 2026');
    expect(monthGroups(items, (at) => at, now, 'fr-FR')[2]?.label).toBe('décembre 2025');
  });
});
