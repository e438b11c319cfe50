import { SEARCH_KINDS } from '../../../common/contract';
import { useAppState, type AppStore } from '../../state/store';
import {
  DATE_LABELS,
  KIND_LABELS,
  peopleOf,
  type DateRange,
  type MessageFilters,
} from './messageFilters';
import './search.css';

/**
 * The message search's filters under the search field (issue #16): a kind (one chip pressed at a
 * time), a person, a chat, a time range.
 */
export function SearchFilters({
  store,
  filters,
  onChange,
}: {
  store: AppStore;
  filters: MessageFilters;
  onChange: (filters: MessageFilters) => void;
}) {
  const conversations = useAppState(store, (s) => s.conversations);
  const session = useAppState(store, (s) => s.session);
  const me = session?.status === 'signed_in' ? session.user : null;
  const people = peopleOf(conversations, me);
  return (
    <div className="search-filters" role="group" aria-label="Filter messages">
      <div className="search-kinds">
        {SEARCH_KINDS.map((kind) => (
          <button
            key={kind}
            type="button"
            className={`chip${filters.kind === kind ? ' chip-on' : ''}`}
            aria-pressed={filters.kind === kind}
            onClick={() => onChange({ ...filters, kind: filters.kind === kind ? null : kind })}
          >
            {KIND_LABELS[kind]}
          </button>
        ))}
      </div>
      <div className="search-selects">
        <select
          aria-label="From"
          value={filters.senderId ?? ''}
          onChange={(e) => onChange({ ...filters, senderId: e.target.value || null })}
        >
          <option value="">From anyone</option>
          {me !== null && <option value={me.id}>From you</option>}
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              From {p.name}
            </option>
          ))}
        </select>
        <select
          aria-label="In chat"
          value={filters.conversationId ?? ''}
          onChange={(e) => onChange({ ...filters, conversationId: e.target.value || null })}
        >
          <option value="">In all chats</option>
          {conversations.map((c) => (
            <option key={c.id} value={c.id}>
              In {c.title}
            </option>
          ))}
        </select>
        <select
          aria-label="Date"
          value={filters.date}
          onChange={(e) => onChange({ ...filters, date: e.target.value as DateRange })}
        >
          {(Object.keys(DATE_LABELS) as DateRange[]).map((range) => (
            <option key={range} value={range}>
              {DATE_LABELS[range]}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
