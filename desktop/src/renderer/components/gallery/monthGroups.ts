import { dateFormatter } from '../../format';

/** Messages of one calendar month, for the gallery's headings. */
export interface MonthGroup<T> {
  /** "This month", else the month and year as the locale writes them ("November 2026"). */
  label: string;
  items: T[];
}

/**
 * Splits items (newest first, as the gallery lists them) into runs of one calendar month in local
 * time; the current month reads "This month".
 */
export function monthGroups<T>(
  items: readonly T[],
  timeOf: (item: T) => number,
  now = Date.now(),
  locale?: string,
): MonthGroup<T>[] {
  const today = new Date(now);
  const groups: (MonthGroup<T> & { key: string })[] = [];
  for (const item of items) {
    const at = new Date(timeOf(item));
    const key = `${at.getFullYear()}-${at.getMonth()}`;
    const last = groups.at(-1);
    if (last !== undefined && last.key === key) {
      last.items.push(item);
      continue;
    }
    const current = at.getFullYear() === today.getFullYear() && at.getMonth() === today.getMonth();
    const label = current
      ? 'This month'
      : dateFormatter({ month: 'long', year: 'numeric' }, locale).format(at);
    groups.push({ key, label, items: [item] });
  }
  return groups.map(({ label, items: list }) => ({ label, items: list }));
}
