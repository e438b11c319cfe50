import { forwardRef, useCallback, useMemo, useState } from 'react';
import { Virtuoso, type Components } from 'react-virtuoso';
import type { ConversationView, MemberView } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { AddMembers } from './AddMembers';
import { MemberRow } from './MemberRow';
import { matchMembers, orderMembers, searchable } from './memberList';
import { useGroupMembers } from './useGroupMembers';

// Defined once, outside the render: Virtuoso remounts components whose identity changes.
const COMPONENTS: Components<MemberView> = {
  List: forwardRef(function MemberItems({ context: _context, ...props }, ref) {
    return <div {...props} ref={ref} role="list" aria-label="Members" />;
  }),
  Item: ({ item: _item, context: _context, ...props }) => <div {...props} role="listitem" />,
};

/**
 * The members of a group in its info panel (issue #15): the count, a search over names and
 * usernames, and the list ("You" first, then admins, then by name). Only the rows in view (and a
 * screen around them) are drawn, scrolling with the panel itself: a group of 1,024 costs what a
 * group of 20 does.
 */
export function GroupMembers({
  store,
  conversation: c,
  me,
  manage,
  run,
}: {
  store: AppStore;
  conversation: ConversationView;
  me: string;
  manage: boolean;
  run: (work: Promise<unknown>) => void;
}) {
  const { members, error } = useGroupMembers(store, c);
  const [query, setQuery] = useState('');
  // The panel's own scroller: the list scrolls with the panel, never in a box of its own.
  const [scroller, setScroller] = useState<HTMLElement | null>(null);
  const findScroller = useCallback((el: HTMLElement | null) => {
    if (el !== null) setScroller(el.closest<HTMLElement>('.sheet-body'));
  }, []);
  const ordered = useMemo(() => searchable(orderMembers(members ?? [], me)), [members, me]);
  const shown = useMemo(() => matchMembers(ordered, query), [ordered, query]);
  const count = members?.length ?? c.memberCount;
  return (
    <section className="group-members" ref={findScroller}>
      <h3>
        {count} {count === 1 ? 'member' : 'members'}
      </h3>
      {manage && members !== null && (
        <AddMembers store={store} conversation={c} members={members} run={run} />
      )}
      <input
        type="search"
        placeholder="Search members"
        aria-label="Search members"
        dir="auto"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {error !== null && <p className="form-error">{error}</p>}
      {members === null && error === null && <p className="muted">Loading members…</p>}
      {members !== null && shown.length === 0 && (
        <p className="muted" role="status">
          No members match.
        </p>
      )}
      {scroller !== null && shown.length > 0 && (
        <Virtuoso
          customScrollParent={scroller}
          data={shown}
          computeItemKey={(_, m) => m.userId}
          increaseViewportBy={{ top: 400, bottom: 400 }}
          components={COMPONENTS}
          itemContent={(_, m) => (
            <MemberRow
              store={store}
              conversation={c}
              member={m}
              me={me}
              manage={manage}
              run={run}
            />
          )}
        />
      )}
    </section>
  );
}
