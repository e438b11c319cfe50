import type { ReactNode } from 'react';
import type { AppStore } from '../../state/store';
import { EndOfList } from './EndOfList';
import { monthGroups } from './monthGroups';
import type { ChatMediaState } from './useChatMedia';

/** The Links and Docs tabs: rows under month headings, newest first, paging at the end. */
export function MonthList<T>({
  store,
  state,
  items,
  timeOf,
  keyOf,
  render,
  empty,
}: {
  store: AppStore;
  state: ChatMediaState;
  items: readonly T[];
  timeOf: (item: T) => number;
  keyOf: (item: T) => string;
  render: (item: T) => ReactNode;
  empty: string;
}) {
  return (
    <>
      {monthGroups(items, timeOf).map((group) => (
        <section key={group.label} className="gallery-month" aria-label={group.label}>
          <h3>{group.label}</h3>
          <ul className="gallery-rows" role="list">
            {group.items.map((item) => (
              <li key={keyOf(item)}>{render(item)}</li>
            ))}
          </ul>
        </section>
      ))}
      <EndOfList store={store} state={state} empty={empty} />
    </>
  );
}
